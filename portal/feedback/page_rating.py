"""'Var denne siden nyttig?': the rules for the yes/no answer at the end of a page.

The block sits in cached pages, so it carries no CSRF token (a token sets a cookie, and a
response that sets a cookie is never stored: every page would silently stop being cached).
Instead the one view that takes the answer checks where the POST came from (`same_origin`):
a browser names the page's origin in `Origin` and says `Sec-Fetch-Site: same-origin`; a form on
another site cannot forge either. What is stored is the page's path, checked against the
portal's own pages, yes or no, and an optional comment, kept for PAGE_RATING_COMMENT_DAYS.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import translation

from portal.models import PageRating
from portal.models.page_rating import COMMENT_MAX_LENGTH

NYNORSK_PREFIX = "/nn/"
PATH_MAX_LENGTH = 200
ANSWERS = {"1": True, "0": False}  # the two buttons: "Ja" and "Nei"
# The portal's public pages a reader may rate: every url name of the app but the machinery.
NOT_RATED = {"search", "feedback_receipt", "page_rating", "page_rating_thanks"}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def same_origin(request) -> bool:
    """The POST came from a page of this site, by the browser's own headers."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        # Browsers that send no Origin on a same-origin POST still send Sec-Fetch-Site.
        return fetch_site == "same-origin"
    allowed = {
        _origin(settings.SITE_URL),
        f"{request.scheme}://{request.get_host()}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }
    return origin in allowed


@dataclass(frozen=True)
class RatedPage:
    path: str  # without /nn/
    language: str

    @property
    def url(self) -> str:
        return self.path if self.language == "nb" else NYNORSK_PREFIX[:-1] + self.path


def rated_page(path) -> RatedPage | None:
    """The portal page at `path` (as sent by the form), or None when it is not one."""
    if not isinstance(path, str) or not path.startswith("/") or len(path) > PATH_MAX_LENGTH:
        return None
    if "?" in path or "#" in path or "//" in path or any(ord(c) < 32 for c in path):
        return None
    language = "nn" if path.startswith(NYNORSK_PREFIX) else "nb"
    bare = path[len(NYNORSK_PREFIX) - 1 :] if language == "nn" else path
    with translation.override("nb"):
        try:
            match = resolve(bare)
        except Resolver404:
            return None
    if match.app_name != "portal" or match.url_name in NOT_RATED:
        return None
    return RatedPage(path=bare, language=language)


class InvalidRating(ValueError):
    pass


def clean(data) -> tuple[RatedPage, bool, str]:
    """(page, useful, comment) from the posted form; InvalidRating says what is wrong."""
    page = rated_page(data.get("side"))
    if page is None:
        raise InvalidRating("side")
    answer = data.get("svar")
    if answer not in ANSWERS:
        raise InvalidRating("svar")
    comment = (data.get("kommentar") or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise InvalidRating("kommentar")
    return page, ANSWERS[answer], comment


def record(page: RatedPage, useful: bool, comment: str = "") -> PageRating:
    return PageRating.objects.create(
        path=page.path, language=page.language, useful=useful, comment=comment
    )


def purge_comments(*, moment: dt.datetime, days: int, dry_run: bool = False) -> int:
    """Blank the comments older than `days` days; the yes or no is kept, to be counted."""
    expired = PageRating.objects.comments_older_than(moment - dt.timedelta(days=days))
    count = expired.count()
    if not dry_run and count:
        with transaction.atomic():
            expired.update(comment="")
    return count
