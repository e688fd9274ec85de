"""The access log for input (Innsynslogg): who read an input or exported a set, when, and what.

Input holds personal data, so each look at it by staff leaves a row (portal.models.AccessLogEntry)
that only the superuser sees. The admin calls these; `export_feedback` too, as the shell user.
"""

from collections.abc import Iterable
from urllib.parse import urlencode

from portal.models import AccessLogEntry, Feedback

Action = AccessLogEntry.Action

# The admin's own parameters, which say nothing about which input was chosen.
_NOT_A_FILTER = {"o", "p", "_changelist_filters", "action", "index", "select_across"}


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def log_read(user, feedback: Feedback) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user,
        username=_username(user),
        action=Action.READ,
        references=feedback.reference,
        count=1,
    )


def describe_filter(params) -> str:
    """The changelist's filter and search as a query string ("status__exact=ny&q=Agder"); "" for
    the whole list."""
    pairs = [
        (key, value)
        for key in sorted(params)
        if key not in _NOT_A_FILTER
        for value in params.getlist(key)
    ]
    return urlencode(pairs)


def log_export(
    user, queryset, *, selection: str, file_format: str, username: str = ""
) -> AccessLogEntry:
    """`selection` says how the set was chosen: a filter, "valgte innspill", a command line."""
    references: Iterable[str] = queryset.order_by("reference").values_list("reference", flat=True)
    references = list(references)
    return AccessLogEntry.objects.create(
        user=user,
        username=username or _username(user),
        action=Action.EXPORTED,
        references=", ".join(references),
        count=len(references),
        selection=selection,
        file_format=file_format,
    )
