"""Editing one step of an assessment: the form, and the save that never loses work.

The form carries the step's `version` it was opened at. A save locks the step's row; when its
version has moved on, someone else saved the step meanwhile, and the save is refused with
StepConflict: the view shows the form again with what this member typed, and beside it what
the other person saved, by whom and when. The form then carries the new version, so saving
again keeps what this member has in the form (the rule of portal/editions/ for the guide).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Assessment, FactorScore, NextAction, StepAssessment
from portal.workspace.access import member_workspaces
from portal.workspace.assessments import StepView
from portal.workspace.factors import factors_for_step

EXTRA_ACTIONS = 2
MAX_ACTIONS = 20


def validate_web_address(value: str) -> None:
    if value and urlsplit(value).scheme.lower() not in ("http", "https"):
        raise ValidationError(_("Lenken må begynne med https:// eller http://."), code="scheme")


class ActionForm(forms.Form):
    what = forms.CharField(label=_("Hva gjør vi?"), max_length=500, required=False)
    who = forms.CharField(label=_("Hvem har ansvaret?"), max_length=200, required=False)
    due = forms.DateField(
        label=_("Innen (dato)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv datoen som åååå-mm-dd, for eksempel 2027-06-30.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def clean(self):
        data = super().clean()
        if (data.get("who") or data.get("due")) and not data.get("what"):
            self.add_error("what", _("Skriv hva som skal gjøres."))
        return data


ActionFormSet = forms.formset_factory(
    ActionForm, extra=EXTRA_ACTIONS, max_num=MAX_ACTIONS, absolute_max=MAX_ACTIONS + EXTRA_ACTIONS
)


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, step_slug: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = factors_for_step(step_slug)
        for factor in self.factors:
            self.fields[f"{factor.key}-score"] = forms.TypedChoiceField(
                label=_("Nivå"),
                choices=[(level.score, f"{level.score} – {level.text}") for level in factor.levels],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{factor.key}-justification"] = forms.CharField(
                label=_("Hva bygger vi vurderingen på?"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"{factor.key}-document_url"] = forms.URLField(
                label=_("Lenke til dokument (valgfritt)"),
                required=False,
                max_length=500,
                assume_scheme="https",
                validators=[validate_web_address],
                error_messages={"invalid": _("Skriv en hel nettadresse, som https://…")},
            )

        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def factor_fields(self):
        """(factor, score field, justification field, link field) for the template."""
        return [
            (
                f,
                self[f"{f.key}-score"],
                self[f"{f.key}-justification"],
                self[f"{f.key}-document_url"],
            )
            for f in self.factors
        ]

    def values(self) -> dict[str, dict]:
        return {
            f.key: {
                "score": self.cleaned_data.get(f"{f.key}-score"),
                "justification": (self.cleaned_data.get(f"{f.key}-justification") or "").strip(),
                "document_url": self.cleaned_data.get(f"{f.key}-document_url") or "",
            }
            for f in self.factors
        }


def initial_of(step: StepView) -> tuple[dict, list[dict]]:
    initial = {"version": step.row.version if step.row else 0}
    for entry in step.factors:
        row = entry.row
        initial[f"{entry.factor.key}-score"] = row.score if row else None
        initial[f"{entry.factor.key}-justification"] = row.justification if row else ""
        initial[f"{entry.factor.key}-document_url"] = row.document_url if row else ""
    actions = [{"what": a.what, "who": a.who, "due": a.due} for a in step.actions]
    return initial, actions


def actions_of(formset) -> list[dict]:
    return [
        {
            "what": form.cleaned_data["what"].strip(),
            "who": form.cleaned_data.get("who", "").strip(),
            "due": form.cleaned_data.get("due"),
        }
        for form in formset.forms
        if form.cleaned_data.get("what", "").strip()
    ]


class StepConflict(Exception):
    """Someone saved this step after this member opened it. Carries what is there now."""

    def __init__(self, step: StepAssessment, scores: dict[str, FactorScore], actions):
        self.step, self.scores, self.actions = step, scores, list(actions)
        self.by, self.at, self.version = step.updated_by, step.updated_at, step.version
        super().__init__(f"{step} v{step.version}")


class AssessmentFinished(Exception):
    pass


@dataclass(frozen=True)
class SaveResult:
    changed: int  # rows written


def save_step(
    user,
    assessment: Assessment,
    step_slug: str,
    values: dict,
    actions: list[dict],
    *,
    base_version: int,
) -> SaveResult:
    """Write one step's scores and next actions, if nobody saved it since `base_version`."""
    if not member_workspaces(user).filter(pk=assessment.workspace_id).exists():
        raise PermissionDenied
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_finished:
            raise AssessmentFinished
        step, _created = StepAssessment.objects.get_or_create(
            assessment=locked, step_slug=step_slug
        )
        step = (
            StepAssessment.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=step.pk)
        )
        scores = {s.factor_key: s for s in step.scores.all()}
        old_actions = list(step.actions.all())
        if step.version != base_version:
            if not _same(scores, old_actions, values, actions):
                raise StepConflict(step, scores, old_actions)
            return SaveResult(0)  # the other person saved just this
        changed = 0
        for key, new in values.items():
            row = scores.get(key) or FactorScore(step=step, factor_key=key)
            if row.pk and all(getattr(row, name) == value for name, value in new.items()):
                continue
            for name, value in new.items():
                setattr(row, name, value)
            row.full_clean(exclude=["step"])
            row.save()
            changed += 1
        changed += _save_actions(step, old_actions, actions)
        if changed:
            StepAssessment.objects.filter(pk=step.pk).update(
                version=F("version") + 1, updated_by=user, updated_at=timezone.now()
            )
            Assessment.objects.filter(pk=locked.pk).update(
                revision=F("revision") + 1, updated_at=timezone.now()
            )
    return SaveResult(changed)


def _save_actions(step: StepAssessment, old: list[NextAction], new: list[dict]) -> int:
    """Pair the actions by position: a changed one is updated, so its history reads as an
    edit; those beyond the new list are deleted, new ones added."""
    changed = 0
    for order, values in enumerate(new):
        row = old[order] if order < len(old) else NextAction(step=step)
        if row.pk and (row.what, row.who, row.due, row.order) == (
            values["what"],
            values["who"],
            values["due"],
            order,
        ):
            continue
        row.what, row.who, row.due, row.order = values["what"], values["who"], values["due"], order
        row.save()
        changed += 1
    for row in old[len(new) :]:
        row.delete()
        changed += 1
    return changed


def _same(scores, old_actions, values: dict, actions: list[dict]) -> bool:
    for key, new in values.items():
        row = scores.get(key)
        if row is None or any(getattr(row, name) != value for name, value in new.items()):
            return False
    return [(a.what, a.who, a.due) for a in old_actions] == [
        (a["what"], a["who"], a["due"]) for a in actions
    ]
