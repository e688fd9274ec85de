"""What an assessment shows and exports: the chart with its table, the comparison with the
year before, the CSV. The same numbers everywhere: the mean of a step's scored factors."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.models import Assessment
from portal.workspace.assessments import AssessmentView, comparison, format_score
from portal.workspace.chart import ChartSeries, spider_chart
from portal.workspace.factors import STEP_SLUGS, Factor


def series_label(view: AssessmentView) -> str:
    label = str(view.assessment.year)
    if not view.assessment.is_finished:
        label += " " + _("(utkast)")
    return label


def chart(views: list[AssessmentView], names: dict[str, str], workspace) -> str:
    """The spider chart of `views` (newest first), with a title and a description that says
    the numbers in words, for screen readers."""
    labels = [names[slug] for slug in STEP_SLUGS]
    series = [ChartSeries(series_label(v), v.means) for v in views]
    if views:
        newest = views[0]
        parts = [f"{names[s.slug]} {format_score(s.mean)}" for s in newest.steps]
        description = _("Snitt per steg på en skala fra 0 til 5 for %(year)s: %(values)s.") % {
            "year": newest.assessment.year,
            "values": ", ".join(parts),
        }
        if len(views) > 1:
            description += " " + _("Tidligere år vises med andre linjer og merker: %(years)s.") % {
                "years": ", ".join(str(v.assessment.year) for v in views[1:])
            }
    else:
        description = _("Ingen vurderinger ennå.")
    title = _("Egenvurdering for %(county)s, snitt per steg") % {"county": workspace.county_name}
    return spider_chart(series, axis_labels=labels, title=title, description=description)


@dataclass(frozen=True)
class ComparisonRow:
    step_name: str
    factor: Factor
    then: int | None
    now: int | None
    change: int | None

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "–"
        return f"+{self.change}" if self.change > 0 else str(self.change).replace("-", "−")


def comparison_rows(now: AssessmentView, then: AssessmentView | None, names) -> list[ComparisonRow]:
    return [
        ComparisonRow(names[c.factor.step_slug], c.factor, c.then, c.now, c.change)
        for c in comparison(now, then)
    ]


def file_name(assessment: Assessment) -> str:
    county = str(assessment.workspace.county_name).lower().replace(" ", "-")
    return f"egenvurdering-{county}-{assessment.year}"


def _cell(value) -> str:
    """A cell as text; a leading =, +, - or @ is quoted so a spreadsheet never runs it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(view: AssessmentView) -> str:
    """One row per factor, then one per next action; semicolons, as Norwegian Excel reads."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    assessment = view.assessment
    writer.writerow([_("Fylke"), _("År"), _("Status")])
    writer.writerow(
        [_cell(assessment.workspace.county_name), assessment.year, assessment.get_status_display()]
    )
    writer.writerow([])
    writer.writerow(
        [
            _("Steg"),
            _("Faktor"),
            _("Nivå"),
            _("Nivået betyr"),
            _("Hva bygger vi vurderingen på"),
            _("Dokument"),
        ]
    )
    for step in view.steps:
        for entry in step.factors:
            row = entry.row
            writer.writerow(
                [
                    _cell(step.name),
                    _cell(entry.factor.title),
                    "" if entry.score is None else entry.score,
                    _cell(entry.level.text if entry.level else ""),
                    _cell(row.justification if row else ""),
                    _cell(row.document_url if row else ""),
                ]
            )
    writer.writerow([])
    writer.writerow([_("Steg"), _("Snitt")])
    for step in view.steps:
        writer.writerow([_cell(step.name), format_score(step.mean)])
    writer.writerow([])
    writer.writerow([_("Steg"), _("Hva gjør vi videre"), _("Hvem"), _("Innen")])
    for step in view.steps:
        for action in step.actions:
            writer.writerow(
                [
                    _cell(step.name),
                    _cell(action.what),
                    _cell(action.who),
                    action.due.isoformat() if action.due else "",
                ]
            )
    return "\ufeff" + out.getvalue()  # the BOM: Excel then reads æ, ø, å right
