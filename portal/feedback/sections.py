"""Which section of the guide a piece of input is about, from ?kapittel= or ?steg= and &del=.

The reading pages link each section to the form with these parameters. The section's title is
looked up in the published page (its rendered Markdown's table of contents, or the step page's
list sections), never taken from the request.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from portal.markdown import TocEntry, render
from portal.models import Chapter, ProcessStep

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Section:
    chapter: Chapter | None
    step: ProcessStep | None
    anchor: str
    title: str

    @property
    def page(self):
        return self.chapter or self.step

    @property
    def label(self) -> str:
        page = (
            f"kapittelet «{self.chapter.title}»" if self.chapter else f"steget «{self.step.name}»"
        )
        return f"delen «{self.title}» i {page}" if self.title else page

    def query(self) -> dict[str, str]:
        """The query parameters that name this section again (for links between forms)."""
        params = {"kapittel": self.chapter.slug} if self.chapter else {"steg": self.step.slug}
        if self.anchor:
            params["del"] = self.anchor
        return params


# Sections of a step page that come from its lists, not from its Markdown body, as
# templates/portal/step_detail.html shows them: anchor -> (title, the field that must have text).
STEP_LIST_SECTIONS = {
    "spørsmål-å-diskutere": ("Spørsmål å diskutere", "questions"),
    "fylkeskommunens-roller": ("Fylkeskommunens roller", "roles"),
    "momenter-hos-eu": ("Tilsvarende momenter hos EU", "eu_elements"),
}


def _heading_title(page, anchor: str) -> str:
    if isinstance(page, ProcessStep) and anchor in STEP_LIST_SECTIONS:
        title, field = STEP_LIST_SECTIONS[anchor]
        return title if getattr(page, field).strip() else ""
    heading = _find_heading(render(page.body).toc, anchor)
    return heading.title if heading else ""


def _find_heading(entries: list[TocEntry], anchor: str) -> TocEntry | None:
    for entry in entries:
        if entry.anchor == anchor:
            return entry
        found = _find_heading(entry.children, anchor)
        if found:
            return found
    return None


def _clean_param(params: Mapping[str, str], name: str, max_length: int) -> str:
    value = params.get(name, "")
    if not isinstance(value, str) or len(value) > max_length or _CONTROL.search(value):
        return ""
    return value.strip()


def resolve_section(params: Mapping[str, str]) -> Section | None:
    """The chapter or step section named by ?kapittel=/?steg= and &del=, or None.

    Anything unknown (a draft, a misspelt slug, an anchor that is not a heading) is ignored: the
    input then concerns the whole page, or the whole guide. The title shown and stored is the
    heading from the published text, never text from the request.
    """
    chapter_slug = _clean_param(params, "kapittel", 100)
    step_slug = _clean_param(params, "steg", 100)
    anchor = _clean_param(params, "del", 200)
    chapter = step = None
    if chapter_slug and _SLUG.match(chapter_slug):
        chapter = Chapter.objects.published().filter(slug=chapter_slug).first()
    elif step_slug and _SLUG.match(step_slug):
        step = ProcessStep.objects.published().filter(slug=step_slug).first()
    page = chapter or step
    if page is None:
        return None
    title = _heading_title(page, anchor) if anchor else ""
    return Section(chapter=chapter, step=step, anchor=anchor if title else "", title=title)
