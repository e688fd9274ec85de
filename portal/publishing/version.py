"""The content version: one short value every process shares, that changes whenever what the
public sees changes.

The page cache keys its entries on it and the PDFs are named by it, so a new version makes every
page and PDF new at once, on every machine. It lives in Redis when REDIS_URL is set (several
machines), otherwise in a small file (the gunicorn workers and the task worker on one machine).

The stored value also carries the moments ahead at which a consultation opens or closes: pages
that show an open round (the banner, the form) change at those moments with no edit behind them,
so the page cache adds to its key how many of those moments have passed (see `clock_epoch`).
"""

import bisect
import functools
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

STORE_KEY = "content-version"


@dataclass(frozen=True)
class ContentVersion:
    token: str
    boundaries: tuple[int, ...] = ()  # Unix times, sorted, at which a round opens or closes

    def encode(self) -> str:
        return ":".join((self.token, *map(str, self.boundaries)))

    @classmethod
    @functools.lru_cache(maxsize=8)  # every request decodes the same few values
    def decode(cls, text: str) -> "ContentVersion":
        token, *rest = text.strip().split(":")
        try:
            boundaries = tuple(sorted(int(value) for value in rest if value))
        except ValueError:
            boundaries = ()
        return cls(token or "0", boundaries)

    def clock_epoch(self, now: float | None = None) -> int:
        """How many of the boundaries have passed: a page cached before a round opened or closed
        is never served after."""
        return bisect.bisect_right(self.boundaries, time.time() if now is None else now)

    def seconds_to_next_boundary(self, now: float | None = None) -> float | None:
        now = time.time() if now is None else now
        index = bisect.bisect_right(self.boundaries, now)
        return self.boundaries[index] - now if index < len(self.boundaries) else None


def _version_file() -> Path:
    return Path(settings.CONTENT_VERSION_FILE)


def current() -> ContentVersion:
    if settings.REDIS_URL:
        text = cache.get(STORE_KEY)
        if text is None:
            cache.add(STORE_KEY, ContentVersion(secrets.token_hex(8)).encode(), timeout=None)
            text = cache.get(STORE_KEY, "0")
        return ContentVersion.decode(text)
    try:
        return ContentVersion.decode(_version_file().read_text(encoding="ascii"))
    except FileNotFoundError:
        return ContentVersion("0")


def content_version() -> str:
    return current().token


def write_new(boundaries: tuple[int, ...] = ()) -> ContentVersion:
    version = ContentVersion(secrets.token_hex(8), tuple(sorted(boundaries)))
    if settings.REDIS_URL:
        cache.set(STORE_KEY, version.encode(), timeout=None)
        return version
    path = _version_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(version.encode(), encoding="ascii")
    temporary.replace(path)  # atomic: a reader sees the old version or the new, never half
    return version
