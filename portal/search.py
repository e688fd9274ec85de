"""Full-text search over the published guide: chapters, steps, examples, glossary terms and pages.

Each searchable model has a stored, weighted tsvector (`search_vector`: title A, lead or summary B,
body C) with a GIN index, which PostgreSQL keeps current on every save (a generated column), so
a search ranks on that column and never computes to_tsvector per row. A query that matches more
than MAX_FULLY_RANKED documents is ranked on `search_head` (title and lead only) instead.

The user's words go through `websearch_to_tsquery` (never raw `to_tsquery`), so quotes, `or`,
`-word` work and nothing a user types is query syntax. Norwegian stemming lets "strategier" find
"strategi", but not "utvikling" find "næringsutvikling" or "strategj" find anything. For that,
the query's stems are matched by trigram similarity (pg_trgm) against the vocabulary of the
published text (a materialized view of the stored vectors' words, refreshed after every content
change) and the nearest words are added to the query. Exact matches weigh double in the ranking.

Snippets (`ts_headline`) are made for the shown page of results only, from the rendered plain
text, and are escaped before the only markup they may contain, `<mark>`, is put back.

Bokmål and nynorsk: the stored vectors hold both forms' text (portal/models/content.py), so
either finds a document, through the one `norwegian` configuration (its stemmer is bokmål's; how
well it does on nynorsk is measured in tests/test_search.py). Titles and snippets are taken in the
language the page is read in, and in bokmål where a field has no nynorsk text.
"""

import math
import re
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.markdown import plain_text
from portal.models import Chapter, ExampleCase, GlossaryTerm, Page, ProcessStep, Status

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
# Per stem of the query, at most this many similar words from the vocabulary are added.
SIMILAR_WORDS_PER_STEM = 6
MAX_EXPANDED_STEMS = 4
# Up to this many matches are ranked on the whole text. A query that matches more (a word most
# documents use) is ranked on title and lead alone: reading every matching document's vector
# costs more than the 25 ms a search may take, and where a very common word stands in the body
# says little about which document the reader wants.
MAX_FULLY_RANKED = 1000
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


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: type
    title_field: str
    text_fields: tuple[str, ...]  # Markdown or plain text shown in the snippet, in order
    url_name: str
    on_list_page: bool = False  # one page lists them all, with the slug as an anchor

    def url(self, slug: str) -> str:
        if self.on_list_page:
            return f"{reverse(self.url_name)}#{slug}"
        return reverse(self.url_name, args=[slug])


KINDS = (
    Kind("chapter", "Kapittel", Chapter, "title", ("lead", "body"), "portal:chapter_detail"),
    Kind(
        "step",
        "Steg",
        ProcessStep,
        "name",
        ("summary", "body", "questions"),
        "portal:step_detail",
    ),
    Kind("example", "Eksempel", ExampleCase, "title", ("summary", "body"), "portal:example_detail"),
    Kind("term", "Begrep", GlossaryTerm, "term", ("definition",), "portal:glossary", True),
    Kind("page", "Side", Page, "title", ("lead", "body"), "portal:page_detail"),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Hit:
    kind: Kind
    title: str
    url: str
    snippet: SafeString


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    total: int
    page: int
    per_page: int = PER_PAGE
    shortened: bool = False  # the query was cut to MAX_QUERY_LENGTH

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


# Both statements are put together from constants in this module only; every value that comes
# from a reader is a query parameter.
def _rank(column: str) -> str:
    exact = f"ts_rank(d.{column}, (SELECT exact FROM q))"  # noqa: S608
    return f"{exact} * 2 + ts_rank(d.{column}, (SELECT wide FROM q))"  # noqa: S608


# Every match, ranked on title and lead. The tsqueries come from scalar subqueries, which
# PostgreSQL evaluates once and hands to the GIN index (a CTE column joined in would hide them).
_MATCHES = "\n        UNION ALL ".join(
    f"SELECT '{kind.key}' AS kind, d.id, {_rank('search_head')} AS head_rank "  # noqa: S608
    f"FROM {kind.model._meta.db_table} AS d "
    f"WHERE d.search_vector @@ (SELECT wide FROM q) AND d.status = '{Status.PUBLISHED}'"
    for kind in KINDS
)
# The same matches ranked on the whole text, when there are few enough to read them all.
_FULLY_RANKED = "\n        UNION ALL ".join(
    f"SELECT m.kind, m.id, {_rank('search_vector')} AS rank "  # noqa: S608
    f"FROM matches AS m JOIN {kind.model._meta.db_table} AS d ON d.id = m.id "
    f"WHERE m.kind = '{kind.key}' AND (SELECT total FROM counted) <= {MAX_FULLY_RANKED}"
    for kind in KINDS
)


def _in_language(field: str, language: str) -> str:
    """A text column in the language read, bokmål where it has no nynorsk text."""
    if language == "nn":
        return f"coalesce(nullif({field}_nn, ''), {field}_nb)"
    return f"{field}_nb"


# What a shown result needs: its slug, title and the texts the snippet comes from. Only for the
# page of results, after the LIMIT.
def _shown(language: str) -> str:
    return "\n    ".join(
        f"WHEN '{kind.key}' THEN (SELECT ARRAY[slug::text, "  # noqa: S608
        f"{_in_language(kind.title_field, language)}::text, "
        f"{', '.join(_in_language(field, language) for field in kind.text_fields)}] "
        f"FROM {kind.model._meta.db_table} WHERE id = page.id)"
        for kind in KINDS
    )


# %(query)s is the reader's text, %(expand)s the same text or '' when it is not to be widened.
def _search_sql(language: str) -> str:
    return f"""
WITH stems AS (
    SELECT lexeme FROM unnest(to_tsvector('norwegian', %(expand)s)) AS t(lexeme, positions, weights)
    WHERE length(lexeme) >= 3
    ORDER BY length(lexeme) DESC
    LIMIT {MAX_EXPANDED_STEMS}
), near_words AS (
    -- At pg_trgm's default thresholds, <%% finds words that contain the stem ("utvikling" in
    -- "næringsutvikling") and %% words spelled nearly alike ("strtegi" for "strategi").
    SELECT v.word FROM stems CROSS JOIN LATERAL (
        SELECT word FROM portal_search_vocabulary
        WHERE (stems.lexeme <%% word OR stems.lexeme %% word)
          AND word <> stems.lexeme AND word NOT LIKE '%%-%%'
        ORDER BY greatest(word_similarity(stems.lexeme, word), similarity(stems.lexeme, word)) DESC,
                 ndoc DESC
        LIMIT {SIMILAR_WORDS_PER_STEM}
    ) AS v
), terms AS (
    SELECT websearch_to_tsquery('norwegian', %(query)s) AS exact,
           (SELECT portal_tsquery_or_agg(plainto_tsquery('simple', word)) FROM near_words) AS extra
), q AS MATERIALIZED (
    SELECT exact, coalesce(exact || extra, exact) AS wide FROM terms
), matches AS MATERIALIZED (
        {_MATCHES}
), counted AS MATERIALIZED (
    SELECT count(*) AS total FROM matches
), fully_ranked AS (
        {_FULLY_RANKED}
)
SELECT page.kind, (SELECT total FROM counted), (SELECT wide::text FROM q), CASE page.kind
    {_shown(language)}
    END
FROM (
    SELECT ranked.kind, ranked.id, ranked.rank
    FROM (
        SELECT kind, id, rank FROM fully_ranked
        UNION ALL
        SELECT kind, id, head_rank FROM matches
        WHERE (SELECT total FROM counted) > {MAX_FULLY_RANKED}
    ) AS ranked
    ORDER BY ranked.rank DESC, ranked.kind, ranked.id
    LIMIT %(limit)s OFFSET %(offset)s
) AS page
ORDER BY page.rank DESC, page.kind, page.id
"""  # noqa: S608


SEARCH_SQL = {language: _search_sql(language) for language in ("nb", "nn")}

HEADLINE_SQL = """
SELECT ts_headline('norwegian', d.doc, %s::tsquery, %s)
FROM unnest(%s::text[]) WITH ORDINALITY AS d(doc, n)
ORDER BY d.n
"""


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query as searched for: no control characters, single spaces, at most 200 characters."""
    text = _MINUS_RUN.sub("-", _STRAY_MINUS.sub(" ", _CONTROL.sub(" ", raw or "")))
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def search(raw_query: str | None, *, page: int = 1) -> SearchResults:
    query, shortened = clean_query(raw_query)
    page = max(1, page)
    if not query:
        return SearchResults(query="", hits=[], total=0, page=1, shortened=shortened)
    with connection.cursor() as cursor:
        cursor.execute(
            SEARCH_SQL["nn" if get_language() == "nn" else "nb"],
            {
                "query": query,
                "expand": "" if _PRECISE.search(query) else query,
                "limit": PER_PAGE,
                "offset": (page - 1) * PER_PAGE,
            },
        )
        rows = cursor.fetchall()
    if not rows:
        if page > 1:  # past the last page: show the first
            return search(raw_query, page=1)
        return SearchResults(query=query, hits=[], total=0, page=1, shortened=shortened)
    total, wide_query = rows[0][1], rows[0][2]
    return SearchResults(
        query=query,
        hits=_hits(
            [
                (KINDS_BY_KEY[kind], slug, title, texts)
                for kind, _, _, (slug, title, *texts) in rows
            ],
            wide_query,
        ),
        total=total,
        page=page,
        shortened=shortened,
    )


def _hits(found: list[tuple[Kind, str, str, list[str]]], tsquery_text: str) -> list[Hit]:
    lexemes = _lexemes(tsquery_text)
    windows = [_CONTROL.sub(" ", _window(_plain(texts), lexemes)) for _, _, _, texts in found]
    with connection.cursor() as cursor:
        cursor.execute(HEADLINE_SQL, [tsquery_text, HEADLINE_OPTIONS, windows])
        headlines = [row[0] for row in cursor.fetchall()]
    return [
        Hit(kind=kind, title=title, url=kind.url(slug), snippet=highlighted(headline))
        for (kind, slug, title, _), headline in zip(found, headlines, strict=True)
    ]


def _plain(texts: list[str | None]) -> str:
    return " ".join(plain_text(text) for text in texts)


_LEXEME = re.compile(r"'((?:[^']|'')+)'")


def _lexemes(tsquery_text: str) -> list[str]:
    return [match.replace("''", "'") for match in _LEXEME.findall(tsquery_text)]


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


# --- Keeping the vocabulary current -----------------------------------------------------------


def refresh_vocabulary() -> None:
    # Called by portal.publishing once per committed content change.
    with connection.cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY portal_search_vocabulary")
