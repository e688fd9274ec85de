"""The workspace's pages: the county's own page, an assessment (chart, table, steps), editing a
step, the comparison with last year, the change log, and the report as PDF and CSV.

Members read and change their own county's; ministry staff with the permission read a shared,
finished assessment (portal/workspace/access.py decides). Never cached.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.models import Assessment
from portal.workspace import assessments, editing, export
from portal.workspace import history as change_history
from portal.workspace.access import is_county_account, readable_assessments, writable_assessments
from portal.workspace.account_views import needs_login, own_workspace
from portal.workspace.factors import STEP_SLUGS


def _readable(request, key, year) -> Assessment:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        readable_assessments(request.user).select_related("workspace"),
        workspace__key=key,
        year=year,
    )


def _years(workspace, year: int, readable) -> list[Assessment]:
    """This year's and up to three before it that the reader may see, newest first."""
    return list(
        assessments.with_everything(
            readable.filter(workspace=workspace, year__lte=year).order_by("-year")[
                : assessments.CHART_YEARS
            ]
        )
    )


@never_cache
@needs_login
def workspace_detail(request, key):
    workspace, own = own_workspace(request, key)
    rows = list(assessments.with_everything(workspace.assessments.order_by("-year")))
    names = assessments.step_names()
    shown = [assessments.view_of(row, names) for row in rows]
    year = assessments.current_year()
    return render(
        request,
        "portal/workspace/workspace.html",
        {
            "workspace": workspace,
            "own": own,
            "year": year,
            "has_this_year": any(row.year == year for row in rows),
            "shown": shown,
            "chart": export.chart(shown[: assessments.CHART_YEARS], names, workspace),
            "names": names,
        },
    )


@never_cache
@needs_login
@require_POST
def start_year(request, key):
    workspace, _own = own_workspace(request, key)
    try:
        assessment = assessments.start_assessment(request.user, workspace)
    except assessments.AlreadyStarted as started:
        assessment = started.assessment
    else:
        messages.success(
            request,
            _(
                "Årets vurdering er startet. Svarene fra forrige vurdering er fylt inn, "
                "så dere kan oppdatere dem."
            ),
        )
    return redirect("portal:workspace_assessment", workspace.key, assessment.year)


@never_cache
@needs_login
@require_GET
def assessment_detail(request, key, year):
    assessment = _readable(request, key, year)
    readable = readable_assessments(request.user)
    names = assessments.step_names()
    years = [
        assessments.view_of(row, names) for row in _years(assessment.workspace, year, readable)
    ]
    return render(
        request,
        "portal/workspace/assessment.html",
        {
            "workspace": assessment.workspace,
            "assessment": assessment,
            "view": years[0],
            "years": years,
            "chart": export.chart(years, names, assessment.workspace),
            "is_member": is_county_account(request.user),
        },
    )


@never_cache
@needs_login
def step_edit(request, key, year, slug):
    if slug not in STEP_SLUGS:
        raise Http404
    workspace, _own = own_workspace(request, key)
    assessment = get_object_or_404(
        writable_assessments(request.user), workspace=workspace, year=year
    )
    view = assessments.view_of(
        assessments.with_everything(Assessment.objects.filter(pk=assessment.pk)).get()
    )
    step = next(s for s in view.steps if s.slug == slug)
    conflict = None
    initial, action_rows = editing.initial_of(step)
    if request.method == "POST" and not assessment.is_finished:
        form = editing.StepForm(slug, request.POST, initial=initial)
        actions = editing.ActionFormSet(request.POST, prefix="tiltak")
        if form.is_valid() and actions.is_valid():
            try:
                result = editing.save_step(
                    request.user,
                    assessment,
                    slug,
                    form.values(),
                    editing.actions_of(actions),
                    base_version=form.cleaned_data["version"],
                )
            except editing.StepConflict as found:
                conflict = found
                # The next save goes onto what is there now, with what this member typed.
                data = request.POST.copy()
                data["version"] = str(found.version)
                form = editing.StepForm(slug, data, initial=initial)
                form.is_valid()
            except editing.AssessmentFinished:
                messages.error(
                    request,
                    _("Vurderingen er markert som ferdig og kan ikke endres før den åpnes igjen."),
                )
                return redirect("portal:workspace_assessment", workspace.key, year)
            else:
                if result.changed:
                    messages.success(request, _("Steget %(name)s er lagret.") % {"name": step.name})
                return redirect(_after_save(request, workspace, year, slug))
    else:
        form = editing.StepForm(slug, initial=initial)
        actions = editing.ActionFormSet(prefix="tiltak", initial=action_rows)
    return render(
        request,
        "portal/workspace/step.html",
        {
            "workspace": workspace,
            "assessment": assessment,
            "step": step,
            "form": form,
            "actions": actions,
            "conflict": change_history.conflict_view(conflict, step) if conflict else None,
            "next_step": _neighbour(view, slug, 1),
            "previous_step": _neighbour(view, slug, -1),
        },
        status=409 if conflict else 200,
    )


def _neighbour(view, slug, offset):
    index = STEP_SLUGS.index(slug) + offset
    return view.steps[index] if 0 <= index < len(STEP_SLUGS) else None


def _after_save(request, workspace, year, slug) -> str:
    from django.urls import reverse

    index = STEP_SLUGS.index(slug)
    if request.POST.get("then") == "1" and index + 1 < len(STEP_SLUGS):
        return reverse("portal:workspace_step", args=[workspace.key, year, STEP_SLUGS[index + 1]])
    return reverse("portal:workspace_assessment", args=[workspace.key, year]) + f"#steg-{slug}"


@never_cache
@needs_login
@require_POST
def assessment_status(request, key, year):
    workspace, _own = own_workspace(request, key)
    assessment = get_object_or_404(
        writable_assessments(request.user), workspace=workspace, year=year
    )
    if request.POST.get("reopen"):
        assessments.reopen(request.user, assessment)
        messages.success(request, _("Vurderingen er åpnet igjen og kan endres."))
    else:
        try:
            assessments.finish(request.user, assessment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Vurderingen er markert som ferdig."))
    return redirect("portal:workspace_assessment", workspace.key, year)


@never_cache
@needs_login
@require_GET
def compare(request, key, year):
    assessment = _readable(request, key, year)
    readable = readable_assessments(request.user)
    names = assessments.step_names()
    rows = _years(assessment.workspace, year, readable)[:2]
    now = assessments.view_of(rows[0], names)
    then = assessments.view_of(rows[1], names) if len(rows) > 1 else None
    return render(
        request,
        "portal/workspace/compare.html",
        {
            "workspace": assessment.workspace,
            "assessment": assessment,
            "then": then,
            "rows": export.comparison_rows(now, then, names),
            "is_member": is_county_account(request.user),
        },
    )


@never_cache
@needs_login
@require_GET
def change_log(request, key, year):
    workspace, _own = own_workspace(request, key)
    assessment = get_object_or_404(
        writable_assessments(request.user), workspace=workspace, year=year
    )
    return render(
        request,
        "portal/workspace/history.html",
        {
            "workspace": workspace,
            "assessment": assessment,
            "entries": change_history.entries(assessment),
        },
    )


@never_cache
@needs_login
@require_GET
def report_csv(request, key, year):
    assessment = _readable(request, key, year)
    view = assessments.view_of(
        assessments.with_everything(Assessment.objects.filter(pk=assessment.pk)).get()
    )
    response = HttpResponse(export.csv_text(view), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(assessment)}.csv"'
    return response


@never_cache
@needs_login
@require_GET
def report_pdf(request, key, year):
    from portal.workspace import report

    assessment = _readable(request, key, year)
    return report.response(request, assessment)
