"""An edition's life: saved by editors, sent for approval, returned, withdrawn, and published
now or at a set minute by a publisher.

Every path that changes a live object's content (the admin's form, list actions and history
revert, the importer with --as-draft, the shell) calls these functions. Only `publish_edition`
(and the task it schedules) writes the live row, in one transaction, through the model signals
that portal.publishing listens to, so content_changed runs once per publish. Saving an edition
writes the Edition row alone, which no cache follows.
"""

import datetime as dt
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from portal.editions import live as live_rows
from portal.editions.errors import EditConflict, EditionRefused, NotAllowed
from portal.editions.snapshot import differences, snapshot_of
from portal.models import Consultation, Edition, Removal, Status
from portal.models.consultation import whole_minute
from portal.publishing import services as publishing
from portal.publishing.checks import see_instead_problem

State = Edition.State
# A round's opening and deadline decide when the public may send input, and its kind what
# happens to the answers: publishers set them.
PUBLISHER_ONLY_FIELDS = {Consultation: ("opens_at", "closes_at", "kind")}


def pending_edition(obj) -> Edition | None:
    if obj is None or obj.pk is None:
        return None
    return Edition.objects.pending().for_object(obj).select_related("author", "last_editor").first()


def can_publish(user, model) -> bool:
    return publishing.can_publish(user, model)


def _require_change(user, model, *, new: bool) -> None:
    """`user` None is the system itself (the importer with --as-draft), never a request."""
    if user is None:
        return
    opts = model._meta
    action = "add" if new else "change"
    if not (user and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")):
        raise NotAllowed("Du har ikke tilgang til å endre dette.")


def _require_publish(user, model) -> None:
    if not can_publish(user, model):
        raise NotAllowed("Du har ikke tilgang til å publisere.")


# --- Saving -----------------------------------------------------------------------------------


def save_edition(
    user,
    model,
    data: dict,
    *,
    live=None,
    edition: Edition | None = None,
    base_version: int | None = None,
    base_revision: int | None = None,
    dry_run: bool = False,
) -> Edition | None:
    """Write `data` (a snapshot) as the pending edition of `live`, or of a new object (`live`
    None; `edition` the new object's edition when it has one). Never touches the live row.

    `base_version` and `base_revision` are what the editor started from (the live row's version,
    the pending edition's save number, 0 when there was none); None skips the check (the shell,
    the importer). A save over anything newer raises EditConflict. `dry_run` checks only."""
    _require_change(user, model, new=live is None)
    with transaction.atomic():
        if live is not None:
            live = type(live).objects.select_for_update().get(pk=live.pk)
            pending = Edition.objects.pending().for_object(live).select_for_update().first()
        elif edition is not None:
            pending = Edition.objects.select_for_update().get(pk=edition.pk)
            if not pending.is_pending:
                raise EditionRefused("Denne utgaven er allerede publisert eller trukket.")
        else:
            pending = None
        current = pending.data if pending else (snapshot_of(live) if live is not None else {})
        _check_base(live, pending, data, current, base_version, base_revision)
        _check_publisher_fields(user, model, current, data)
        if live is not None:
            live_rows.check_questions(live, data)
        if dry_run:  # the checks alone (the admin's form validation)
            return pending
        if pending is None:
            return Edition.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=live.pk if live is not None else None,
                data=data,
                base_version=live.version if live is not None else 0,
                author=user,
                last_editor=user,
            )
        pending.data = data
        pending.revision += 1
        pending.last_editor = user
        if pending.state == State.SCHEDULED:  # a changed edition needs a new decision
            pending.state, pending.publish_at = State.SUBMITTED, None
        pending.save()
        return pending


def _check_base(live, pending, data, current, base_version, base_revision) -> None:
    if base_version is not None and live is not None and live.version != base_version:
        last = Edition.objects.for_object(live).filter(state=State.PUBLISHED).first()
        raise EditConflict(
            by=last.decided_by if last else None,
            at=live.updated_at,
            changes=differences(type(live), snapshot_of(live), data),
            version=live.version,
            revision=pending.revision if pending else 0,
        )
    if base_revision is not None and (pending.revision if pending else 0) != base_revision:
        if pending is None:
            return  # the edition it started from was withdrawn: this save starts a new one
        raise EditConflict(
            by=pending.last_editor,
            at=pending.updated_at,
            changes=differences(pending.model, current, data),
            version=live.version if live is not None else 0,
            revision=pending.revision,
        )


def _check_publisher_fields(user, model, current: dict, data: dict) -> None:
    names = PUBLISHER_ONLY_FIELDS.get(model, ())
    if not names or can_publish(user, model):
        return
    before, after = current.get("fields", {}), data.get("fields", {})
    if current and any(before.get(name) != after.get(name) for name in names):
        raise NotAllowed("Bare en publisist kan endre når innspillsrunden åpner og stenger.")


# --- The workflow ----------------------------------------------------------------------------


def _locked(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().get(pk=edition.pk)


def _move(edition: Edition, allowed: tuple, **changes) -> Edition:
    with transaction.atomic():
        edition = _locked(edition)
        if edition.state not in allowed:
            raise EditionRefused(
                f"Utgaven er «{edition.get_state_display()}» og kan ikke endres slik nå."
            )
        for name, value in changes.items():
            setattr(edition, name, value)
        edition.save()
    return edition


def submit(edition: Edition, user, *, message: str = "") -> Edition:
    """Sendt til godkjenning: the publishers get an e-mail (a task) and see it on the front page."""
    _require_change(user, edition.model, new=edition.object_id is None)
    edition = _move(
        edition,
        (State.DRAFT, State.RETURNED),
        state=State.SUBMITTED,
        submitted_at=timezone.now(),
        submit_message=message,
        last_editor=user,
    )
    from portal.editions import tasks  # it imports this module

    transaction.on_commit(partial(tasks.notify_publishers.enqueue, edition.pk), robust=True)
    return edition


def return_to_editor(edition: Edition, user, *, comment: str) -> Edition:
    _require_publish(user, edition.model)
    return _move(
        edition,
        (State.SUBMITTED, State.SCHEDULED),
        state=State.RETURNED,
        reviewer_comment=comment,
        decided_by=user,
        publish_at=None,
    )


def withdraw(edition: Edition, user) -> Edition:
    """Take a submission (or a schedule) back: the edition is a draft again, nothing is lost."""
    if edition.state == State.SCHEDULED:
        _require_publish(user, edition.model)
    else:
        _require_change(user, edition.model, new=edition.object_id is None)
    return _move(edition, (State.SUBMITTED, State.SCHEDULED), state=State.DRAFT, publish_at=None)


def discard(edition: Edition, user) -> Edition:
    """Trukket: the edition is given up. Its row stays as a record; the live object is unchanged."""
    _require_change(user, edition.model, new=edition.object_id is None)
    return _move(edition, Edition.PENDING_STATES, state=State.WITHDRAWN, publish_at=None)


# --- Publishing ------------------------------------------------------------------------------


def publish_edition(
    edition: Edition,
    user,
    *,
    note: str = "",
    substantial: bool = False,
    at: dt.datetime | None = None,
    unpublish_at: dt.datetime | None = None,
):
    """Publish now (`at` None or past): the live row becomes the edition, in one transaction.
    Or at the minute `at`: the edition is planlagt and a task publishes it then, with no one
    logged in. Returns the live object (now) or the edition (scheduled)."""
    _require_publish(user, edition.model)
    live_rows.require_publishable(edition)  # PublicationBlocked: what to fix, listed
    if at is not None and whole_minute(at) > timezone.now():
        at = whole_minute(at)
        edition = _move(
            edition,
            Edition.PENDING_STATES,
            state=State.SCHEDULED,
            publish_at=at,
            unpublish_at=unpublish_at,
            note=note,
            substantial=substantial,
            decided_by=user,
        )
        from portal.editions import tasks

        task = tasks.publish_scheduled.using(run_after=at)
        transaction.on_commit(partial(task.enqueue, edition.pk, at.isoformat()), robust=True)
        return edition
    return apply_edition(
        edition, user, note=note, substantial=substantial, unpublish_at=unpublish_at
    )


def apply_edition(edition: Edition, user, *, note, substantial, unpublish_at=None):
    """The edition onto the live row (created for a new object). Idempotent: an edition that is
    no longer pending is left alone and its live object returned."""
    with transaction.atomic():
        edition = _locked(edition)
        if not edition.is_pending:
            return edition.live
        live = live_rows.write(edition, reason=note or None)
        edition.state = State.PUBLISHED
        edition.object_id = live.pk
        edition.published_at = timezone.now()
        edition.decided_by = user
        edition.note, edition.substantial = note, substantial
        edition.unpublish_at = unpublish_at or edition.unpublish_at
        edition.save()
        Removal.objects.filter(
            content_type=edition.content_type, slug=getattr(live, "slug", "")
        ).delete()
        if edition.unpublish_at:
            unpublish(live, user, at=edition.unpublish_at)
    return live


def republish(obj, user) -> bool:
    """An unpublished object with no pending edition back on the site as it was. False when it
    was public already (or has no publication state)."""
    _require_publish(user, type(obj))
    if getattr(obj, "status", Status.PUBLISHED) == Status.PUBLISHED:
        return False
    with transaction.atomic():
        obj.version += 1
        publishing.publish(obj, user)
        Removal.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), slug=obj.slug
        ).delete()
    return True


def unpublish(
    obj, user, *, at=None, see_instead: str = "", redirect: bool = False, check: bool = True
) -> Removal:
    """Take a page off the site now or at the minute `at`; its address then says it was removed
    and where to look instead (410), or sends readers there when `redirect`. `see_instead` must
    be a public page (checked unless `check` is False: the scheduled task, which checked when
    it was planned and drops a redirect to a page that has gone since)."""
    _require_publish(user, type(obj))
    if not hasattr(obj, "status"):
        raise EditionRefused("Dette kan ikke avpubliseres.")
    see_instead = see_instead.strip()
    if redirect and not see_instead:
        raise EditionRefused("Skriv adressen leserne skal sendes videre til.")
    if check and see_instead:
        problem = see_instead_problem(see_instead, obj)
        if problem:
            raise EditionRefused(problem)
    now = timezone.now()
    scheduled = at is not None and whole_minute(at) > now
    with transaction.atomic():
        removal, _ = Removal.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            slug=obj.slug,
            defaults={
                "object_id": obj.pk,
                "title": str(obj),
                "see_instead": see_instead,
                "redirect": redirect and bool(see_instead),
                "scheduled_for": whole_minute(at) if scheduled else None,
                "removed_at": None if scheduled else now,
                "removed_by": user,
            },
        )
        if scheduled:
            from portal.editions import tasks

            task = tasks.unpublish_scheduled.using(run_after=removal.scheduled_for)
            when = removal.scheduled_for.isoformat()
            transaction.on_commit(partial(task.enqueue, removal.pk, when), robust=True)
        else:
            obj.version += 1
            publishing.unpublish(obj, user)
    return removal


def scheduled_removal(obj) -> Removal | None:
    """The unpublishing planned for `obj`, if any (not yet carried out)."""
    return Removal.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        removed_at__isnull=True,
        scheduled_for__isnull=False,
    ).first()


def cancel_unpublish(obj, user) -> bool:
    """The planned unpublishing of `obj` called off (its task then finds nothing to do). False
    when none was planned."""
    _require_publish(user, type(obj))
    removal = scheduled_removal(obj)
    if removal is None:
        return False
    removal.delete()
    return True
