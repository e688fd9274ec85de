"""An assessment's life: start the year's (from last year's answers), read it whole, finish
and reopen it, and the numbers the chart, the table and the comparison show.

Reading an assessment costs a fixed number of queries however many factors there are: the
steps, their scores and their actions come in three prefetches, and the factors' texts are
data (portal.workspace.factors), not rows.
"""

from dataclasses import dataclass, field
from statistics import mean
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from portal.models import Assessment, FactorScore, NextAction, ProcessStep, StepAssessment
from portal.workspace.access import member_workspaces
from portal.workspace.factors import STEP_SLUGS, Factor, all_factors, factors_for_step

OSLO = ZoneInfo("Europe/Oslo")
CHART_YEARS = 4  # this year and up to three before it in the chart


def current_year() -> int:
    return timezone.now().astimezone(OSLO).year


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class FactorEntry:
    factor: Factor
    row: FactorScore | None

    @property
    def score(self) -> int | None:
        return self.row.score if self.row else None

    @property
    def level(self):
        return self.factor.levels[self.score] if self.score is not None else None


@dataclass
class StepView:
    slug: str
    number: int
    name: str
    row: StepAssessment | None
    factors: list[FactorEntry] = field(default_factory=list)
    actions: list[NextAction] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        scores = [entry.score for entry in self.factors if entry.score is not None]
        return round(mean(scores), 2) if scores else None

    @property
    def scored(self) -> int:
        return sum(1 for entry in self.factors if entry.score is not None)


@dataclass
class AssessmentView:
    assessment: Assessment
    steps: list[StepView]

    @property
    def means(self) -> tuple[float | None, ...]:
        return tuple(step.mean for step in self.steps)

    def scores(self) -> dict[str, int | None]:
        return {entry.factor.key: entry.score for step in self.steps for entry in step.factors}

    @property
    def missing(self) -> list[FactorEntry]:
        return [entry for step in self.steps for entry in step.factors if entry.score is None]


def step_names() -> dict[str, str]:
    """The steps' names as the guide calls them (one query), else the slug."""
    names = dict(ProcessStep.objects.filter(slug__in=STEP_SLUGS).values_list("slug", "name"))
    return {slug: names.get(slug) or slug.replace("-", " ").capitalize() for slug in STEP_SLUGS}


def with_everything(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "steps",
            queryset=StepAssessment.objects.select_related("updated_by").prefetch_related(
                "scores", "actions"
            ),
        )
    )


def view_of(assessment: Assessment, names: dict[str, str] | None = None) -> AssessmentView:
    """`assessment` whole, its steps in order; from prefetched rows where they were fetched."""
    names = names if names is not None else step_names()
    rows = {row.step_slug: row for row in assessment.steps.all()}
    steps = []
    for number, slug in enumerate(STEP_SLUGS, start=1):
        row = rows.get(slug)
        scores = {score.factor_key: score for score in row.scores.all()} if row else {}
        steps.append(
            StepView(
                slug=slug,
                number=number,
                name=names[slug],
                row=row,
                factors=[FactorEntry(f, scores.get(f.key)) for f in factors_for_step(slug)],
                actions=list(row.actions.all()) if row else [],
            )
        )
    return AssessmentView(assessment, steps)


def views_of(assessments, names=None) -> list[AssessmentView]:
    names = names if names is not None else step_names()
    return [view_of(a, names) for a in with_everything(assessments)]


# --- Starting the year's ------------------------------------------------------------------------


class AlreadyStarted(Exception):
    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        super().__init__(str(assessment))


def start_assessment(user, workspace, year: int | None = None) -> Assessment:
    """Start `year`'s assessment (this year's by default) from the newest earlier one's answers:
    scores, justifications, links and next actions are copied, so the county updates rather
    than rewrites. Raises AlreadyStarted when that year's exists."""
    if not member_workspaces(user).filter(pk=workspace.pk).exists():
        raise PermissionDenied
    year = year or current_year()
    previous = (
        with_everything(Assessment.objects.filter(workspace=workspace, year__lt=year))
        .order_by("-year")
        .first()
    )
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                workspace=workspace, year=year, started_from=previous
            )
            _copy(user, assessment, view_of(previous) if previous else None)
    except IntegrityError:
        raise AlreadyStarted(Assessment.objects.get(workspace=workspace, year=year)) from None
    return assessment


def _copy(user, assessment: Assessment, previous: AssessmentView | None) -> None:
    bulk_create_with_history(
        [
            StepAssessment(assessment=assessment, step_slug=slug, updated_by=user)
            for slug in STEP_SLUGS
        ],
        StepAssessment,
        default_user=user,
    )
    by_slug = {
        step.step_slug: step for step in StepAssessment.objects.filter(assessment=assessment)
    }
    old = {step.slug: step for step in previous.steps} if previous else {}
    scores, actions = [], []
    for factor in all_factors():
        entry = (
            next((e for e in old[factor.step_slug].factors if e.factor.key == factor.key), None)
            if old
            else None
        )
        row = entry.row if entry else None
        scores.append(
            FactorScore(
                step=by_slug[factor.step_slug],
                factor_key=factor.key,
                score=row.score if row else None,
                justification=row.justification if row else "",
                document_url=row.document_url if row else "",
            )
        )
    for slug, step in old.items():
        actions += [
            NextAction(step=by_slug[slug], order=a.order, what=a.what, who=a.who, due=a.due)
            for a in step.actions
        ]
    bulk_create_with_history(scores, FactorScore, default_user=user)
    if actions:
        bulk_create_with_history(actions, NextAction, default_user=user)


# --- Finishing and reopening ----------------------------------------------------------------------


def _locked(user, assessment: Assessment) -> Assessment:
    if not member_workspaces(user).filter(pk=assessment.workspace_id).exists():
        raise PermissionDenied
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def finish(user, assessment: Assessment) -> Assessment:
    """Mark the assessment finished: every factor must have a level."""
    with transaction.atomic():
        locked = _locked(user, assessment)
        missing = view_of(with_everything(Assessment.objects.filter(pk=locked.pk)).get()).missing
        if missing:
            raise ValidationError(
                _(
                    "Gi alle faktorene et nivå før dere markerer vurderingen som ferdig. "
                    "Mangler: %(list)s."
                )
                % {"list": ", ".join(entry.factor.title for entry in missing)}
            )
        if not locked.is_finished:
            locked.status = Assessment.Status.FINISHED
            locked.finished_at, locked.finished_by = timezone.now(), user
            locked.revision = F("revision") + 1
            locked.save()
    locked.refresh_from_db()
    return locked


def reopen(user, assessment: Assessment) -> Assessment:
    with transaction.atomic():
        locked = _locked(user, assessment)
        if locked.is_finished:
            locked.status = Assessment.Status.DRAFT
            locked.finished_at = locked.finished_by = None
            locked.revision = F("revision") + 1
            locked.save()
    locked.refresh_from_db()
    return locked


# --- Numbers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorChange:
    factor: Factor
    then: int | None
    now: int | None

    @property
    def change(self) -> int | None:
        return None if self.then is None or self.now is None else self.now - self.then


def comparison(now: AssessmentView, then: AssessmentView | None) -> list[FactorChange]:
    before = then.scores() if then else {}
    after = now.scores()
    return [FactorChange(f, before.get(f.key), after.get(f.key)) for f in all_factors()]


def format_score(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}" if value != int(value) else f"{int(value)}"
    return text.replace(".", ",")
