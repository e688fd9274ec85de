"""Running a search and turning its rows into results: hits with snippets, counts per kind, and
the "Mente du ...?" suggestion."""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.markdown import plain_text
from portal.search.kinds import KINDS, KINDS_BY_KEY, Kind
from portal.search.statement import HEADLINE_SQL, SEARCH_SQL

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
# ts_headline parses all the text it is given: a window around the first match keeps it cheap.
SNIPPET_WINDOW_BEFORE, SNIPPET_WINDOW_AFTER = 120, 480
# Private-use characters mark the highlighted words until the snippet has been escaped.
_MARK_START, _MARK_END = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f"StartSel={_MARK_START}, StopSel={_MARK_END}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")
# A minus means "not" only right before a word; runs of them, or one before nothing, are noise
# that websearch_to_tsquery turns into nested operators ("tsquery stack too small").
_STRAY_MINUS = re.compile(r"-+(?!\w)")
_MINUS_RUN = re.compile(r"-{2,}")
# Quotes, "or" and "-word" mean the reader wrote a precise query: it is not widened.
_PRECISE = re.compile(r'"|(?:^|\s)-\w|\s(?:or|OR)\s')
_WORD = re.compile(r"(?<![\w-])-?\w+(?:-\w+)*")
# An acronym as the reader typed it ("RIS3", "EDP", "FoU") is matched exactly, never widened.
_ACRONYM = re.compile(r"\w*\d\w*|[A-ZÆØÅ][A-ZÆØÅa-zæøå]{0,2}[A-ZÆØÅ]{1,5}")


@dataclass(frozen=True)
class Hit:
    kind: Kind
    title: str
    url: str
    snippet: SafeString
    near: bool = False  # found through a word spelled nearly like the query, not the query


@dataclass(frozen=True)
class KindCount:
    kind: Kind
    count: int


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    total: int  # of the kind asked for, or of all
    page: int
    per_page: int = PER_PAGE
    shortened: bool = False  # the query was cut to MAX_QUERY_LENGTH
    kind: Kind | None = None  # the one kind asked for
    counts: list[KindCount] = field(default_factory=list)  # per kind, those with matches
    all_total: int = 0
    precise_total: int = 0  # matches of the query itself (not of words spelled like it)
    suggestion: str = ""  # the query with its unknown words corrected

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.hits) - 1

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def only_near(self) -> bool:
        return self.all_total > 0 and self.precise_total == 0


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query as searched for: no control characters, single spaces, at most 200 characters."""
    text = _MINUS_RUN.sub("-", _STRAY_MINUS.sub(" ", _CONTROL.sub(" ", raw or "")))
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def widened_words(query: str) -> list[str]:
    """The query's words that may be matched inside compounds and by spelling."""
    if _PRECISE.search(query):
        return []
    return [
        word
        for word in _WORD.findall(query)
        if not word.startswith("-") and not _ACRONYM.fullmatch(word)
    ]


def _title_words(query: str) -> str:
    words = [word for word in _WORD.findall(query.replace('"', " ")) if not word.startswith("-")]
    return " ".join(words).lower()


def search(raw_query: str | None, *, page: int = 1, kind: str | None = None) -> SearchResults:
    query, shortened = clean_query(raw_query)
    page = max(1, page)
    wanted = KINDS_BY_KEY.get(kind) if kind else None
    if not query:
        return SearchResults(query="", hits=[], total=0, page=1, shortened=shortened)
    with connection.cursor() as cursor:
        cursor.execute(
            SEARCH_SQL["nn" if get_language() == "nn" else "nb"],
            {
                "query": query,
                "tokens": widened_words(query),
                "title": _title_words(query),
                "kind": wanted.key if wanted else None,
                "limit": PER_PAGE,
                "offset": (page - 1) * PER_PAGE,
            },
        )
        rows = cursor.fetchall()
    counts_json, precise_query, wide_query, near_json = rows[0][:4]
    per_kind = counts_json if isinstance(counts_json, dict) else json.loads(counts_json)
    near = near_json if isinstance(near_json, list) else json.loads(near_json)
    found = [row[4:] for row in rows if row[4] is not None]
    total = per_kind.get(wanted.key, [0])[0] if wanted else sum(n for n, _ in per_kind.values())
    if not found and page > 1 and total:  # past the last page: show the first
        return search(raw_query, page=1, kind=kind)
    shown = [
        (KINDS_BY_KEY[key], not precise, slug, title, texts)
        for key, precise, (slug, title, *texts) in found
    ]
    hits = _hits(shown, precise_query, wide_query)
    return SearchResults(
        query=query,
        hits=hits,
        total=total,
        page=page,
        shortened=shortened,
        kind=wanted,
        counts=[KindCount(k, per_kind[k.key][0]) for k in KINDS if k.key in per_kind],
        all_total=sum(n for n, _ in per_kind.values()),
        precise_total=sum(p for _, p in per_kind.values()),
        suggestion=_suggestion(query, near, shown),
    )


def _hits(found, precise_query: str, wide_query: str) -> list[Hit]:
    if not found:
        return []
    lexemes = _lexemes(wide_query)
    windows = [_CONTROL.sub(" ", _window(_plain(texts), lexemes)) for *_, texts in found]
    # Only the query and its compounds are marked: a near word is not what the reader searched.
    with connection.cursor() as cursor:
        cursor.execute(HEADLINE_SQL, [precise_query, HEADLINE_OPTIONS, windows])
        headlines = [row[0] for row in cursor.fetchall()]
    return [
        Hit(
            kind=kind,
            title=f"{kind.title_prefix}{title}",
            url=kind.url(slug),
            snippet=highlighted(headline),
            near=near,
        )
        for (kind, near, slug, title, _), headline in zip(found, headlines, strict=True)
    ]


def _suggestion(query: str, near: list[list[str]], shown) -> str:
    """The query with each word found in no text replaced by the word most like it, as it is
    written in the texts found (the vocabulary holds stems: "kompetans", not "kompetanse")."""
    if not near:
        return ""
    text = " ".join(_plain(texts) for *_, texts in shown)
    suggestion = query
    for token, stem in near:
        written = Counter(
            match.lower() for match in re.findall(rf"\b{re.escape(stem)}\w*", text, re.IGNORECASE)
        )
        replacement = min(written, key=lambda w: (-written[w], len(w))) if written else stem
        suggestion = re.sub(rf"(?<!\w){re.escape(token)}(?!\w)", replacement, suggestion)
    return suggestion if suggestion.lower() != query.lower() else ""


def _plain(texts: list[str | None]) -> str:
    return " ".join(plain_text(text) for text in texts)


_LEXEME = re.compile(r"'((?:[^']|'')+)'")


def _lexemes(tsquery_text: str) -> list[str]:
    return [match.replace("''", "'") for match in _LEXEME.findall(tsquery_text or "")]


def _window(text: str, lexemes: list[str]) -> str:
    """The part of the text around its first match (stems are prefixes of most words)."""
    lowered = text.lower()
    positions = [p for p in (lowered.find(lexeme) for lexeme in lexemes) if p >= 0]
    start = max(0, min(positions) - SNIPPET_WINDOW_BEFORE) if positions else 0
    end = start + SNIPPET_WINDOW_BEFORE + SNIPPET_WINDOW_AFTER
    if start > 0:  # start at a word
        start = text.find(" ", start) + 1
    return text[start:end]


def highlighted(headline: str) -> SafeString:
    """Escape everything, then turn the markers ts_headline put around matches into <mark>."""
    safe = escape(headline).replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; the only tags are our own <mark>


def refresh_vocabulary() -> None:
    # Called by portal.publishing once per committed content change.
    with connection.cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY portal_search_vocabulary")
