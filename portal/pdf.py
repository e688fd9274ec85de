"""The guide as PDF: the whole guide, the short version, the poster and a workshop sheet per step.

WeasyPrint lays out HTML from templates/pdf/ with our own print stylesheets (Designsystemet's CSS
is made for browsers and crashes WeasyPrint). All Markdown comes through portal.markdown, like
on the site. Inter is embedded from the npm package; what WeasyPrint may load at all is in
portal/pdf_assets.py.

Every PDF exists in both written forms (bokmål at /veileder.pdf, nynorsk at /nn/veileder.pdf):
the chrome comes from the nn catalogue, and content without nynorsk text is printed in bokmål
with a note, as the pages do. A workshop sheet also comes in A3, the poster only in A3.

Building the whole guide takes seconds, so a request never builds a PDF. Each file is named by
the document, its written form and paper size, the shared content version
(portal.publishing.content_version) and a digest of the templates that lay it out, and kept in a
folder every process on the machine shares. A request serves the file for the current version, or
the one before it while a background task (portal/tasks/pdf.py) builds the new one; every
committed content change schedules those builds. `manage.py build_pdfs` builds them at once, for
instance right after an import.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal import figures, markdown
from portal.figures import cycle_figure
from portal.models import (
    SHORT_VERSION_SLUG,
    Chapter,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
)
from portal.pdf_assets import font_faces, local_files_only
from portal.publishing.relations import with_relations
from portal.publishing.version import content_version
from portal.translation import shown_in_bokmal
from portal.workspace.factors import default_path as factors_path
from portal.workspace.factors import factors_for_step

logger = logging.getLogger(__name__)

STYLESHEETS = ("portal/css/print.css", "portal/css/pdf.css", "portal/css/pdf-assessment.css")
KEEP_OLD_VERSIONS = 1  # besides the current one, for a reader who started a download just before
BOKMAL = "nb"
PAPER = {"a4": "A4", "a3": "A3"}  # paper variant -> CSS page size
SHEET_PAPERS = ("a4", "a3")


def languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class Document:
    name: str  # file name without .pdf, as a bokmål A4 reader gets it
    template: str
    context: Callable[[], dict]
    kind: str = ""  # with slug, language and paper: how a task names the document (`document`)
    slug: str = ""
    language: str = BOKMAL
    paper: str = "a4"

    @property
    def stem(self) -> str:
        """What its built files are named by, before the key: one per written form and size."""
        return f"{self.name}.{self.language}.{self.paper}"

    @property
    def download_name(self) -> str:
        suffix = "" if self.language == BOKMAL else f"-{self.language}"
        suffix += "" if self.paper == "a4" else f"-{self.paper}"
        return f"{self.name}{suffix}.pdf"


def guide(language: str = BOKMAL) -> Document:
    return Document(
        "smart-spesialisering-veileder", "pdf/guide.html", _guide_context, "guide", "", language
    )


def short_version(page: Page, language: str = BOKMAL) -> Document:
    def context():
        steps = list(ProcessStep.objects.published())
        return {
            "page": page,
            "steps": steps,
            "cycle": cycle_figure(steps),
            "edition": _edition([page]),
        }

    return Document(
        "smart-spesialisering-kortversjon",
        "pdf/short_version.html",
        context,
        "short_version",
        "",
        language,
    )


def poster(language: str = BOKMAL) -> Document:
    def context():
        steps = list(ProcessStep.objects.published())
        return {
            "steps": steps,
            "cycle": cycle_figure(steps, size=560),
            "edition": _edition(steps),
            "in_bokmal": any(shown_in_bokmal(step, language) for step in steps),
        }

    return Document(
        "smart-spesialisering-plakat", "pdf/poster.html", context, "poster", "", language, "a3"
    )


def workshop_sheet(step: ProcessStep, language: str = BOKMAL, paper: str = "a4") -> Document:
    def context():
        total = ProcessStep.objects.published().count()
        return {"step": step, "total": total, "edition": _edition([step])}

    return Document(
        f"arbeidsark-steg-{step.order}-{step.slug}",
        "pdf/workshop_sheet.html",
        context,
        "workshop_sheet",
        step.slug,
        language,
        paper,
    )


def assessment_sheet(step: ProcessStep, language: str = BOKMAL) -> Document:
    """The blank scoring grid of the step's critical factors (content/assessment.yaml), in
    bokmål or nynorsk: a form the county fills in, so it exists in both (A4 only)."""
    return Document(
        f"vurderingsskjema-steg-{step.order}-{step.slug}",
        "pdf/assessment_sheet.html",
        lambda: {
            "step": step,
            "total": ProcessStep.objects.published().count(),
            "factors": factors_for_step(step.slug),
        },
        "assessment_sheet",
        step.slug,
        language,
    )


def document(kind: str, slug: str = "", language: str = BOKMAL, paper: str = "a4"):
    """The document a task names; None when it is not published (any more) or not offered."""
    if language not in languages() or paper not in PAPER:
        return None
    if kind == "guide" and paper == "a4":
        return guide(language)
    if kind == "short_version" and paper == "a4":
        page = Page.objects.published().filter(slug=SHORT_VERSION_SLUG).first()
        return short_version(page, language) if page else None
    if kind == "poster" and paper == "a3":
        return poster(language) if ProcessStep.objects.published().exists() else None
    if kind == "workshop_sheet":
        step = ProcessStep.objects.published().filter(slug=slug).first()
        return workshop_sheet(step, language, paper) if step else None
    if kind == "assessment_sheet" and paper == "a4":
        step = ProcessStep.objects.published().filter(slug=slug).first()
        return assessment_sheet(step, language) if step else None
    return None


def published_documents() -> list[Document]:
    """Every PDF the published content has, in both written forms: the guide, the short
    version, the poster, the workshop sheets (A4 and A3) and the assessment sheets."""
    short = Page.objects.published().filter(slug=SHORT_VERSION_SLUG).first()
    steps = list(ProcessStep.objects.published())
    documents = []
    for language in languages():
        documents.append(guide(language))
        if short:
            documents.append(short_version(short, language))
        if steps:
            documents.append(poster(language))
        documents += [
            workshop_sheet(step, language, paper) for step in steps for paper in SHEET_PAPERS
        ]
        documents += [
            assessment_sheet(step, language) for step in steps if factors_for_step(step.slug)
        ]
    return documents


def _guide_context() -> dict:
    chapters = list(Chapter.objects.published())
    steps = list(ProcessStep.objects.published())
    examples = list(with_relations(ExampleCase.objects.published(), "steps", "themes", "sources"))
    terms = list(GlossaryTerm.objects.published())
    sources = list(Source.objects.published())
    return {
        "parts": [
            (label, [c for c in chapters if c.part == value])
            for value, label in Chapter.Part.choices
            if any(c.part == value for c in chapters)
        ],
        "steps": steps,
        # Only published relations are printed: an example's draft step or source is not.
        "examples": examples,
        "terms": terms,
        "sources": sources,
        "kinds": Source.Kind,
        "cycle": cycle_figure(steps),
        "edition": _edition([*chapters, *steps, *examples, *terms, *sources]),
    }


def _edition(objects) -> dict:
    """The colophon's dates: this edition is the newest change to what the PDF prints; first
    published is the earliest publication of any of it. The version names the content version
    the file was built from, so staff can tell two printouts apart."""
    changed = [obj.updated_at for obj in objects if obj.updated_at]
    first = [obj.first_published_at for obj in objects if obj.first_published_at]
    return {
        "date": max(changed) if changed else timezone.now(),
        "first_published": min(first) if first else None,
        "version": content_version()[:8],
    }


# --- Which version of the content a PDF shows --------------------------------------------------


@cache
def _layout_digest() -> str:
    """The templates, stylesheets and figure geometry that lay the PDFs out: a change to them
    makes new PDFs. (Templates outside templates/pdf/ that a PDF includes belong here too.)"""
    digest = hashlib.sha256(markdown.RENDERER_VERSION.encode())
    folder = Path(settings.BASE_DIR) / "templates" / "pdf"
    for path in sorted(folder.rglob("*.html")):
        digest.update(path.read_bytes())
    # The step's manual parts, included by the workshop sheet and shared with the site.
    for path in sorted((folder.parent / "includes").glob("step_*.html")):
        digest.update(path.read_bytes())
    digest.update(Path(figures.__file__).read_bytes())
    for name in STYLESHEETS:
        digest.update(Path(finders.find(name)).read_bytes())
    # The assessment sheets print the factors, which are a file in content/, not the database.
    digest.update(factors_path().read_bytes())
    return digest.hexdigest()


def file_key(version: str | None = None) -> str:
    """What a PDF file is named by: the content version and the layout. Costs no query."""
    version = content_version() if version is None else version
    return hashlib.sha256(f"{version}:{_layout_digest()}".encode()).hexdigest()[:20]


# --- Serving what is built, and building ---------------------------------------------------------


@dataclass(frozen=True)
class BuiltFile:
    handle: BinaryIO
    current: bool  # False: the file of an earlier version, served while the new one is built


def _folder() -> Path:
    folder = Path(settings.PDF_CACHE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(folder: Path, document: Document, key: str) -> Path:
    return folder / f"{document.stem}-{key}.pdf"


def _versions(folder: Path, stem: str) -> list[Path]:
    """Every built file of a document in one written form and size, newest first. The key is 20
    hex digits and the stem ends in the language and paper, so this never matches another."""
    return sorted(
        folder.glob(f"{stem}-" + "?" * 20 + ".pdf"),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )


def open_built(document: Document) -> BuiltFile | None:
    """The open file for the current content, else the newest earlier one, else None. Never
    builds. (A file can be removed between finding and opening it: then look again.)"""
    folder = _folder()
    for _ in range(3):
        current = _path(folder, document, file_key())
        try:
            return BuiltFile(current.open("rb"), current=True)
        except FileNotFoundError:
            pass
        try:
            older = _versions(folder, document.stem)
            if not older:
                return None
            return BuiltFile(older[0].open("rb"), current=False)
        except FileNotFoundError:
            continue
    return None


def build(document: Document) -> Path:
    """Build the file for the current content unless it exists. The version is read before the
    content, so a file never shows content older than its name says."""
    folder = _folder()
    path = _path(folder, document, file_key())
    if path.exists():
        return path
    with _lock(folder / f"{document.stem}.lock"):
        if path.exists():  # another process built it while this one waited
            return path
        started = timezone.now()
        data = render_pdf(document)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        for old in _versions(folder, document.stem)[1 + KEEP_OLD_VERSIONS :]:
            old.unlink(missing_ok=True)
        # Files named before the written form and paper were part of the name (bokmål A4 only).
        for old in _versions(folder, document.name):
            old.unlink(missing_ok=True)
        seconds = (timezone.now() - started).total_seconds()
        logger.info("Built %s (%d bytes) in %.1f s", path.name, len(data), seconds)
    return path


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def render_pdf(document: Document) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # The context is read inside the override: the models' plain field names give the document's
    # written form (nynorsk where it is written, else bokmål), and the chrome comes from its
    # catalogue.
    with translation.override(document.language):
        html = render_to_string(
            document.template,
            {
                **document.context(),
                "site_url": settings.SITE_URL,
                "web_url": settings.SITE_URL + ("/" if document.language == BOKMAL else "/nn/"),
                "generated_at": timezone.now(),
                "paper": document.paper,
                "language": document.language,
            },
        )
    fonts = FontConfiguration()
    fetcher = local_files_only()()
    stylesheets = [CSS(string=font_faces(), font_config=fonts, url_fetcher=fetcher)] + [
        CSS(filename=finders.find(name), font_config=fonts, url_fetcher=fetcher)
        for name in STYLESHEETS
    ]
    # The paper size last, so it wins over the stylesheets' A4 (named pages keep their margins).
    stylesheets.append(CSS(string=f"@page {{ size: {PAPER[document.paper]}; }}"))
    # PDF/UA: a tagged PDF (headings, lists, reading order, language) that screen readers can use.
    return HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1"
    )
