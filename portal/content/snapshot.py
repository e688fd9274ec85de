"""Snapshots: what the importer compares, made alike from a file's record and a database row.

An object's fingerprint is the hash of its snapshot as the importer last wrote it. A row whose
snapshot no longer hashes to its stored fingerprint was edited in the admin.

The bokmål text stands where all text stood before nynorsk came; the nynorsk text is under "nn",
and only when there is some. So an object without nynorsk has the fingerprint it had before, and
an import after the upgrade finds it unchanged rather than edited.
"""

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import models

from portal.content.schema import KINDS

# Keys added to a kind after fingerprints were stored, with the default they were added with
# (a consultation's kind, 2026-12): at that value they are left out of the fingerprint, so that
# adding the key does not make every existing row look edited in the admin to the importer.
ADDED_WITH_DEFAULT = {"kind": "innspillsrunde"}


def fingerprint(snapshot: dict[str, Any]) -> str:
    values = {
        key: value
        for key, value in snapshot.get("values", {}).items()
        if ADDED_WITH_DEFAULT.get(key, object()) != value
    }
    snapshot = {**snapshot, "values": values}
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


def make_snapshot(
    values: dict[str, Any],
    relations: dict[str, list[str]],
    questions: list[dict[str, Any]],
    nynorsk: dict[str, Any],
    nynorsk_questions: list[dict[str, str]],
) -> dict[str, Any]:
    """The one shape, from a file's record and from a row alike."""
    snapshot = {"values": values, "relations": relations, "questions": questions}
    nynorsk = {key: value for key, value in nynorsk.items() if value}
    if any(q["text"] or q["help"] for q in nynorsk_questions):
        snapshot["nn"] = {"values": nynorsk, "questions": nynorsk_questions}
    elif nynorsk:
        snapshot["nn"] = {"values": nynorsk}
    return snapshot


def _text(obj: models.Model, attr: str) -> str:
    return _stored(getattr(obj, attr) or "")


def snapshot_of(kind_key: str, obj: models.Model) -> dict[str, Any]:
    kind = KINDS[kind_key]
    attrs = [f.key for f in kind.fields]
    if kind.has_status:
        attrs.append("status")
    if kind.body_attr:
        attrs.append(kind.body_attr)
    # Each form by its own column: the plain name would give the active language's.
    translated = kind.translated
    values = {
        attr: _text(obj, f"{attr}_nb") if attr in translated else _stored(getattr(obj, attr))
        for attr in attrs
    }
    nynorsk = {attr: _text(obj, f"{attr}_nn") for attr in translated}
    relations = {
        r.key: sorted(getattr(obj, r.key).values_list("slug", flat=True)) for r in kind.relations
    }
    questions, nynorsk_questions = [], []
    if kind.has_questions:
        rows = list(obj.questions.order_by("order"))
        questions = [
            {"text": _text(q, "text_nb"), "help": _text(q, "help_text_nb"), "required": q.required}
            for q in rows
        ]
        nynorsk_questions = [
            {"text": _text(q, "text_nn"), "help": _text(q, "help_text_nn")} for q in rows
        ]
    return make_snapshot(values, relations, questions, nynorsk, nynorsk_questions)
