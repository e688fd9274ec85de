"""Full-text search over the published guide: chapters, steps, examples, glossary terms, pages
and the steps' workshop sheets.

Each searchable model has a stored, weighted tsvector (`search_vector`: title A, lead or summary B,
body C) with a GIN index, which PostgreSQL keeps current on every save (a generated column), so
a search ranks on that column and never computes to_tsvector per row. A query that matches more
than MAX_FULLY_RANKED documents is ranked on `search_head` (title and lead only) instead.

The user's words go through `websearch_to_tsquery` (never raw `to_tsquery`), so quotes, `or`,
`-word` work and nothing a user types is query syntax. How the query is widened (compounds, then
words spelled nearly alike) and what is never widened (acronyms, words with digits, precise
queries) is in `statement.py`. A title that is the query, or holds it, ranks first.

Snippets (`ts_headline`) are made for the shown page of results only, from the rendered plain
text, and are escaped before the only markup they may contain, `<mark>`, is put back.

Bokmål and nynorsk: the stored vectors hold both forms' text (portal/models/content.py), so
either finds a document, through the one `norwegian` configuration (its stemmer is bokmål's; how
well it does on nynorsk is measured in tests/test_search.py). Titles and snippets are taken in the
language the page is read in, and in bokmål where a field has no nynorsk text.
"""

from portal.search.engine import (
    MAX_QUERY_LENGTH,
    PER_PAGE,
    Hit,
    SearchResults,
    clean_query,
    highlighted,
    refresh_vocabulary,
    search,
)
from portal.search.kinds import DOCUMENT_TABLES, KINDS, KINDS_BY_KEY, KINDS_BY_PARAM, Kind

__all__ = [
    "DOCUMENT_TABLES",
    "KINDS",
    "KINDS_BY_KEY",
    "KINDS_BY_PARAM",
    "MAX_QUERY_LENGTH",
    "PER_PAGE",
    "Hit",
    "Kind",
    "SearchResults",
    "clean_query",
    "highlighted",
    "refresh_vocabulary",
    "search",
]
