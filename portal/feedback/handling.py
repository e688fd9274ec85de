"""Staff handling of input: status, approval for publication and its withdrawal.

The rules live here, so that the admin (its list actions and its change form), commands and the
shell all follow the same ones: who may do it (checked here, not only by the admin's buttons),
what may be approved, that spam and rejected input loses its approval, and that each change is
written to the admin's log (LogEntry: the input's "Historikk") under the user who made it.

    from portal.feedback import handling
    handling.set_status(Feedback.objects.filter(reference="VS-2026-4F7K"), "behandlet", user)
"""

from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext

from portal.models import Feedback
from portal.models.feedback import KEPT_STATUSES

HANDLE_PERMISSION = "portal.change_feedback"
APPROVE_PERMISSION = "portal.approve_feedback"

# Written to the log as the admin wrote them before these functions existed.
APPROVED_MESSAGE = "Godkjent for publisering"
WITHDRAWN_MESSAGE = "Godkjenning for publisering trukket tilbake"


class HandlingNotAllowed(PermissionDenied):
    pass


@dataclass(frozen=True)
class Outcome:
    changed: int  # rows changed and logged
    refused: int = 0  # rows selected that the rules kept from changing


def can_handle(user) -> bool:
    return bool(user and user.has_perm(HANDLE_PERMISSION))


def can_approve(user) -> bool:
    return bool(user and user.has_perm(APPROVE_PERMISSION))


def _require(allowed: bool) -> None:
    if not allowed:
        raise HandlingNotAllowed("Du har ikke tilgang til å gjøre dette med innspill.")


# What may be approved, for one row and for a set: the two sit together so they change together.


def approval_refusal(feedback: Feedback, status: str | None = None) -> str:
    """Why `feedback` may not be approved for publication ("" when it may), judged with `status`
    when the status is about to change as well."""
    if feedback.publication == Feedback.Publication.NONE:
        return "Avsenderen har valgt at innspillet ikke skal publiseres."
    if (status or feedback.status) not in KEPT_STATUSES:
        return "Spam og avviste innspill kan ikke publiseres."
    return ""


def _approvable(feedback: QuerySet) -> QuerySet:
    return feedback.filter(status__in=KEPT_STATUSES).exclude(publication=Feedback.Publication.NONE)


# --- Changing a set of input (the admin's list actions, commands, the shell) -----------------


def set_status(feedback: QuerySet, status: str, user) -> Outcome:
    """Give every row of `feedback` `status`. Spam and rejected input loses its approval."""
    _require(can_handle(user))
    status = Feedback.Status(status)
    values = {"status": status}
    if status not in KEPT_STATUSES:
        values |= {"publication_approved": False, "publication_approved_at": None}
    changed = _change_each(feedback.exclude(status=status), values, user, f"Status: {status.label}")
    return Outcome(changed)


def approve_publication(feedback: QuerySet, user) -> Outcome:
    """Approve for publication the rows whose respondent allowed it and that are kept; the rest
    are counted as refused."""
    _require(can_approve(user))
    allowed = _approvable(feedback)
    refused = feedback.count() - allowed.count()
    values = {"publication_approved": True, "publication_approved_at": timezone.now()}
    changed = _change_each(
        allowed.filter(publication_approved=False), values, user, APPROVED_MESSAGE
    )
    return Outcome(changed, refused)


def withdraw_publication(feedback: QuerySet, user) -> Outcome:
    _require(can_approve(user))
    values = {"publication_approved": False, "publication_approved_at": None}
    changed = _change_each(
        feedback.filter(publication_approved=True), values, user, WITHDRAWN_MESSAGE
    )
    return Outcome(changed)


def _change_each(feedback: QuerySet, values: dict, user, message: str) -> int:
    """Set `values` on each row and log it, all or nothing. Row by row, not update(), so that
    updated_at moves and each row gets its own log entry."""
    with transaction.atomic():
        rows = list(feedback)
        for row in rows:
            for field, value in values.items():
                setattr(row, field, value)
            row.save(update_fields=[*values, "updated_at"])
        if rows:
            LogEntry.objects.log_actions(
                user_id=user.pk, queryset=rows, action_flag=CHANGE, change_message=message
            )
    return len(rows)


# --- Saving one input's form (the admin's change form) ----------------------------------------


def save_handling(feedback: Feedback, user, changed_fields: list[str]) -> None:
    """Save what staff changed on one input: status, internal note and approval.

    `feedback` carries the new values; `changed_fields` names the ones that changed. The log
    entry is the caller's: the admin's change form writes one listing the changed fields.
    """
    _require(can_handle(user))
    if "publication_approved" in changed_fields:
        _require(can_approve(user))
        if feedback.publication_approved:
            refusal = approval_refusal(feedback)
            if refusal:
                raise ValidationError(refusal)
        feedback.publication_approved_at = timezone.now() if feedback.publication_approved else None
    if feedback.status not in KEPT_STATUSES and feedback.publication_approved:
        feedback.publication_approved = False
        feedback.publication_approved_at = None
    feedback.save()


# --- How staff recognise an input in a list (the endringslogg's picker) -------------------------

PICKER_TEXT_LENGTH = 80


def picker_label(feedback: Feedback) -> str:
    """Reference, sender and the start of the text: "VS-2026-4F7K · Kari Nordmann, Agder
    fylkeskommune · «Vi savner …»". Staff see the name also where the public will not; the
    label says so. Reads `feedback.answers.all()`: prefetch it for a list."""
    sender = ", ".join(part for part in (feedback.name, feedback.organisation) if part)
    if feedback.publication != Feedback.Publication.WITH_NAME:
        sender = gettext("%(sender)s (navnet publiseres ikke)") % {"sender": sender}
    answers = [answer.text for answer in feedback.answers.all() if answer.text.strip()]
    parts = [feedback.reference, sender]
    if answers:
        start = Truncator(" ".join(answers[0].split())).chars(PICKER_TEXT_LENGTH)
        parts.append(f"«{start}»")
    return " · ".join(parts)
