"""The editions' background work on the punctual `default` queue: publishing and unpublishing
at a set minute, and telling the publishers what waits for them.

The database queue survives restarts; a worker that was down at the minute runs the task as
soon as it is back. Each task takes ids and the moment it was scheduled for, and does nothing
when the edition or removal has since been changed, published or withdrawn: it may run twice.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.models import Edition, Removal
from portal.tasks.retry import retrying_task


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@retrying_task(queue_name="default")
def publish_scheduled(edition_id: int, publish_at: str) -> str:
    from portal.editions import live, services
    from portal.editions.errors import EditConflict
    from portal.publishing.checks import PublicationBlocked

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or edition.state != Edition.State.SCHEDULED:
        return "ikke lenger planlagt"
    if edition.publish_at != _moment(publish_at):
        return "planlagt til et annet tidspunkt"
    if edition.publish_at > timezone.now():
        return "ikke tid ennå"
    try:
        live.require_publishable(edition)  # a linked page may have gone since it was planned
        services.apply_edition(
            edition, edition.decided_by, note=edition.note, substantial=edition.substantial
        )
    except PublicationBlocked as blocked:
        Edition.objects.filter(pk=edition_id).update(
            state=Edition.State.RETURNED,
            publish_at=None,
            reviewer_comment="Ikke publisert: " + " ".join(blocked.problems),
        )
        return "kan ikke publiseres: sendt tilbake"
    except EditConflict:
        Edition.objects.filter(pk=edition_id).update(
            state=Edition.State.RETURNED,
            publish_at=None,
            reviewer_comment="Ikke publisert: den publiserte versjonen ble endret etter at "
            "utgaven ble planlagt. Se over endringene og planlegg på nytt.",
        )
        return "konflikt: sendt tilbake"
    return "publisert"


@retrying_task(queue_name="default")
def unpublish_scheduled(removal_id: int, scheduled_for: str) -> str:
    from portal.editions import services
    from portal.publishing.checks import see_instead_problem

    removal = Removal.objects.filter(pk=removal_id, removed_at__isnull=True).first()
    if removal is None or removal.scheduled_for is None:
        return "ikke lenger planlagt"
    if removal.scheduled_for != _moment(scheduled_for):
        return "planlagt til et annet tidspunkt"
    obj = removal.content_type.model_class().objects.filter(pk=removal.object_id).first()
    if obj is None:
        return "finnes ikke"
    # A redirect to a page that has gone since the plan was made becomes a link on the 410 page.
    redirect = removal.redirect and not see_instead_problem(removal.see_instead, obj)
    services.unpublish(
        obj,
        removal.removed_by,
        see_instead=removal.see_instead,
        redirect=redirect,
        check=False,
    )
    return "avpublisert"


@retrying_task(queue_name="default")
def notify_publishers(edition_id: int) -> str:
    edition = Edition.objects.filter(pk=edition_id, state=Edition.State.SUBMITTED).first()
    if edition is None:
        return "ikke lenger sendt til godkjenning"
    opts = edition.model._meta
    perm = f"publish_{opts.model_name}"
    publishers = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=perm)
            | Q(user_permissions__codename=perm)
        )
        .exclude(email="")
        .distinct()
    )
    addresses = sorted({user.email for user in publishers})
    if not addresses:
        return "ingen publisister med e-post"
    author = edition.last_editor or edition.author
    url = settings.SITE_URL + reverse("admin:portal_edition_change", args=[edition.pk])
    body = (
        f"{author.get_full_name() or author.get_username() if author else 'En redaktør'} har "
        f"sendt «{edition.title}» ({opts.verbose_name}) til godkjenning.\n\n"
        f"Melding: {edition.submit_message or '(ingen)'}\n\nSe utgaven: {url}\n"
    )
    EmailMessage(
        subject=f"Til godkjenning: {edition.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=addresses,
    ).send()
    return f"sendt til {len(addresses)}"
