"""What a reading view shows for an address: for staff, the pending edition as it will look
(unless they ask for the published one with ?publisert); for everyone, the live row when it is
public; and for a page that was public and is not, its removal (410 or a redirect)."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from portal.editions.snapshot import preview_object
from portal.models import Edition, Removal

SHOW_LIVE = "publisert"


class Removed(Exception):
    def __init__(self, removal: Removal):
        self.removal = removal
        super().__init__(removal.slug)


def pending_new(model, slug: str) -> Edition | None:
    """The edition of an object not published yet whose snapshot has this slug."""
    return (
        Edition.objects.pending()
        .for_model(model)
        .filter(object_id=None, data__fields__slug=slug)
        .select_related("author", "last_editor")
        .first()
    )


def find(request_get, queryset, slug: str, *, staff: bool):
    """The object to show at `slug`: the live row from `queryset`, or for staff its pending
    edition in memory. Raises Removed for an unpublished page, Http404 for one never public."""
    model = queryset.model
    live = queryset.filter(slug=slug).first()
    if staff and SHOW_LIVE not in request_get:
        edition = (
            Edition.objects.pending()
            .for_object(live)
            .select_related("author", "last_editor")
            .first()
            if live is not None
            else pending_new(model, slug)
        )
        if edition is not None:
            return preview_object(edition)
    if live is not None:
        return live
    removal = Removal.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        slug=slug,
        removed_at__isnull=False,
    ).first()
    if removal is not None:
        raise Removed(removal)
    raise Http404


def with_editions(objects) -> list:
    """A list page for staff: each object that has a pending edition shown as that edition."""
    objects = list(objects)
    if not objects:
        return objects
    pending = {
        edition.object_id: edition
        for edition in Edition.objects.pending()
        .for_model(type(objects[0]))
        .filter(object_id__in=[o.pk for o in objects])
        .select_related("author", "last_editor")
    }
    return [preview_object(pending[o.pk]) if o.pk in pending else o for o in objects]
