"""Snapshots: what the importer compares, made alike from a file's record and a database row.

An object's fingerprint is the hash of its snapshot as the importer last wrote it. A row whose
snapshot no longer hashes to its stored fingerprint was edited in the admin.
"""

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import models

from portal.content.schema import KINDS


def fingerprint(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=_canonical)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    # Moments as UTC ISO text: the form stored fingerprints were made with.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value)


def _stored(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def snapshot_of(kind_key: str, obj: models.Model) -> dict[str, Any]:
    kind = KINDS[kind_key]
    attrs = [f.key for f in kind.fields]
    if kind.has_status:
        attrs.append("status")
    if kind.body_attr:
        attrs.append(kind.body_attr)
    values = {attr: _stored(getattr(obj, attr)) for attr in attrs}
    relations = {
        r.key: sorted(getattr(obj, r.key).values_list("slug", flat=True)) for r in kind.relations
    }
    questions = []
    if kind.has_questions:
        questions = [
            {"text": _stored(q.text), "help": _stored(q.help_text), "required": q.required}
            for q in obj.questions.order_by("order")
        ]
    return {"values": values, "relations": relations, "questions": questions}
