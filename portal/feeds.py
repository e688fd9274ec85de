"""An Atom feed of changes to the guide: the most recently changed published pages first."""

from itertools import chain

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

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
        recent = [
            model.objects.published().order_by("-updated_at")[:FEED_LENGTH] for model in PAGE_MODELS
        ]
        return sorted(chain(*recent), key=lambda item: item.updated_at, reverse=True)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return getattr(item, "lead", None) or getattr(item, "summary", "")

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item):
        # Stable per page and version: a reader sees an edit as a new entry.
        return f"{settings.SITE_URL}{item.get_absolute_url()}#{item.updated_at.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at or item.updated_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item._meta.verbose_name.capitalize()]
