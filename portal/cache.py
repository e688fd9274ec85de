"""The full-page cache for anonymous readers.

A view opts in with `@public_page` (and names the query parameters it may vary on); the lookup
itself happens in `PageCacheMiddleware`, before sessions, authentication and URL resolution, which
is what makes a hit cheap. Entries are keyed on the shared content version (portal.publishing):
any committed change to what the public sees makes a new version, so every page is rebuilt on its
next request, on every machine, and old entries age out unread. The key also counts the round
openings and deadlines that have passed, so a page showing "Gi innspill innen ..." is never
served after the deadline, and no entry or HTTP cache lifetime reaches past the next one.

What is never stored: a response to a request with a session (staff, a form in progress), one
that sets a cookie or used a CSP nonce, one from a view that is not marked, one with a query
parameter its view does not vary on, and one whose view says its parameters were not valid
(`dont_store`), so made-up query strings cannot fill the cache. The host is validated before the
cache is read, so a forged Host header gets Django's 400 and never a cached page.
"""

import functools
import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from portal.publishing import version as content_version

STORED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")


def public_page(view=None, *, vary: tuple[str, ...] = ()):
    """Mark a view whose anonymous GET responses are the same for every reader."""

    def mark(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        wrapper.public_page_vary = frozenset(vary)
        return wrapper

    return mark(view) if view is not None else mark


def dont_store(response):
    """The view answered, but for parameters that are not worth a cache entry (unknown values)."""
    response.page_cache_skip = True
    return response


class _NotStored(Exception):
    pass


# In front of the shared cache, each process keeps the pages it served lately, unpickled. Keys
# carry the content version, so an entry here is never stale. A miss raises, because lru_cache
# remembers only what a call returns: a page stored a moment later is found on the next request.
@functools.lru_cache(maxsize=256)
def _stored_entry(key: str) -> tuple:
    entry = cache.get(key)
    if entry is None:
        raise _NotStored
    return entry


def clear_local() -> None:
    _stored_entry.cache_clear()


def _normalised_path(request) -> str:
    query = sorted(request.GET.lists())
    return request.path + ("?" + urlencode(query, doseq=True) if query else "")


def _page_key(request, version: content_version.ContentVersion) -> str:
    path = hashlib.sha256(_normalised_path(request).encode("utf-8")).hexdigest()
    return f"page:{version.token}:{version.clock_epoch()}:{path}"


def _may_use_cache(request) -> bool:
    # A session cookie means a logged-in editor (previews of drafts) or a form in progress.
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _may_store(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    allowed = getattr(match.func, "public_page_vary", None) if match else None
    return (
        allowed is not None
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(response, "page_cache_skip", False)
        and set(request.GET) <= allowed
        and all(len(values) == 1 and values[0] for _, values in request.GET.lists())
        and not getattr(request, "_csp_nonce", None)  # a nonce must never be served twice
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _lifetime(configured: int, version: content_version.ContentVersion) -> int:
    until_boundary = version.seconds_to_next_boundary()
    if until_boundary is None:
        return configured
    return max(0, min(configured, int(until_boundary)))


def _public_headers(response, etag: str, last_modified: float, version) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    max_age = _lifetime(settings.PAGE_CACHE_MAX_AGE, version)
    stale = _lifetime(settings.PAGE_CACHE_STALE_WHILE_REVALIDATE, version) - max_age
    response["Cache-Control"] = f"public, max-age={max_age}, stale-while-revalidate={max(stale, 0)}"
    patch_vary_headers(response, ["Cookie"])


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES and "Cache-Control" not in response:
                # What a logged-in editor sees (drafts too) is for that editor only.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        request.get_host()  # raises DisallowedHost (400) before any cached page is served
        version = content_version.current()
        key = _page_key(request, version)
        try:
            return self._from_entry(request, _stored_entry(key), version)
        except _NotStored:
            pass
        response = self.get_response(request)
        if not _may_store(request, response):
            return response
        body = response.content
        etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        last_modified = time.time()
        headers = {name: response[name] for name in STORED_HEADERS if name in response}
        entry = (headers, body, etag, last_modified)
        timeout = _lifetime(settings.PAGE_CACHE_TIMEOUT, version)
        if timeout:
            cache.set(key, entry, timeout)
        _public_headers(response, etag, last_modified, version)
        response["X-Page-Cache"] = "miss"
        return get_conditional_response(
            request, etag=etag, last_modified=int(last_modified), response=response
        )

    def _from_entry(self, request, entry, version):
        headers, body, etag, last_modified = entry
        response = HttpResponse(body, headers=headers)
        _public_headers(response, etag, last_modified, version)
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(
            request, etag=etag, last_modified=int(last_modified), response=response
        )
