"""What WeasyPrint may load for a PDF: Inter from the npm package, our stylesheets, and images
uploaded to this site. Nothing from the network (portal/pdf.py lays the PDFs out)."""

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders

FONT_FILES = (
    # (file in @fontsource-variable/inter, style, unicode-range)
    ("inter-latin-wght-normal.woff2", "normal", "U+0000-00FF,U+0131,U+0152-0153,U+2000-206F"),
    ("inter-latin-wght-italic.woff2", "italic", "U+0000-00FF,U+0131,U+0152-0153,U+2000-206F"),
    ("inter-latin-ext-wght-normal.woff2", "normal", "U+0100-02BA,U+1E00-1EFF,U+20A0-20C0"),
    ("inter-latin-ext-wght-italic.woff2", "italic", "U+0100-02BA,U+1E00-1EFF,U+20A0-20C0"),
)


def font_faces() -> str:
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
def local_files_only():
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
