"""Structured logs: one JSON object per line on stdout, for Django and for gunicorn alike."""

import re

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

# Addresses that are keys: a receipt's shows what was sent (name and answers) for a week, a
# draft's opens the draft to anyone who has it, a workspace login link logs its member in.
# Whatever a line carries them in (the request line, the path, a referrer, a traceback), the key
# part is replaced before the line is written.
SECRET_PATHS = re.compile(
    r"(/(?:innspill/kvittering|innspill/utkast|arbeidsrom/logg-inn)/)[^/?#\s\"\\]+"
)
REDACTED = r"\1[skjult]"


def redact(text: str) -> str:
    if "/innspill/" not in text and "/arbeidsrom/" not in text:
        return text
    return SECRET_PATHS.sub(REDACTED, text)


# gunicorn's access log passes its "atoms" as the record's arguments; these become fields.
ACCESS_FIELDS = {
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "h": "remote_addr",
    "{x-forwarded-for}i": "forwarded_for",
    "a": "user_agent",
}


class JsonFormatter(_LibraryJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level"})
        # ISO 8601 in UTC, the same in gunicorn's master (no TZ) and in Django's workers.
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def format(self, record) -> str:
        return redact(super().format(record))

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for atom, field in ACCESS_FIELDS.items():
                value = record.args.get(atom)
                if value not in (None, "", "-"):
                    # The asgi worker gives the status as a number, the sync worker as text.
                    log_data[field] = str(value) if field == "status" else value
        # Django's request logger attaches the request object; its path is what a reader needs,
        # and its headers and cookies must not end up in the logs.
        request = log_data.pop("request", None)
        if request is not None and hasattr(request, "path"):
            log_data["method"] = request.method
            log_data["path"] = request.path
