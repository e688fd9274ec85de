"""Publishing and unpublishing, and the one notice that what the public sees has changed.

The rules live here so that the admin, its list actions, the importer, commands and the shell all
follow the same ones. Every path that changes public content passes through the model signals
connected at start-up (`connect_signals`), which call `content_changed`; it does its work once per
transaction, after the commit, and never for a transaction that is rolled back (an
`import_content --dry-run`).
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from portal.models import Consultation, Status
from portal.publishing import registry, version
from portal.publishing.checks import require_publishable

logger = logging.getLogger(__name__)


class PublishingNotAllowed(PermissionDenied):
    pass


def can_publish(user, model) -> bool:
    opts = model._meta
    return bool(user and user.has_perm(f"{opts.app_label}.publish_{opts.model_name}"))


def require_publish_permission(user, model) -> None:
    if not can_publish(user, model):
        raise PublishingNotAllowed("Du har ikke tilgang til å publisere.")


def stamp_first_publication(obj) -> None:
    """A public object remembers when it first went public (the feed's publication date). The
    importer calls this too: content/ is reviewed in git, so an import publishes."""
    if obj.status == Status.PUBLISHED and obj.first_published_at is None:
        obj.first_published_at = timezone.now()


def publish(obj, user, *, reason: str = "Publisert", alongside=()) -> bool:
    """Make `obj` public. False when it already was. PublicationBlocked while an image lacks
    alt text or an internal link leads nowhere public (checks.py); `alongside` are objects
    published in the same step, whose links to each other count."""
    require_publish_permission(user, type(obj))
    if obj.status == Status.PUBLISHED:
        return False
    require_publishable(obj, alongside=alongside)
    obj.status = Status.PUBLISHED
    stamp_first_publication(obj)
    obj._change_reason = reason
    obj.save()
    return True


def unpublish(obj, user, *, reason: str = "Avpublisert") -> bool:
    """Take `obj` off the public site (it becomes a draft). False when it was not public."""
    require_publish_permission(user, type(obj))
    if obj.status != Status.PUBLISHED:
        return False
    obj.status = Status.DRAFT
    obj._change_reason = reason
    obj.save()
    return True


def apply_status_change(obj, user, previous_status: str | None) -> None:
    """Before a form saves `obj`: a changed status needs the publish permission, and a first
    publication records its time. Whatever is saved as published (a publication, or until
    editions a change to a live object) must pass the publication checks: PublicationBlocked."""
    if obj.status != (previous_status or Status.DRAFT):
        require_publish_permission(user, type(obj))
    if obj.status == Status.PUBLISHED:
        require_publishable(obj)
    stamp_first_publication(obj)


# --- What the public sees has changed ------------------------------------------------------


def content_changed() -> None:
    if not connection.in_atomic_block:
        _after_commit()
        return
    if any(callback is _after_commit for _, callback, _ in connection.run_on_commit):
        return  # already scheduled for this transaction
    transaction.on_commit(_after_commit, robust=True)


def _after_commit() -> None:
    version.write_new(upcoming_boundaries(timezone.now()))
    # Higher layers that read the registry: imported here, so they may import this package.
    from portal import search, tasks

    search.refresh_vocabulary()
    tasks.schedule_pdf_build()  # new PDFs in the background; readers get the old ones meanwhile


def upcoming_boundaries(moment: dt.datetime) -> tuple[int, ...]:
    """The moments ahead at which a published round opens or closes (see version.py)."""
    rows = Consultation.objects.not_closed_at(moment)
    moments = set()
    for opens_at, closes_at in rows.values_list("opens_at", "closes_at"):
        moments.update(m for m in (opens_at, closes_at) if m > moment)
    return tuple(sorted(int(m.timestamp()) for m in moments))


def _on_change(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata writes rows as they are; a restore clears the cache itself
    content_changed()


def _connections():
    for model in registry.PUBLIC_MODELS:
        yield post_save, model, f"content-save-{model._meta.label}"
        yield post_delete, model, f"content-delete-{model._meta.label}"
    for through in registry.through_models():
        yield m2m_changed, through, f"content-links-{through._meta.label}"


def connect_signals() -> None:
    for signal, sender, uid in _connections():
        signal.connect(_on_change, sender=sender, dispatch_uid=uid)


def disconnect_signals() -> None:
    for signal, sender, uid in _connections():
        signal.disconnect(sender=sender, dispatch_uid=uid)
