"""Structured logs: one JSON object per line on stdout, for Django and for gunicorn alike."""

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

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
