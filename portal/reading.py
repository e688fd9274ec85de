"""What the public reading views read, kept in each process per content version.

A chapter, step or example page for readers shows the same rows until something public changes,
and every such change makes a new content version (portal.publishing.version), shared by every
process and machine. So what those views read from the database (the object with its relations,
the related pages, the change notes) is kept here in memory under the version's token and the
language, and read again only when the version moves: an edit published on one machine is seen by
every other at its next request, as with the page cache. Unlike the page cache this also serves
requests that are never stored whole (a query string, a session cookie of a reader who sent
input), and it leaves the page's own rendering (navigation, the language switch, CSP) to each
request.

Search results are kept the same way, on a shelf of their own (queries are as many as readers
type, so they must not push the pages out): they are of published text only. One gap: the search
vocabulary (compounds, near spellings) is refreshed just after a publish writes the new version,
so a query asked in between (tens of ms) is kept with the old vocabulary until the next publish;
its exact matches are current, only the widening into a brand-new word may be missing.

Staff previews never come from here: the views call `remembered` only for readers who see what is
published. The token is read before the rows, so rows read while a publish commits are kept under
the old token at worst, and are read again once the new token is visible.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.utils.translation import get_language

from portal.publishing import version as content_version


class Shelf:
    """A bounded store, the least recently used entry leaving first (old versions go first)."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, build: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = build()
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


PAGES = Shelf(512)  # about one per public page, language and what it keeps: a few MB at most
# Search results, one per query, page and kind asked for: queries are as many as readers type,
# so they have their own shelf and cannot push the pages out.
SEARCHES = Shelf(256)


def _token(request) -> str:
    # Read once per request (a round trip to Redis with several machines), before any row.
    # With the number of round boundaries passed, as the page cache does: what depends on whether
    # a round is open changes when one opens or closes, without a publish.
    token = getattr(request, "_reading_version", None)
    if token is None:
        version = content_version.current()
        token = request._reading_version = f"{version.token}:{version.clock_epoch()}"
    return token


def remembered(
    request, name: str, *args: Hashable, build: Callable[[], Any], shelf: Shelf = PAGES
) -> Any:
    """`build()`, computed once per content version, language, `name` and `args` in this process.
    What it returns must be read-only and fully evaluated (lists, not querysets), since
    concurrent requests share it. An exception (a 404, a removed page) is never kept."""
    return shelf.get((_token(request), get_language(), name, args), build)


def clear_local() -> None:
    PAGES.clear()
    SEARCHES.clear()
