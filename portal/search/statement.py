"""The one SQL statement a search runs, put together from constants in this package only: every
value that comes from a reader is a query parameter.

Parameters: %(query)s the reader's text (websearch syntax), %(tokens)s the words that may be
widened (text[]: none for a precise query, no acronyms or words with digits), %(title)s the
query's plain words for the title match, %(kind)s the key of the one kind asked for or NULL,
%(limit)s and %(offset)s the page.

How a query is widened, in order of trust:
1. exact: `websearch_to_tsquery`, with Norwegian stemming ("strategier" finds "strategi").
2. precise: plus the words that contain a query word of five letters or more whole ("utvikling" in
   "næringsutvikling"): a compound, so the snippet marks it.
3. wide: plus words spelled nearly alike (pg_trgm similarity), only for query words that are in
   no published text, and only when exact matches are few. These "near" matches rank below the
   precise ones, are never marked in a snippet as if they were the word searched, and give the
   "Mente du ...?" suggestion.
"""

from portal.models import Status
from portal.search.kinds import KINDS

# Per query word, at most this many words are added.
COMPOUND_WORDS_PER_STEM = 6
NEAR_WORDS_PER_STEM = 3
MIN_COMPOUND_STEM = 5
MIN_NEAR_STEM = 4
# Near words are only looked for when fewer exact matches than this were found.
FEW_EXACT = 5
# Up to this many matches are ranked on the whole text. A query that matches more (a word most
# documents use) is ranked on title and lead alone: reading every matching document's vector
# costs more than the 25 ms a search may take, and where a very common word stands in the body
# says little about which document the reader wants.
MAX_FULLY_RANKED = 1000
# A title that is the query lifts its document above the others among the best ranked this many
# (a title match weighs A, so it is among them): comparing titles for every match costs more.
TITLE_CANDIDATES = 100


def _rank(vector: str) -> str:
    exact = f"ts_rank({vector}, (SELECT exact FROM q))"  # noqa: S608
    return f"{exact} * 2 + ts_rank({vector}, (SELECT wide FROM q))"  # noqa: S608


def _in_language(field: str, language: str) -> str:
    """A text column in the language read, bokmål where it has no nynorsk text."""
    if language == "nn":
        return f"coalesce(nullif(d.{field}_nn, ''), d.{field}_nb)"
    return f"d.{field}_nb"


def _published(kind) -> str:
    return f"d.status = '{Status.PUBLISHED}'"


# A title that is the query gets 2, a title that holds the query's words as a phrase 1.
def _title_bonus(kind) -> str:
    title = kind.title_field
    return (
        f"WHEN '{kind.key}' THEN (SELECT "  # noqa: S608
        f"CASE WHEN lower(d.{title}_nb) = %(title)s OR lower(d.{title}_nn) = %(title)s THEN 2 "
        f"WHEN {kind.head} @@ (SELECT in_title FROM q) THEN 1 ELSE 0 END "
        f"FROM {kind.table} AS d WHERE d.id = numbered.id)"
    )


# Which matches are precise, only when near words widened the query, and through the GIN index:
# reading every match's whole stored vector is what ranking on title and lead avoids.
_PRECISE_IDS = "\n        UNION ALL ".join(
    f"SELECT '{kind.key}' AS kind, d.id FROM {kind.table} AS d "  # noqa: S608
    f"WHERE (SELECT widened FROM q) AND {kind.vector} @@ (SELECT precise FROM q) "
    f"AND {_published(kind)}"
    for kind in KINDS
)


def _is_precise(kind) -> str:
    return (
        f"(NOT (SELECT widened FROM q) OR ('{kind.key}', d.id) IN "  # noqa: S608
        "(SELECT kind, id FROM precise_ids))"
    )


_EXACT_COUNT = " + ".join(
    f"(SELECT count(*) FROM {kind.table} AS d "  # noqa: S608
    f"WHERE {kind.vector} @@ (SELECT exact FROM terms) AND {_published(kind)})"
    for kind in KINDS
)


def _bonuses() -> str:
    return "\n            ".join(_title_bonus(kind) for kind in KINDS)


_MATCHES = "\n        UNION ALL ".join(
    f"SELECT '{kind.key}' AS kind, d.id, {_rank(kind.head)} AS head_rank, "  # noqa: S608
    f"{_is_precise(kind)} AS precise "
    f"FROM {kind.table} AS d "
    f"WHERE {kind.vector} @@ (SELECT wide FROM q) AND {_published(kind)}"
    for kind in KINDS
)

_FULLY_RANKED = "\n        UNION ALL ".join(
    f"SELECT m.kind, m.id, m.precise, {_rank(kind.vector)} AS rank "  # noqa: S608
    f"FROM matches AS m JOIN {kind.table} AS d ON d.id = m.id "
    f"WHERE m.kind = '{kind.key}' AND (SELECT sum(n) FROM counted) <= {MAX_FULLY_RANKED}"
    for kind in KINDS
)


# What a shown result needs: its slug, title and the texts the snippet comes from. Only for the
# page of results, after the LIMIT.
def _shown(language: str) -> str:
    return "\n    ".join(
        f"WHEN '{kind.key}' THEN (SELECT ARRAY[d.slug::text, "  # noqa: S608
        f"{_in_language(kind.title_field, language)}::text, "
        f"{', '.join(_in_language(field, language) for field in kind.text_fields)}] "
        f"FROM {kind.table} AS d WHERE d.id = page.id)"
        for kind in KINDS
    )


def _statement(language: str) -> str:
    return f"""
WITH tokens AS (
    SELECT DISTINCT t.token, l.lexeme
    FROM unnest(%(tokens)s::text[]) AS t(token)
    CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('norwegian', t.token))) AS l(lexeme)
    WHERE length(l.lexeme) >= {MIN_NEAR_STEM}
), compound_words AS (
    SELECT v.word FROM tokens CROSS JOIN LATERAL (
        SELECT word FROM portal_search_vocabulary
        WHERE length(tokens.lexeme) >= {MIN_COMPOUND_STEM}
          AND word LIKE '%%' || tokens.lexeme || '%%' AND word <> tokens.lexeme
          AND word NOT LIKE '%%-%%'
        ORDER BY ndoc DESC, word
        LIMIT {COMPOUND_WORDS_PER_STEM}
    ) AS v
), unknown_tokens AS (
    SELECT token, lexeme FROM tokens
    WHERE NOT EXISTS (SELECT 1 FROM portal_search_vocabulary AS known WHERE known.word = lexeme)
), terms AS (
    SELECT websearch_to_tsquery('norwegian', %(query)s) AS exact
), exact_count AS MATERIALIZED (
    SELECT {_EXACT_COUNT} AS n
), near_words AS (
    SELECT unknown_tokens.token, v.word, v.score FROM unknown_tokens CROSS JOIN LATERAL (
        SELECT word, similarity(unknown_tokens.lexeme, word) AS score
        FROM portal_search_vocabulary
        WHERE (SELECT n FROM exact_count) < {FEW_EXACT}
          AND unknown_tokens.lexeme %% word AND word NOT LIKE '%%-%%'
        ORDER BY score DESC, ndoc DESC, word
        LIMIT {NEAR_WORDS_PER_STEM}
    ) AS v
), q AS MATERIALIZED (
    SELECT exact, precise,
           coalesce(precise || (SELECT portal_tsquery_or_agg(plainto_tsquery('simple', word))
                                FROM near_words), precise) AS wide,
           EXISTS (SELECT 1 FROM near_words) AS widened,
           in_title
    FROM (
        SELECT exact,
               coalesce(exact || (SELECT portal_tsquery_or_agg(plainto_tsquery('simple', word))
                                  FROM compound_words), exact) AS precise,
               (SELECT to_tsquery('simple', string_agg(
                    CASE WHEN previous IS NULL THEN '' ELSE ' <' || (p - previous) || '> ' END
                    || quote_literal(lexeme) || ':A', '' ORDER BY p))
                FROM (SELECT lexeme, p, lag(p) OVER (ORDER BY p) AS previous
                      FROM (SELECT lexeme, positions[1] AS p
                            FROM unnest(to_tsvector('norwegian', %(title)s))) AS words
                     ) AS ordered
               ) AS in_title
        FROM terms
    ) AS built
), precise_ids AS MATERIALIZED (
        {_PRECISE_IDS}
), matches AS MATERIALIZED (
        {_MATCHES}
), counted AS MATERIALIZED (
    SELECT kind, count(*) AS n, count(*) FILTER (WHERE precise) AS precise_n
    FROM matches GROUP BY kind
), fully_ranked AS (
        {_FULLY_RANKED}
)
SELECT
    (SELECT coalesce(json_object_agg(kind, json_build_array(n, precise_n)), '{{}}') FROM counted),
    (SELECT precise::text FROM q),
    (SELECT wide::text FROM q),
    (SELECT coalesce(json_agg(json_build_array(token, word)), '[]') FROM (
        SELECT DISTINCT ON (token) token, word FROM near_words ORDER BY token, score DESC, word
    ) AS best),
    page.kind, page.precise, CASE page.kind
    {_shown(language)}
    END
FROM (SELECT 1) AS always LEFT JOIN LATERAL (
    SELECT scored.kind, scored.id, scored.precise, scored.bonus, scored.n
    FROM (
        SELECT numbered.*, CASE WHEN numbered.n > {TITLE_CANDIDATES} THEN 0 ELSE CASE numbered.kind
            {_bonuses()}
            END END AS bonus
        FROM (
            SELECT ranked.*,
                   row_number() OVER (ORDER BY precise DESC, rank DESC, kind COLLATE "C", id) AS n
            FROM (
                SELECT kind, id, precise, rank FROM fully_ranked
                UNION ALL
                SELECT kind, id, precise, head_rank FROM matches
                WHERE (SELECT sum(n) FROM counted) > {MAX_FULLY_RANKED}
            ) AS ranked
            WHERE %(kind)s::text IS NULL OR ranked.kind = %(kind)s::text
        ) AS numbered
    ) AS scored
    ORDER BY scored.bonus DESC, scored.n
    LIMIT %(limit)s OFFSET %(offset)s
) AS page ON true
ORDER BY page.bonus DESC, page.n
"""  # noqa: S608


SEARCH_SQL = {language: _statement(language) for language in ("nb", "nn")}

HEADLINE_SQL = """
SELECT ts_headline('norwegian', d.doc, %s::tsquery, %s)
FROM unnest(%s::text[]) WITH ORDINALITY AS d(doc, n)
ORDER BY d.n
"""
