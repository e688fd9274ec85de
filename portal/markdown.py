"""The one Markdown path: public pages, the admin's live preview and the PDF all come through here.

Markdown text is rendered with Python-Markdown, then cleaned by nh3 against an allow-list, and
the result is cached under a hash of the text and RENDERER_VERSION. Bump the version whenever the
output for the same text changes, so no stale HTML outlives a renderer change.
"""

import functools
import hashlib
import html
import re
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

RENDERER_VERSION = "2"

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
    "th": {"align", "scope"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {"div": {"footnote"}, "a": {"footnote-ref", "footnote-backref", "toclink"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_NOT_WORD = re.compile(r"[^\w\s-]", re.UNICODE)
_SPACES = re.compile(r"[\s-]+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")
_INLINE_TAG = re.compile(r"</?(?:a|abbr|code|del|em|strong|sub|sup)\b[^>]*>")


def slugify_heading(value: str, separator: str = "-") -> str:
    """Anchor ids that keep æ, ø and å ("Økonomi" -> "økonomi"; Markdown's own gives "konomi")."""
    text = html.unescape(_TAG.sub("", value)).lower()
    return _SPACES.sub(separator, _NOT_WORD.sub("", text)).strip(separator)


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int
    children: list["TocEntry"] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A top-level `##` section: its heading and everything up to the next one."""

    anchor: str  # "" for the text before the first heading
    title: str
    html: SafeString


@dataclass(frozen=True)
class Rendered:
    html: SafeString
    toc: list[TocEntry]

    @cached_property
    def sections(self) -> list[Section]:
        """The document cut before each top-level <h2>, so a page can add to every section."""
        return _split_sections(self.html)

    @cached_property
    def text(self) -> str:
        """The text without tags: for search snippets, meta descriptions and feeds."""
        return " ".join(html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", self.html))).split())


_VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TopLevelHeadings(HTMLParser):
    """Finds where each top-level <h2> starts in sanitised (well-formed) HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.starts: list[tuple[tuple[int, int], str]] = []  # ((line, column), id)

    def handle_starttag(self, tag, attrs):
        if tag == "h2" and self.depth == 0:
            self.starts.append((self.getpos(), dict(attrs).get("id") or ""))
        if tag not in _VOID_TAGS:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in _VOID_TAGS:
            self.depth -= 1


def _split_sections(document: str) -> list[Section]:
    parser = _TopLevelHeadings()
    parser.feed(document)
    parser.close()
    line_starts = [0]
    for line in document.split("\n")[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    cuts = [(line_starts[line - 1] + column, anchor) for (line, column), anchor in parser.starts]
    sections = []
    if not cuts or cuts[0][0] > 0:
        intro = document[: cuts[0][0] if cuts else len(document)]
        if intro.strip():
            sections.append(Section(anchor="", title="", html=mark_safe(intro)))  # noqa: S308
    for index, (start, anchor) in enumerate(cuts):
        end = cuts[index + 1][0] if index + 1 < len(cuts) else len(document)
        part = document[start:end]
        heading = part[: part.find("</h2>")]
        title = " ".join(html.unescape(_TAG.sub("", heading)).split())
        # A slice of nh3's output at a top-level element boundary is as safe as the whole.
        sections.append(Section(anchor=anchor, title=title, html=mark_safe(part)))  # noqa: S308
    return sections


def _toc_entries(tokens: list[dict]) -> list[TocEntry]:
    return [
        TocEntry(
            anchor=token["id"],
            title=html.unescape(_TAG.sub("", token["name"])),
            level=token["level"],
            children=_toc_entries(token.get("children", [])),
        )
        for token in tokens
    ]


def _render_uncached(text: str) -> tuple[str, list[TocEntry]]:
    converter = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "footnotes", "toc"],
        extension_configs={
            # anchorlink: every heading links to itself, so a reader can copy a section's address.
            "toc": {"slugify": slugify_heading, "toc_depth": "2-3", "anchorlink": True},
            "tables": {"use_align_attribute": True},
        },
        output_format="html",
    )
    raw = converter.convert(text)
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return clean, _toc_entries(converter.toc_tokens)


def render(text: str | None) -> Rendered:
    return _rendered((text or "").replace("\r\n", "\n"))


# In front of the shared cache, each process keeps the texts it rendered lately: a page shows
# the same few texts again and again. Keyed on the text itself, so an entry is never stale.
@functools.lru_cache(maxsize=1024)
def _rendered(text: str) -> Rendered:
    key = f"md:{RENDERER_VERSION}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"
    cached = cache.get(key)
    if cached is None:
        cached = _render_uncached(text)
        cache.set(key, cached, timeout=None)
    clean_html, toc = cached
    # nh3 has already made the HTML safe; this is the one place that may say so.
    return Rendered(html=mark_safe(clean_html), toc=toc)  # noqa: S308


def render_markdown(text: str | None) -> SafeString:
    return render(text).html


def plain_text(text: str | None) -> str:
    """The rendered text without tags: for search snippets, meta descriptions and feeds."""
    return render(text).text
