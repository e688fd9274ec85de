"""Full-text search over the published guide: chapters, steps, examples, glossary terms and pages.

Each searchable model has a stored, weighted tsvector (`search_vector`: title A, lead or summary B,
body C) with a GIN index, which PostgreSQL keeps current on every save (a generated column), so
a search ranks on that column and never computes to_tsvector per row.

The user's words go through `websearch_to_tsquery` (never raw `to_tsquery`), so quotes, `or`,
`-word` work and nothing a user types is query syntax. Norwegian stemming lets "strategier" find
"strategi", but not "utvikling" find "næringsutvikling" or "strategj" find anything. For that,
the query's stems are matched by trigram similarity (pg_trgm) against the vocabulary of the
published text (a materialized view of the stored vectors' words, refreshed after every content
change) and the nearest words are added to the query. Exact matches weigh double in the ranking.

Snippets (`ts_headline`) are made for the shown page of results only, from the rendered plain
text, and are escaped before the only markup they may contain, `<mark>`, is put back.
"""

import math
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.markdown import plain_text
from portal.models import Chapter, ExampleCase, GlossaryTerm, Page, ProcessStep, Status

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
# Per stem of the query, at most this many similar words from the vocabulary are added.
SIMILAR_WORDS_PER_STEM = 12
MAX_EXPANDED_STEMS = 8
# pg_trgm's default (0.6) misses a dropped letter in a short word ("strtegi" for "strategi").
WORD_SIMILARITY_THRESHOLD = 0.5
# ts_headline parses all the text it is given: a window around the first match keeps it cheap.
SNIPPET_WINDOW_BEFORE, SNIPPET_WINDOW_AFTER = 200, 1200
# Private-use characters mark the highlighted words until the snippet has been escaped.
_MARK_START, _MARK_END = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f"StartSel={_MARK_START}, StopSel={_MARK_END}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")
# Quotes, "or" and "-word" mean the reader wrote a precise query: it is not widened.
_PRECISE = re.compile(r'"|(?:^|\s)-\w|\s(?:or|OR)\s')


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: type
    title_field: str
    text_fields: tuple[str, ...]  # Markdown or plain text shown in the snippet, in order


KINDS = (
    Kind("chapter", "Kapittel", Chapter, "title", ("lead", "body")),
    Kind("step", "Steg", ProcessStep, "name", ("summary", "body", "questions")),
    Kind("example", "Eksempel", ExampleCase, "title", ("summary", "body")),
    Kind("term", "Begrep", GlossaryTerm, "term", ("definition",)),
    Kind("page", "Side", Page, "title", ("lead", "body")),
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
def _ranked_union() -> str:
    parts = [
        f"SELECT '{kind.key}' AS kind, d.id, "  # noqa: S608
        "ts_rank(d.search_vector, q.exact) * 2 + ts_rank(d.search_vector, q.wide) AS rank "
        f"FROM {kind.model._meta.db_table} AS d, q "
        f"WHERE d.status = '{Status.PUBLISHED}' AND d.search_vector @@ q.wide"
        for kind in KINDS
    ]
    return "\n    UNION ALL ".join(parts)


# %(query)s is the reader's text, %(expand)s the same text or '' when it is not to be widened.
SEARCH_SQL = f"""
WITH stems AS (
    SELECT lexeme FROM unnest(to_tsvector('norwegian', %(expand)s)) AS t(lexeme, positions, weights)
    WHERE length(lexeme) >= 3
    ORDER BY length(lexeme) DESC
    LIMIT {MAX_EXPANDED_STEMS}
), near_words AS (
    SELECT v.word FROM stems CROSS JOIN LATERAL (
        SELECT word FROM portal_search_vocabulary
        WHERE stems.lexeme <%% word AND word <> stems.lexeme AND word NOT LIKE '%%-%%'
        ORDER BY word_similarity(stems.lexeme, word) DESC, ndoc DESC
        LIMIT {SIMILAR_WORDS_PER_STEM}
    ) AS v
), terms AS (
    SELECT websearch_to_tsquery('norwegian', %(query)s) AS exact,
           (SELECT portal_tsquery_or_agg(plainto_tsquery('simple', word)) FROM near_words) AS extra
), q AS (
    SELECT exact, CASE WHEN extra IS NULL THEN exact ELSE exact || extra END AS wide FROM terms
)
SELECT hits.kind, hits.id, count(*) OVER () AS total, (SELECT wide::text FROM q) AS wide
FROM (
    {_ranked_union()}
) AS hits
ORDER BY hits.rank DESC, hits.kind, hits.id
LIMIT %(limit)s OFFSET %(offset)s
"""  # noqa: S608

HEADLINE_SQL = """
SELECT ts_headline('norwegian', d.doc, %s::tsquery, %s)
FROM unnest(%s::text[]) WITH ORDINALITY AS d(doc, n)
ORDER BY d.n
"""


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query as searched for: no control characters, single spaces, at most 200 characters."""
    text = " ".join(_CONTROL.sub(" ", raw or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def search(raw_query: str | None, *, page: int = 1) -> SearchResults:
    query, shortened = clean_query(raw_query)
    page = max(1, page)
    if not query:
        return SearchResults(query="", hits=[], total=0, page=1, shortened=shortened)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(WORD_SIMILARITY_THRESHOLD)],
        )
        cursor.execute(
            SEARCH_SQL,
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
    total, wide_query = rows[0][2], rows[0][3]
    return SearchResults(
        query=query,
        hits=_hits([(kind, pk) for kind, pk, _, _ in rows], wide_query),
        total=total,
        page=page,
        shortened=shortened,
    )


def _hits(ranked: list[tuple[str, int]], tsquery_text: str) -> list[Hit]:
    objects = {}
    for kind in KINDS:
        ids = [pk for key, pk in ranked if key == kind.key]
        if ids:
            fields = ["id", "slug", kind.title_field, *kind.text_fields]
            for obj in kind.model.objects.filter(pk__in=ids).only(*fields):
                objects[kind.key, obj.pk] = obj
    found = [(KINDS_BY_KEY[key], objects[key, pk]) for key, pk in ranked if (key, pk) in objects]
    lexemes = _lexemes(tsquery_text)
    texts = [_window(_plain(kind, obj), lexemes) for kind, obj in found]
    with connection.cursor() as cursor:
        cursor.execute(HEADLINE_SQL, [tsquery_text, HEADLINE_OPTIONS, texts])
        headlines = [row[0] for row in cursor.fetchall()]
    return [
        Hit(
            kind=kind,
            title=getattr(obj, kind.title_field),
            url=obj.get_absolute_url(),
            snippet=highlighted(headline),
        )
        for (kind, obj), headline in zip(found, headlines, strict=True)
    ]


def _plain(kind: Kind, obj) -> str:
    text = " ".join(plain_text(getattr(obj, name)) for name in kind.text_fields)
    return _CONTROL.sub(" ", text)


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
    with connection.cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY portal_search_vocabulary")


def _schedule_vocabulary_refresh(**kwargs) -> None:
    # Once per transaction, after it commits: an import saves dozens of objects in one.
    if connection.in_atomic_block and any(
        func is refresh_vocabulary for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(refresh_vocabulary, robust=True)


def connect_signals() -> None:
    for kind in KINDS:
        for signal in (post_save, post_delete):
            signal.connect(
                _schedule_vocabulary_refresh,
                sender=kind.model,
                dispatch_uid=f"search-vocabulary-{signal}-{kind.key}",
            )
