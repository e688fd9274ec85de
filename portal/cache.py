"""The full-page cache for anonymous readers, and the content version that invalidates it.

Every cached page is stored under the current content version. Any change to what the public
pages show (an admin save, a publish, an import) bumps the version after its transaction commits,
so every page is rebuilt on its next request and nothing stale is served. Old entries are never
read again and age out of the cache.

The version lives where every app process can read it: in Redis when REDIS_URL is set (several
machines), otherwise in a small file (several gunicorn workers on one machine, each with its own
local-memory cache).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from portal.publishing.version import content_version

# Views whose anonymous GET responses are the same for every reader, and the query parameters
# each may vary on. Any other parameter means the response is served but not stored, so made-up
# query strings cannot fill the cache.
CACHEABLE_VIEWS: dict[str, frozenset[str]] = {
    "portal:home": frozenset(),
    "portal:chapter_list": frozenset(),
    "portal:chapter_detail": frozenset(),
    "portal:step_list": frozenset(),
    "portal:step_detail": frozenset(),
    "portal:workshop_sheet": frozenset(),
    "portal:example_list": frozenset({"steg", "tema"}),
    "portal:example_detail": frozenset(),
    "portal:glossary": frozenset(),
    "portal:source_list": frozenset(),
    "portal:page_detail": frozenset(),
    "portal:short_version": frozenset(),
    "portal:sitemap": frozenset(),
    "portal:robots_txt": frozenset(),
    "portal:feed": frozenset(),
}
STORED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")


def _page_key(request, version: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()
    return f"page:{version}:{path}"


def _may_use_cache(request) -> bool:
    # A session cookie means a logged-in editor (previews of drafts) or a form in progress.
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _may_store(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    allowed = CACHEABLE_VIEWS.get(match.view_name) if match else None
    return (
        allowed is not None
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and set(request.GET) <= allowed
        and not getattr(request, "_csp_nonce", None)  # a nonce must never be served twice
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _public_headers(response, etag: str, last_modified: float) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = (
        f"public, max-age={settings.PAGE_CACHE_MAX_AGE}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}"
    )
    patch_vary_headers(response, ["Cookie"])


# Pages this process served lately, in front of the shared cache. Keys carry the content
# version, so an entry here can never be stale; the shared cache is still asked for the version.
_recent: dict[str, tuple] = {}
_RECENT_MAX = 256


def _remember(key: str, entry: tuple) -> None:
    if len(_recent) >= _RECENT_MAX:
        _recent.clear()
    _recent[key] = entry


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
        key = _page_key(request, content_version())
        entry = _recent.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None:
                _remember(key, entry)
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        if _may_store(request, response):
            body = response.content
            etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
            last_modified = time.time()
            headers = {name: response[name] for name in STORED_HEADERS if name in response}
            entry = (headers, body, etag, last_modified)
            cache.set(key, entry, settings.PAGE_CACHE_TIMEOUT)
            _remember(key, entry)
            _public_headers(response, etag, last_modified)
            response["X-Page-Cache"] = "miss"
            return get_conditional_response(
                request, etag=etag, last_modified=int(last_modified), response=response
            )
        return response

    def _from_entry(self, request, entry):
        headers, body, etag, last_modified = entry
        response = HttpResponse(body, headers=headers)
        _public_headers(response, etag, last_modified)
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(
            request, etag=etag, last_modified=int(last_modified), response=response
        )
