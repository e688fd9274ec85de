"""Logging in to a county workspace: a one-time link by e-mail, no passwords.

- `request_link(request, address)` counts the request against two limits (per e-mail address
  and per client address, in PostgreSQL like the input form's), and, only if the address
  belongs to a county member, enqueues the e-mail with a link. The caller shows the same
  answer whether or not the address is known.
- The link (django-sesame, v2 tokens) works for SESAME_MAX_AGE seconds and once: it is signed
  over the account's last login, which logging in changes. Opening it only shows a page with a
  "Logg inn" button (mail scanners open every link in a message); the POST logs in.
- `log_in_with_link` locks the account's row while it checks the link, so two posts of one
  link cannot both succeed, and refuses staff and superusers: a staff account is only ever
  logged in through the admin with its second factor.
- `CountyLinkBackend` is also how each later request finds the logged-in member: an account that
  has become staff, or has no membership any more, is logged out at its next request.
"""

import datetime as dt
import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from sesame import tokens
from sesame.backends import SesameBackendMixin

from portal.feedback.ratelimit import count_hit
from portal.http import client_ip
from portal.models import LoginRecord, Membership

logger = logging.getLogger(__name__)

SCOPE = "arbeidsrom"
BACKEND = "portal.workspace.login.CountyLinkBackend"

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def county_accounts():
    """Accounts a link may log in: active, never staff, with a membership."""
    return get_user_model().objects.filter(
        Exists(Membership.objects.filter(user=OuterRef("pk"))),
        is_active=True,
        is_staff=False,
        is_superuser=False,
    )


def normalise_address(address: str) -> str:
    return (address or "").strip().lower()


def find_member(address: str):
    address = normalise_address(address)
    if not address:
        return None
    return county_accounts().filter(email__iexact=address).order_by("pk").first()


class CountyLinkBackend(SesameBackendMixin, ModelBackend):
    def get_user(self, user_id):
        return county_accounts().filter(pk=user_id).first()

    def authenticate(self, request, sesame=None, scope="", max_age=None):
        return None  # never through authenticate(): only log_in_with_link checks a link


# --- The link --------------------------------------------------------------------------------


def make_link_token(user) -> str:
    return tokens.create_token(user, SCOPE)


def _locked_account(user_id):
    return county_accounts().filter(pk=user_id).select_for_update().first()


def link_account(token: str):
    """The account a link is for, if it is still valid; changes nothing (the GET page)."""
    if not token or len(token) > 200:
        return None
    return tokens.parse_token(token, CountyLinkBackend().get_user, SCOPE)


def log_in_with_link(request, token: str):
    """Log the link's account in, once. Returns the user, or None for a used, expired, altered
    or foreign link (or one for an account that is staff or no member any more)."""
    if not token or len(token) > 200:
        return None
    with transaction.atomic():
        user = tokens.parse_token(token, _locked_account, SCOPE)
        if user is None:
            return None
        now = timezone.now()
        # Used up before anything else: the link's signature covers the last login.
        type(user).objects.filter(pk=user.pk).update(last_login=now)
        user.last_login = now
        LoginRecord.objects.create(user=user, at=now)
    login(request, user, backend=BACKEND)
    return user


# --- Asking for a link ------------------------------------------------------------------------


def parse_rate(text: str) -> tuple[int, int] | None:
    """ "3/15m" -> (3, 900); "" or "0/h" -> None (no limit)."""
    match = _RATE.match(text or "")
    if not match or int(match.group(1)) == 0:
        return None
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNIT_SECONDS[unit]


@dataclass(frozen=True)
class LinkRequest:
    allowed: bool
    retry_after: int = 0  # seconds, when not allowed


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def _count(name: str, value: str, rate_text: str) -> int:
    """Count one request; 0 when allowed, else the seconds until the window ends. Counted in
    PostgreSQL (portal/feedback/ratelimit.py), so every worker and instance counts together."""
    rate = parse_rate(rate_text)
    if rate is None:
        return 0
    limit, period = rate
    now = time.time()
    window = int(now // period)
    ends = dt.datetime.fromtimestamp((window + 1) * period, tz=dt.UTC)
    key = f"workspace-link:{name}:{period}:{window}:{_digest(value)}"
    count = count_hit(key, expires_at=ends)
    return 0 if count <= limit else max(1, int((window + 1) * period - now))


def request_link(request, address: str, *, language: str) -> LinkRequest:
    """Count the request, and e-mail a link if the address is a member's. Both limits count
    every request, known address or not, so the answer never tells which it was."""
    address = normalise_address(address)
    waits = [
        _count("client", client_ip(request), settings.WORKSPACE_LINK_RATE_PER_CLIENT),
        _count("address", address, settings.WORKSPACE_LINK_RATE_PER_ADDRESS),
    ]
    if any(waits):
        return LinkRequest(False, max(waits))
    user = find_member(address)
    if user is not None:
        from portal.workspace import tasks  # the task module imports this one

        transaction.on_commit(lambda: tasks.mail_login_link.enqueue(user.pk, language), robust=True)
    return LinkRequest(True)


def purge_login_records(*, moment: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete login records older than WORKSPACE_LOGIN_RECORD_DAYS (as /personvern/ says)."""
    moment = moment or timezone.now()
    cutoff = moment - dt.timedelta(days=settings.WORKSPACE_LOGIN_RECORD_DAYS)
    old = LoginRecord.objects.filter(at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
