"""The guide as PDF: the whole guide, the short version, and a workshop sheet per step.

WeasyPrint lays out HTML from templates/pdf/ with our own print stylesheets (Designsystemet's CSS
is made for browsers and crashes WeasyPrint). All Markdown comes through portal.markdown, like
on the site. Inter is embedded from the npm package.

Building the whole guide takes seconds, so a request never builds a PDF. Each file is named by
the shared content version (portal.publishing.content_version) and a digest of the templates that
lay it out, and kept in a folder every process on the machine shares. A request serves the file
for the current version, or the one before it while a background task (portal/tasks/pdf.py)
builds the new one; every committed content change schedules those builds. `manage.py
build_pdfs` builds them at once, for instance right after an import.
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
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal import markdown
from portal.models import (
    SHORT_VERSION_SLUG,
    Chapter,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
)
from portal.publishing.relations import with_relations
from portal.publishing.version import content_version
from portal.workspace.factors import default_path as factors_path
from portal.workspace.factors import factors_for_step

logger = logging.getLogger(__name__)

STYLESHEETS = ("portal/css/print.css", "portal/css/pdf.css", "portal/css/pdf-assessment.css")
FONT_FILES = (
    # (file in @fontsource-variable/inter, style, unicode-range)
    ("inter-latin-wght-normal.woff2", "normal", "U+0000-00FF,U+0131,U+0152-0153,U+2000-206F"),
    ("inter-latin-wght-italic.woff2", "italic", "U+0000-00FF,U+0131,U+0152-0153,U+2000-206F"),
    ("inter-latin-ext-wght-normal.woff2", "normal", "U+0100-02BA,U+1E00-1EFF,U+20A0-20C0"),
    ("inter-latin-ext-wght-italic.woff2", "italic", "U+0100-02BA,U+1E00-1EFF,U+20A0-20C0"),
)
KEEP_OLD_VERSIONS = 1  # besides the current one, for a reader who started a download just before


@dataclass(frozen=True)
class Document:
    name: str  # file name without .pdf, as the reader gets it
    template: str
    context: Callable[[], dict]
    kind: str = ""  # with slug: how a task names the document (see `document`)
    slug: str = ""
    language: str = ""  # the written form it is laid out in; "" is LANGUAGE_CODE (bokmål)


def guide() -> Document:
    return Document("smart-spesialisering-veileder", "pdf/guide.html", _guide_context, "guide")


def short_version(page: Page) -> Document:
    return Document(
        "smart-spesialisering-kortversjon",
        "pdf/short_version.html",
        lambda: {"page": page},
        "short_version",
    )


def workshop_sheet(step: ProcessStep) -> Document:
    return Document(
        f"arbeidsark-steg-{step.order}-{step.slug}",
        "pdf/workshop_sheet.html",
        lambda: {"step": step, "total": ProcessStep.objects.published().count()},
        "workshop_sheet",
        step.slug,
    )


ASSESSMENT_SHEET_KINDS = {"assessment_sheet": "", "assessment_sheet_nn": "nn"}


def assessment_sheet(step: ProcessStep, language: str = "") -> Document:
    """The blank scoring grid of the step's critical factors (content/assessment.yaml), in
    bokmål or (language "nn") nynorsk: a form the county fills in, so it exists in both."""
    nynorsk = language == "nn"
    return Document(
        f"vurderingsskjema-steg-{step.order}-{step.slug}" + ("-nynorsk" if nynorsk else ""),
        "pdf/assessment_sheet.html",
        lambda: {
            "step": step,
            "total": ProcessStep.objects.published().count(),
            "factors": factors_for_step(step.slug),
        },
        "assessment_sheet_nn" if nynorsk else "assessment_sheet",
        step.slug,
        "nn" if nynorsk else "",
    )


def document(kind: str, slug: str = "") -> Document | None:
    """The document a task names by kind and slug; None when it is not published (any more)."""
    if kind == "guide":
        return guide()
    if kind == "short_version":
        page = Page.objects.published().filter(slug=SHORT_VERSION_SLUG).first()
        return short_version(page) if page else None
    if kind == "workshop_sheet":
        step = ProcessStep.objects.published().filter(slug=slug).first()
        return workshop_sheet(step) if step else None
    if kind in ASSESSMENT_SHEET_KINDS:
        step = ProcessStep.objects.published().filter(slug=slug).first()
        return assessment_sheet(step, ASSESSMENT_SHEET_KINDS[kind]) if step else None
    return None


def published_documents() -> list[Document]:
    """Every PDF the published content has: the guide, the short version, the workshop sheets
    and the assessment sheets."""
    documents = [guide()]
    short = Page.objects.published().filter(slug=SHORT_VERSION_SLUG).first()
    if short:
        documents.append(short_version(short))
    steps = list(ProcessStep.objects.published())
    documents += [workshop_sheet(step) for step in steps]
    documents += [
        assessment_sheet(step, language)
        for step in steps
        if factors_for_step(step.slug)
        for language in ASSESSMENT_SHEET_KINDS.values()
    ]
    return documents


def _guide_context() -> dict:
    chapters = list(Chapter.objects.published())
    return {
        "parts": [
            (label, [c for c in chapters if c.part == value])
            for value, label in Chapter.Part.choices
            if any(c.part == value for c in chapters)
        ],
        "steps": list(ProcessStep.objects.published()),
        # Only published relations are printed: an example's draft step or source is not.
        "examples": list(
            with_relations(ExampleCase.objects.published(), "steps", "themes", "sources")
        ),
        "terms": list(GlossaryTerm.objects.published()),
        "sources": list(Source.objects.published()),
        "kinds": Source.Kind,
    }


# --- Which version of the content a PDF shows --------------------------------------------------


@cache
def _layout_digest() -> str:
    """The templates and stylesheets that lay the PDFs out: a change to them makes new PDFs."""
    digest = hashlib.sha256(markdown.RENDERER_VERSION.encode())
    folder = Path(settings.BASE_DIR) / "templates" / "pdf"
    for path in sorted(folder.glob("*.html")):
        digest.update(path.read_bytes())
    # The step's manual parts, included by the workshop sheet and shared with the site.
    for path in sorted((folder.parent / "includes").glob("step_*.html")):
        digest.update(path.read_bytes())
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
    return folder / f"{document.name}-{key}.pdf"


def _versions(folder: Path, name: str) -> list[Path]:
    """Every built file of a document, newest first. The key is 20 hex digits, so this never
    matches a longer name with the same start."""
    return sorted(
        folder.glob(f"{name}-" + "?" * 20 + ".pdf"),
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
            older = _versions(folder, document.name)
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
    with _lock(folder / f"{document.name}.lock"):
        if path.exists():  # another process built it while this one waited
            return path
        started = timezone.now()
        data = render_pdf(document)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        for old in _versions(folder, document.name)[1 + KEEP_OLD_VERSIONS :]:
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

    # The PDFs are bokmål, one file per content version, whichever address asked for them: the
    # guide's text is bokmål, and a nynorsk PDF would need its own file (see docs/nynorsk.md).
    with translation.override(document.language or settings.LANGUAGE_CODE):
        html = render_to_string(
            document.template,
            {**document.context(), "site_url": settings.SITE_URL, "generated_at": timezone.now()},
        )
    fonts = FontConfiguration()
    fetcher = _local_files_only()()
    stylesheets = [CSS(string=_font_faces(), font_config=fonts, url_fetcher=fetcher)] + [
        CSS(filename=finders.find(name), font_config=fonts, url_fetcher=fetcher)
        for name in STYLESHEETS
    ]
    # PDF/UA: a tagged PDF (headings, lists, reading order, language) that screen readers can use.
    return HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1"
    )


def _font_faces() -> str:
    faces = []
    for file_name, style, unicode_range in FONT_FILES:
        path = Path(finders.find(f"inter/files/{file_name}"))
        faces.append(
            # No font-weight range: WeasyPrint reads the weights from the variable font itself.
            f"@font-face {{ font-family: Inter; font-style: {style}; "
            f"src: url({path.as_uri()}) format('woff2'); unicode-range: {unicode_range}; }}"
        )
    return "\n".join(faces)


@cache
def _local_files_only():
    """A WeasyPrint URL fetcher that fetches nothing over the network: only our fonts and
    stylesheets, and uploaded images (`/media/...` on this site) from MEDIA_ROOT. A Markdown image
    from elsewhere is left out of the PDF. (Made on first use: importing WeasyPrint takes more
    than a second, which no worker should pay before it builds a PDF.)"""
    from weasyprint.urls import URLFetcher

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            media_prefix = settings.SITE_URL + settings.MEDIA_URL
            if url.startswith(media_prefix):
                root = Path(settings.MEDIA_ROOT).resolve()
                path = (root / url.removeprefix(media_prefix).split("?")[0]).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            elif url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in _static_roots()):
                    return super().fetch(url, headers)
            raise ValueError(f"PDF-en henter ikke {url}")

    return LocalFilesOnly


@cache
def _static_roots() -> tuple[Path, ...]:
    roots = []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple) else entry).resolve())
    return tuple(roots)
