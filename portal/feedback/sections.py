"""Which section of the guide a piece of input is about, from ?kapittel= or ?steg= and &del=.

The block at the end of a chapter or step page (templates/includes/page_feedback.html) sends
these parameters to the form, with the section chosen from `page_sections`; `resolve_section`
reads them back. The
section's title is looked up in the published page (its rendered Markdown's table of contents, or
the step page's list sections below), never taken from the request.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.markdown import TocEntry, render
from portal.models import Chapter, ProcessStep

CHAPTER_PARAM = "kapittel"
STEP_PARAM = "steg"
ANCHOR_PARAM = "del"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def section_params(page: Chapter | ProcessStep, anchor: str = "") -> dict[str, str]:
    """The query parameters that name a chapter or step, and one of its sections, for the form."""
    name = CHAPTER_PARAM if isinstance(page, Chapter) else STEP_PARAM
    params = {name: page.slug}
    if anchor:
        params[ANCHOR_PARAM] = anchor
    return params


@dataclass(frozen=True)
class Section:
    chapter: Chapter | None
    step: ProcessStep | None
    anchor: str
    title: str

    @property
    def page(self) -> Chapter | ProcessStep:
        return self.chapter or self.step

    @property
    def label(self) -> str:
        if self.chapter:
            page = gettext("kapittelet «%(title)s»") % {"title": self.chapter.title}
        else:
            page = gettext("steget «%(title)s»") % {"title": self.step.name}
        if not self.title:
            return page
        return gettext("delen «%(section)s» i %(page)s") % {"section": self.title, "page": page}

    def query(self) -> dict[str, str]:
        """The parameters that name this section again (links and hidden fields between forms)."""
        return section_params(self.page, self.anchor)


@dataclass(frozen=True)
class ListSection:
    """A section of a step page made from one of its lists, not from its Markdown body."""

    anchor: str
    title: str
    entries: str  # the ProcessStep property with the list's entries
    numbered: bool = False
    has_workshop_sheet: bool = False  # the printable sheet (portal:workshop_sheet) has this list


# In the order the step page shows them, after the body's own sections.
STEP_LIST_SECTIONS = (
    ListSection(
        "spørsmål-å-diskutere",
        _("Spørsmål å diskutere"),
        "question_list",
        numbered=True,
        has_workshop_sheet=True,
    ),
    ListSection("fylkeskommunens-roller", _("Fylkeskommunens roller"), "role_list"),
    ListSection("momenter-hos-eu", _("Tilsvarende momenter hos EU"), "eu_element_list"),
)


def step_list_sections(step: ProcessStep) -> list[tuple[ListSection, list[str]]]:
    """The list sections this step shows, with their entries: those whose list is not empty."""
    filled = ((section, getattr(step, section.entries)) for section in STEP_LIST_SECTIONS)
    return [(section, entries) for section, entries in filled if entries]


def page_sections(page: Chapter | ProcessStep) -> list[tuple[str, str]]:
    """(anchor, title) of the page's main sections, in reading order: the choices offered when a
    reader gives input on a page."""
    found = [(entry.anchor, entry.title) for entry in render(page.body).toc]
    if isinstance(page, ProcessStep):
        found += [(section.anchor, str(section.title)) for section, _ in step_list_sections(page)]
    return found


def _heading_title(page: Chapter | ProcessStep, anchor: str) -> str:
    if isinstance(page, ProcessStep):
        for section, _ in step_list_sections(page):
            if section.anchor == anchor:
                return section.title
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
    chapter_slug = _clean_param(params, CHAPTER_PARAM, 100)
    step_slug = _clean_param(params, STEP_PARAM, 100)
    anchor = _clean_param(params, ANCHOR_PARAM, 200)
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
