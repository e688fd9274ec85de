"""An object's editable content as plain JSON, and back.

A snapshot holds every field an editor may change, in both written forms (`title_nb`,
`title_nn`, never the plain modeltranslation field, which only reads the active language), the
many-to-many links as sorted primary keys, and, for a consultation, its questions as rows:

    {"fields": {"title_nb": "...", ...}, "relations": {"steps": [3, 5]},
     "questions": [{"id": 7, "order": 1, "text_nb": "...", ...}]}
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from portal.models import Consultation, ConsultationQuestion
from portal.translation import TRANSLATED_FIELDS

# Kept by the publishing rules, never by an editor's snapshot.
NOT_EDITED = {"status", "first_published_at", "updated_at", "import_fingerprint", "version"}
QUESTION_FIELDS = ("order", "text_nb", "text_nn", "help_text_nb", "help_text_nn", "required")


def editable_fields(model) -> list[models.Field]:
    plain = set(TRANSLATED_FIELDS.get(model, ()))
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and field.name not in NOT_EDITED
        and field.name not in plain
    ]


def relation_fields(model) -> list[models.ManyToManyField]:
    return list(model._meta.many_to_many)


def has_questions(model) -> bool:
    return model is Consultation


def _stored(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def snapshot_from_values(
    model, values: dict[str, Any], relations: dict[str, list[int]], questions=None
) -> dict:
    data = {
        "fields": {
            field.attname: _stored(values.get(field.attname)) for field in editable_fields(model)
        },
        "relations": {name: sorted(pks) for name, pks in relations.items()},
    }
    if has_questions(model):
        data["questions"] = [
            {"id": row.get("id"), **{name: _stored(row.get(name)) for name in QUESTION_FIELDS}}
            for row in sorted(questions or [], key=lambda row: row.get("order") or 0)
        ]
    return data


def snapshot_of(obj) -> dict:
    """The live row's content as a snapshot."""
    model = type(obj)
    values = {field.attname: getattr(obj, field.attname) for field in editable_fields(model)}
    relations = {}
    if obj.pk is not None:
        relations = {
            field.name: list(getattr(obj, field.name).values_list("pk", flat=True))
            for field in relation_fields(model)
        }
    questions = None
    if has_questions(model) and obj.pk is not None:
        questions = list(obj.questions.values("id", *QUESTION_FIELDS))
    return snapshot_from_values(model, values, relations, questions)


def apply_fields(obj, data: dict) -> None:
    """Set the snapshot's fields on `obj`, in memory."""
    stored = data.get("fields", {})
    for field in editable_fields(type(obj)):
        if field.attname in stored:
            setattr(obj, field.attname, field.to_python(stored[field.attname]))


def question_instances(consultation, data: dict) -> list[ConsultationQuestion]:
    """The snapshot's questions as unsaved rows (the pk of those that exist already)."""
    rows = []
    for row in data.get("questions", []):
        question = ConsultationQuestion(consultation=consultation, pk=row.get("id"))
        for name in QUESTION_FIELDS:
            setattr(question, name, row.get(name))
        question.help_text_nb = question.help_text_nb or ""
        question.help_text_nn = question.help_text_nn or ""
        question.text_nn = question.text_nn or ""
        if question.pk:  # an existing row, as if loaded: its own order is not a clash
            question._state.adding, question._state.db = False, "default"
        rows.append(question)
    return rows


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


FORM_NAMES = {"nb": "bokmål", "nn": "nynorsk"}


def _label(model, attname: str) -> str:
    base, _, form = attname.rpartition("_")
    if form in FORM_NAMES and base in TRANSLATED_FIELDS.get(model, ()):
        name = model._meta.get_field(base).verbose_name
        return f"{name} ({FORM_NAMES[form]})"
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == attname or field.name == attname:
            return str(getattr(field, "verbose_name", attname))
    return attname


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return str(value)


def differences(model, before: dict, after: dict) -> list[Change]:
    """What differs between two snapshots of one object, field by field, in readable terms."""
    changes = []
    old, new = before.get("fields", {}), after.get("fields", {})
    for field in editable_fields(model):
        a, b = old.get(field.attname), new.get(field.attname)
        if _shown(a) != _shown(b):
            changes.append(Change(_label(model, field.attname), _shown(a), _shown(b)))
    for field in relation_fields(model):
        a = before.get("relations", {}).get(field.name, [])
        b = after.get("relations", {}).get(field.name, [])
        if sorted(a) != sorted(b):
            target = field.related_model.objects
            names = [
                ", ".join(str(o) for o in target.filter(pk__in=pks).order_by("pk"))
                for pks in (a, b)
            ]
            changes.append(Change(str(field.verbose_name), *names))
    if has_questions(model):
        a = [
            (q.get("text_nb"), q.get("text_nn"), q.get("help_text_nb"))
            for q in before.get("questions", [])
        ]
        b = [
            (q.get("text_nb"), q.get("text_nn"), q.get("help_text_nb"))
            for q in after.get("questions", [])
        ]
        if a != b:
            changes.append(
                Change(
                    "spørsmål",
                    "\n".join(q[0] or "" for q in a),
                    "\n".join(q[0] or "" for q in b),
                )
            )
    return changes


def preview_object(edition):
    """The edition as an unsaved object, exactly as it will look: the live row's copy (or a new
    one) with the snapshot's fields, its links and questions served from memory."""
    model = edition.model
    obj = model.objects.filter(pk=edition.object_id).first() if edition.object_id else None
    if obj is None:
        obj = model()
        obj.pk = -edition.pk  # never saved; lets related managers answer from the cache below
        if hasattr(obj, "status"):
            obj.status = "draft"
    apply_fields(obj, edition.data)
    cache = getattr(obj, "_prefetched_objects_cache", {})
    for field in relation_fields(model):
        pks = edition.data.get("relations", {}).get(field.name, [])
        cache[field.name] = field.related_model.objects.filter(pk__in=pks)
    if has_questions(model):
        rows = question_instances(obj, edition.data)
        for number, question in enumerate(rows, 1):
            if question.pk is None:  # a new question: a key of its own in the previewed form
                question.pk = -number
        queryset = ConsultationQuestion.objects.none()
        queryset._result_cache, queryset._prefetch_done = rows, True
        cache["questions"] = queryset
    obj._prefetched_objects_cache = cache
    obj.previewed_edition = edition
    return obj
