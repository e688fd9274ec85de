"""What changed in an assessment, who changed it and when (django-simple-history keeps every
version); and, for an edit conflict, what the other person saved against what this member typed.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from portal.history import format_datetime, user_label
from portal.models import Assessment, FactorScore, NextAction, StepAssessment
from portal.workspace.factors import get_factor

SCORE_FIELDS = ("score", "justification", "document_url")
ACTION_FIELDS = ("what", "who", "due")


@dataclass
class Entry:
    at: datetime
    date: str
    user: str
    subject: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


def _factor_title(key: str) -> str:
    try:
        return get_factor(key).title
    except KeyError:
        return key


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _labels(model, names) -> dict[str, str]:
    return {name: str(model._meta.get_field(name).verbose_name).capitalize() for name in names}


def _diffs(records, names, labels):
    """(record, changes) for each historical record, oldest first, against the one before."""
    previous = {}
    out = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        if record.history_type == "-":
            changes = [("", _text(getattr(record, names[0])), "")]
        elif before is None:
            changes = [
                (labels[n], "", _text(getattr(record, n)))
                for n in names
                if getattr(record, n) not in (None, "")
            ]
        else:
            changes = [
                (labels[n], _text(getattr(before, n)), _text(getattr(record, n)))
                for n in names
                if getattr(before, n) != getattr(record, n)
            ]
        previous[record.id] = record
        out.append((record, changes))
    return out


def entries(assessment: Assessment) -> list[Entry]:
    """Every change, newest first. The rows written when the year was started are the copy of
    last year's and are shown as that one event."""
    steps = dict(
        StepAssessment.objects.filter(assessment=assessment).values_list("pk", "step_slug")
    )
    found: list[Entry] = []
    started = assessment.created_at
    score_records = FactorScore.history.filter(step_id__in=steps).select_related("history_user")
    for record, changes in _diffs(score_records, SCORE_FIELDS, _labels(FactorScore, SCORE_FIELDS)):
        if record.history_type == "+" and (record.history_date - started).total_seconds() < 5:
            continue
        if changes:
            found.append(_entry(record, _factor_title(record.factor_key), changes))
    action_records = NextAction.history.filter(step_id__in=steps).select_related("history_user")
    for record, changes in _diffs(
        action_records, ACTION_FIELDS, _labels(NextAction, ACTION_FIELDS)
    ):
        if record.history_type == "+" and (record.history_date - started).total_seconds() < 5:
            continue
        subject = {"+": _("Nytt tiltak"), "-": _("Tiltak fjernet")}.get(
            record.history_type, _("Tiltak endret")
        )
        found.append(
            _entry(
                record,
                subject,
                changes if record.history_type != "-" else [(_("Hva"), _text(record.what), "")],
            )
        )
    for record in Assessment.history.filter(id=assessment.pk).select_related("history_user"):
        if record.history_type == "+":
            subject = _("Vurderingen ble startet")
            if record.started_from_id:
                subject += " " + _("med svarene fra året før")
        elif record.status == Assessment.Status.FINISHED and record.finished_at:
            subject = _("Markert som ferdig")
        else:
            subject = (
                _("Åpnet igjen")
                if record.prev_record and record.prev_record.status == Assessment.Status.FINISHED
                else ""
            )
        if subject:
            found.append(_entry(record, subject, []))
    return sorted(found, key=lambda e: e.at, reverse=True)


def _entry(record, subject: str, changes) -> Entry:
    return Entry(
        at=record.history_date,
        date=format_datetime(record.history_date),
        user=user_label(record.history_user),
        subject=subject,
        changes=changes,
    )


# --- An edit conflict ---------------------------------------------------------------------------


@dataclass
class ConflictFactor:
    title: str
    score: int | None
    justification: str
    document_url: str


@dataclass
class ConflictView:
    by: str
    date: str
    factors: list[ConflictFactor]
    actions: list


def conflict_view(conflict, step) -> ConflictView:
    factors = []
    for entry in step.factors:
        row = conflict.scores.get(entry.factor.key)
        factors.append(
            ConflictFactor(
                entry.factor.title,
                row.score if row else None,
                row.justification if row else "",
                row.document_url if row else "",
            )
        )
    return ConflictView(
        by=user_label(conflict.by) if conflict.by else _("En annen i arbeidsrommet"),
        date=format_datetime(conflict.at),
        factors=factors,
        actions=conflict.actions,
    )
