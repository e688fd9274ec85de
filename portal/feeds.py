"""An Atom feed of changes to the guide: published pages, the most recently changed first.

A page's date in the feed is its last substantial change ("vesentlig endring", with the change
note as the entry's text), or its first publication: minor fixes do not bother readers.
"""

from itertools import chain

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from portal.models import Edition
from portal.publishing import PAGE_MODELS

FEED_LENGTH = 30


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Smart spesialisering – endringer i veilederen"
    subtitle = "Kapitler, steg, eksempler og sider i veilederen, sist endret først."
    author_name = "Kommunal- og distriktsdepartementet"

    # Absolute addresses from SITE_URL alone: the request's Host header is the client's word
    # (Django's feed leaves an address that already has a scheme as it is).
    def link(self):
        return settings.SITE_URL + reverse("portal:home")

    def feed_url(self):
        return settings.SITE_URL + reverse("portal:feed")

    def items(self):
        pages = list(chain(*(model.objects.published() for model in PAGE_MODELS)))
        notes = {}
        for edition in (
            Edition.objects.change_notes().exclude(object_id=None).select_related("content_type")
        ):
            notes.setdefault((edition.content_type.model, edition.object_id), edition)
        for page in pages:
            page.change_note = notes.get((page._meta.model_name, page.pk))
            page.changed_at = (
                page.change_note.published_at
                if page.change_note
                else page.first_published_at or page.updated_at
            )
        return sorted(pages, key=lambda item: item.changed_at, reverse=True)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        summary = getattr(item, "lead", None) or getattr(item, "summary", "")
        if item.change_note is not None:
            return f"Endret: {item.change_note.note} {summary}".strip()
        return summary

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item):
        # Stable per page and version: a reader sees an edit as a new entry.
        return f"{settings.SITE_URL}{item.get_absolute_url()}#{item.changed_at.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at or item.updated_at

    def item_updateddate(self, item):
        return item.changed_at

    def item_categories(self, item):
        return [item._meta.verbose_name.capitalize()]
