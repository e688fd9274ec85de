"""The national picture for the ministry: only counties that chose to share, only finished
assessments. A county that does not share is in no figure at all, not even a count: every
number here comes from `shared_finished()` (portal/workspace/access.py).
"""

from dataclasses import dataclass, field
from io import BytesIO
from statistics import mean

from django.utils.translation import gettext as _

from portal.models.choices import REAL_COUNTIES
from portal.workspace import assessments
from portal.workspace.access import shared_finished
from portal.workspace.factors import SCORES, Factor, all_factors


@dataclass
class FactorPicture:
    factor: Factor
    step_name: str
    levels: list[list[str]]  # per level 0-5: the names of the counties at that level
    then_mean: float | None = None
    now_mean: float | None = None
    paired: int = 0  # counties with a shared, finished assessment both years
    up: int = 0
    same: int = 0
    down: int = 0

    @property
    def change(self) -> float | None:
        if self.then_mean is None or self.now_mean is None:
            return None
        return round(self.now_mean - self.then_mean, 2)


@dataclass
class NationalPicture:
    year: int
    # (county name, the workspace's key if it has a shared, finished assessment, else None)
    counties: list[tuple[str, object]]
    factors: list[FactorPicture] = field(default_factory=list)

    @property
    def sharing_count(self) -> int:
        return sum(1 for _name, key in self.counties if key)


def picture(year: int) -> NationalPicture:
    names = assessments.step_names()
    rows = assessments.views_of(
        shared_finished().filter(year__in=[year, year - 1]).select_related("workspace"), names
    )
    now = {v.assessment.workspace.county: v for v in rows if v.assessment.year == year}
    then = {v.assessment.workspace.county: v for v in rows if v.assessment.year == year - 1}
    result = NationalPicture(
        year=year,
        counties=[
            (str(c.name), now[c.code].assessment.workspace.key if c.code in now else None)
            for c in REAL_COUNTIES
        ],
    )
    order = [c.code for c in REAL_COUNTIES]
    now_scores = {code: v.scores() for code, v in now.items()}
    then_scores = {code: v.scores() for code, v in then.items()}
    county_names = {c.code: str(c.name) for c in REAL_COUNTIES}
    for factor in all_factors():
        levels = [[] for _ in SCORES]
        for code in sorted(now_scores, key=order.index):
            score = now_scores[code].get(factor.key)
            if score is not None:
                levels[score].append(county_names[code])
        entry = FactorPicture(factor, names[factor.step_slug], levels)
        current = [s[factor.key] for s in now_scores.values() if s.get(factor.key) is not None]
        before = [s[factor.key] for s in then_scores.values() if s.get(factor.key) is not None]
        entry.now_mean = round(mean(current), 2) if current else None
        entry.then_mean = round(mean(before), 2) if before else None
        for code in set(now_scores) & set(then_scores):
            a, b = then_scores[code].get(factor.key), now_scores[code].get(factor.key)
            if a is None or b is None:
                continue
            entry.paired += 1
            if b > a:
                entry.up += 1
            elif b < a:
                entry.down += 1
            else:
                entry.same += 1
        result.factors.append(entry)
    return result


def xlsx_bytes(national: NationalPicture) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Fylker")
    sheet.append([_("Fylke"), _("Ferdig vurdering %(year)s, delt") % {"year": national.year}])
    for name, finished in national.counties:
        sheet.append([name, _("Ja") if finished else _("Ingen delt ferdig vurdering")])
    levels = book.create_sheet(_("Nivåer"))
    levels.append([_("Steg"), _("Faktor")] + [_("Nivå %(n)s") % {"n": n} for n in SCORES])
    for entry in national.factors:
        levels.append(
            [entry.step_name, entry.factor.title]
            + [f"{len(names)}: {', '.join(names)}" if names else "0" for names in entry.levels]
        )
    change = book.create_sheet(_("Endring"))
    mean_label = _("Snitt %(year)s")
    change.append(
        [_("Steg"), _("Faktor"), mean_label % {"year": national.year - 1},
         mean_label % {"year": national.year}, _("Endring"), _("Fylker med begge år"),
         _("Opp"), _("Likt"), _("Ned")]
    )  # fmt: skip
    for entry in national.factors:
        change.append(
            [entry.step_name, entry.factor.title, entry.then_mean, entry.now_mean, entry.change,
             entry.paired, entry.up, entry.same, entry.down]
        )  # fmt: skip
    for one in book.worksheets:
        for cell in one[1]:
            cell.font = Font(bold=True)
        one.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
