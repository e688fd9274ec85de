"""The guide as PDF: the whole guide, the short version, and a workshop sheet per step.

WeasyPrint lays out HTML from templates/pdf/ with our own print stylesheets (Designsystemet's CSS
is made for browsers and crashes WeasyPrint). All Markdown comes through portal.markdown, like
on the site. Inter is embedded from the npm package.

Building the whole guide takes seconds, so a PDF is never built per request: each is built once
per version of the published content (a digest of what it shows and of the templates that lay
it out), kept as a file that every worker on the machine shares, and served from there. A lock
makes a second worker wait for the first instead of building the same file again.
`manage.py build_pdfs` builds them ahead, for instance right after an import.
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
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from portal import markdown
from portal.models import (
    Chapter,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)

logger = logging.getLogger(__name__)

STYLESHEETS = ("portal/css/print.css", "portal/css/pdf.css")
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


def guide() -> Document:
    return Document("smart-spesialisering-veileder", "pdf/guide.html", _guide_context)


def short_version(page: Page) -> Document:
    return Document(
        "smart-spesialisering-kortversjon", "pdf/short_version.html", lambda: {"page": page}
    )


def workshop_sheet(step: ProcessStep) -> Document:
    return Document(
        f"arbeidsark-steg-{step.order}-{step.slug}",
        "pdf/workshop_sheet.html",
        lambda: {"step": step, "total": ProcessStep.objects.published().count()},
    )


def _guide_context() -> dict:
    chapters = list(Chapter.objects.published())
    return {
        "parts": [
            (label, [c for c in chapters if c.part == value])
            for value, label in Chapter.Part.choices
            if any(c.part == value for c in chapters)
        ],
        "steps": list(ProcessStep.objects.published()),
        "examples": list(
            ExampleCase.objects.published().prefetch_related("steps", "themes", "sources")
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
    for name in STYLESHEETS:
        digest.update(Path(finders.find(name)).read_bytes())
    return digest.hexdigest()


def content_digest() -> str:
    """A digest of everything the PDFs show: each published object's last change, the relations
    between them (which have no timestamp of their own) and the layout."""
    digest = hashlib.sha256(_layout_digest().encode())
    for model in (Chapter, ProcessStep, ExampleCase, GlossaryTerm, Source, Page):
        rows = model.objects.published().order_by("pk").values_list("pk", "updated_at")
        digest.update(repr((model.__name__, list(rows))).encode())
    digest.update(repr(list(Theme.objects.order_by("pk").values_list("pk", "name"))).encode())
    for relation in (Chapter.steps, ExampleCase.steps, ExampleCase.themes, ExampleCase.sources):
        through = relation.through
        columns = [f.attname for f in through._meta.fields if f.is_relation]
        digest.update(repr(list(through.objects.order_by(*columns).values_list(*columns))).encode())
    return digest.hexdigest()[:20]


# --- Building and caching ----------------------------------------------------------------------


def cached_pdf(document: Document) -> Path:
    """The file for the current content, built now if this version has none yet."""
    folder = Path(settings.PDF_CACHE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{document.name}-{content_digest()}.pdf"
    if path.exists():
        return path
    with _lock(folder / f"{document.name}.lock"):
        if path.exists():  # another worker built it while this one waited
            return path
        started = timezone.now()
        data = render_pdf(document)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        _remove_old_versions(folder, document.name, keep=path)
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


def _remove_old_versions(folder: Path, name: str, keep: Path) -> None:
    # The digest is 20 hex digits, so this never matches a longer name with the same start.
    old = sorted(
        (p for p in folder.glob(f"{name}-" + "?" * 20 + ".pdf") if p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for path in old[KEEP_OLD_VERSIONS:]:
        path.unlink(missing_ok=True)


def render_pdf(document: Document) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

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
