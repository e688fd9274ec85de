"""Import `content/` into the database and export it back, in the format of content/README.md.

Import is all or nothing: every file is read and checked before anything is written, and the
writes happen in one transaction. Each object keeps a fingerprint of what the importer last wrote;
if the object in the database no longer matches it, someone edited it in the admin, and the import
keeps that edit unless told to overwrite.
"""

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from portal.models import (
    Chapter,
    Consultation,
    ConsultationQuestion,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Status,
    Theme,
)

OSLO = ZoneInfo("Europe/Oslo")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STEP_SLUGS = ("analyse", "organisering", "visjon", "prioriteringer", "policy-mix", "monitorering")


class ContentError(Exception):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


# --- Field parsers: front matter value -> normalised value as stored -------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError("skal være tekst")
    return str(value).replace("\r\n", "\n").strip()


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("skal være et heltall")
    return value


def _lines(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("skal være en liste med tekster")
    return "\n".join(v.strip() for v in value if v.strip())


def _bool(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError("skal være true eller false")
    return value


def _datetime(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("skal være et tidspunkt som 2027-03-01T12:00:00+01:00") from None
    if not isinstance(value, dt.datetime):
        raise ValueError("skal være et tidspunkt som 2027-03-01T12:00:00+01:00")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=OSLO)
    # Deadlines are whole minutes (see Consultation.save).
    return value.replace(second=0, microsecond=0).astimezone(dt.UTC).isoformat()


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        if text not in allowed:
            raise ValueError(f"må være en av: {', '.join(allowed)}")
        return text

    return parse


def _slug_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("skal være en liste med kortnavn")
    return sorted(set(value))


@dataclass(frozen=True)
class Field:
    key: str  # the front matter key, and the model field it fills
    parse: Callable[[Any], Any] = _text
    required: bool = False


@dataclass(frozen=True)
class Relation:
    key: str  # the front matter key, and the many-to-many field it fills
    kind: str
    minimum: int = 0


@dataclass(frozen=True)
class Kind:
    name: str  # Norwegian, used in reports
    model: type[models.Model]
    fields: tuple[Field, ...]
    relations: tuple[Relation, ...] = ()
    folder: str = ""  # a folder of Markdown files, or ...
    list_file: str = ""  # ... one YAML file with a list of entries
    body_attr: str = ""
    has_status: bool = True
    has_questions: bool = False

    @property
    def keys(self) -> set[str]:
        keys = {"slug"} | {f.key for f in self.fields} | {r.key for r in self.relations}
        if self.has_status:
            keys.add("status")
        if self.has_questions:
            keys.add("questions")
        if self.list_file and self.body_attr:
            keys.add(self.body_attr)
        return keys


STATUS = Field("status", _choice(Status.PUBLISHED, Status.DRAFT))

KINDS: dict[str, Kind] = {
    "theme": Kind(
        "tema",
        Theme,
        (Field("name", required=True), Field("description")),
        list_file="themes.yaml",
        has_status=False,
    ),
    "source": Kind(
        "kilde",
        Source,
        (
            Field("title", required=True),
            Field("publisher"),
            Field("year", _int),
            Field("url"),
            Field("kind", _choice(*Source.Kind.values), required=True),
            Field("note"),
        ),
        list_file="sources.yaml",
    ),
    "glossary": Kind(
        "begrep",
        GlossaryTerm,
        (Field("term", required=True),),
        list_file="glossary.yaml",
        body_attr="definition",
    ),
    "step": Kind(
        "steg",
        ProcessStep,
        (
            Field("order", _int, required=True),
            Field("name", required=True),
            Field("summary", required=True),
            Field("questions", _lines),
            Field("roles", _lines),
            Field("eu_elements", _lines),
        ),
        folder="steps",
        body_attr="body",
    ),
    "chapter": Kind(
        "kapittel",
        Chapter,
        (
            Field("title", required=True),
            Field("part", _choice(*Chapter.Part.values), required=True),
            Field("order", _int, required=True),
            Field("lead", required=True),
        ),
        relations=(Relation("steps", "step"),),
        folder="chapters",
        body_attr="body",
    ),
    "example": Kind(
        "eksempel",
        ExampleCase,
        (
            Field("title", required=True),
            Field("summary", required=True),
            Field("region"),
            Field("kind", _choice(*ExampleCase.Kind.values), required=True),
        ),
        relations=(
            Relation("steps", "step", minimum=1),
            Relation("themes", "theme", minimum=1),
            Relation("sources", "source"),
        ),
        folder="examples",
        body_attr="body",
    ),
    "page": Kind(
        "side",
        Page,
        (Field("title", required=True), Field("lead")),
        folder="pages",
        body_attr="body",
    ),
    "consultation": Kind(
        "innspillsrunde",
        Consultation,
        (
            Field("title", required=True),
            Field("opens_at", _datetime, required=True),
            Field("closes_at", _datetime, required=True),
        ),
        folder="consultations",
        body_attr="introduction",
        has_questions=True,
    ),
}


# --- Reading files ---------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    slug: str
    values: dict[str, Any]
    relations: dict[str, list[str]]
    questions: list[dict[str, Any]]
    path: Path
    line: int
    key_lines: dict[str, int]

    def snapshot(self) -> dict[str, Any]:
        return {"values": self.values, "relations": self.relations, "questions": self.questions}

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.snapshot())


def fingerprint(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _yaml_node_lines(node: yaml.Node, first_line: int) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: first_line + key.start_mark.line for key, _ in node.value}


def _load_yaml(text: str, path: Path, first_line: int) -> tuple[Any, yaml.Node | None]:
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        # An unclosed bracket or quote is reported where it was opened, not where the file ends.
        mark = error.context_mark or error.problem_mark
        line = first_line + (mark.line if mark else 0)
        problem = " ".join(filter(None, [error.context, error.problem])) or str(error)
        raise ContentError(path, line, f"ugyldig YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ContentError(path, first_line, f"ugyldig YAML: {error}") from None


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise ContentError(path, 1, "filen må starte med front matter mellom to linjer med ---")
    end = text.find("\n---", 3)
    if end == -1 or text[end + 4 : end + 5] not in ("\n", ""):
        raise ContentError(path, 1, "front matter mangler avsluttende linje med ---")
    front = text[4 : end + 1]
    body = text[end + 5 :]
    body_line = front.count("\n") + 3
    return front, body, body_line


def _record(
    kind_key: str, data: Any, key_lines: dict[str, int], line: int, path: Path, body: str | None
) -> Record:
    kind = KINDS[kind_key]
    if not isinstance(data, dict):
        raise ContentError(path, line, "forventet nøkler og verdier (en YAML-mapping)")
    unknown = sorted(set(data) - kind.keys)
    if unknown:
        key = unknown[0]
        raise ContentError(path, key_lines.get(key, line), f"ukjent nøkkel «{key}»")

    def fail(key: str, message: str):
        raise ContentError(path, key_lines.get(key, line), message)

    slug = data.get("slug")
    if not isinstance(slug, str) or not slug:
        fail("slug", "mangler slug")
    if not SLUG.match(slug):
        fail("slug", f"ugyldig slug «{slug}»: bruk bare a-z, 0-9 og bindestrek")

    values: dict[str, Any] = {}
    for spec in kind.fields:
        raw = data.get(spec.key)
        if spec.required and raw in (None, ""):
            fail(spec.key, f"mangler {spec.key}")
        try:
            values[spec.key] = spec.parse(raw)
        except ValueError as error:
            fail(spec.key, f"«{spec.key}» {error}")
    if kind.has_status:
        try:
            values["status"] = STATUS.parse(data.get("status") or Status.PUBLISHED)
        except ValueError as error:
            fail("status", f"«status» {error}")
    if kind.body_attr:
        text = body if body is not None else data.get(kind.body_attr)
        values[kind.body_attr] = _text(text)
        if not values[kind.body_attr]:
            fail(kind.body_attr, f"mangler {kind.body_attr}")

    relations = {}
    for relation in kind.relations:
        try:
            relations[relation.key] = _slug_list(data.get(relation.key))
        except ValueError as error:
            fail(relation.key, f"«{relation.key}» {error}")
        if len(relations[relation.key]) < relation.minimum:
            fail(relation.key, f"«{relation.key}» må ha minst {relation.minimum}")

    questions = []
    if kind.has_questions:
        raw_questions = data.get("questions") or []
        if not isinstance(raw_questions, list):
            fail("questions", "«questions» skal være en liste")
        for raw in raw_questions:
            if not isinstance(raw, dict) or set(raw) - {"text", "help", "required"}:
                fail("questions", "hvert spørsmål har bare text, help og required")
            text = _text(raw.get("text"))
            if not text:
                fail("questions", "et spørsmål mangler text")
            try:
                required = _bool(raw.get("required"))
            except ValueError as error:
                fail("questions", f"«required» {error}")
            questions.append({"text": text, "help": _text(raw.get("help")), "required": required})

    if kind_key == "step":
        if slug not in STEP_SLUGS:
            fail("slug", f"ukjent steg «{slug}»: stegene er {', '.join(STEP_SLUGS)}")
        if not 1 <= values["order"] <= 6:
            fail("order", "«order» for et steg må være 1-6")
    if kind_key == "consultation" and values["closes_at"] <= values["opens_at"]:
        fail("closes_at", "fristen (closes_at) må være etter opens_at")

    return Record(
        kind_key,
        slug,
        values,
        relations,
        questions,
        path,
        key_lines.get("slug", line),
        key_lines,
    )


def read_content(root: Path) -> dict[str, list[Record]]:
    root = Path(root)
    if not root.is_dir():
        raise ContentError(root, 0, "mappen finnes ikke")
    records: dict[str, list[Record]] = defaultdict(list)
    for kind_key, kind in KINDS.items():
        if kind.folder:
            for path in sorted((root / kind.folder).glob("*.md")):
                text = path.read_text(encoding="utf-8")
                front, body, _ = _split_front_matter(text, path)
                data, node = _load_yaml(front, path, 2)
                key_lines = _yaml_node_lines(node, 2) if node else {}
                records[kind_key].append(_record(kind_key, data, key_lines, 1, path, body))
        else:
            path = root / kind.list_file
            if not path.is_file():
                continue
            data, node = _load_yaml(path.read_text(encoding="utf-8"), path, 1)
            if data is None:
                continue
            if not isinstance(data, list):
                raise ContentError(path, 1, "filen skal være en YAML-liste")
            for item, item_node in zip(data, node.value, strict=True):
                line = 1 + item_node.start_mark.line
                key_lines = _yaml_node_lines(item_node, 1)
                records[kind_key].append(_record(kind_key, item, key_lines, line, path, None))
    _check_unique(records)
    _check_references(records)
    return records


def _check_unique(records: dict[str, list[Record]]) -> None:
    for items in records.values():
        seen: dict[str, Record] = {}
        for record in items:
            if record.slug in seen:
                first = seen[record.slug]
                raise ContentError(
                    record.path,
                    record.line,
                    f"slug «{record.slug}» er brukt før, i {first.path}:{first.line}",
                )
            seen[record.slug] = record
    orders = Counter(r.values["order"] for r in records.get("step", []))
    for record in records.get("step", []):
        if orders[record.values["order"]] > 1:
            raise ContentError(
                record.path,
                record.key_lines.get("order", record.line),
                f"to steg har order {record.values['order']}",
            )


def _check_references(records: dict[str, list[Record]]) -> None:
    known = {key: {r.slug for r in items} for key, items in records.items()}
    for kind_key, items in records.items():
        for relation in KINDS[kind_key].relations:
            target = KINDS[relation.kind]
            existing = known.get(relation.kind, set())
            for record in items:
                missing = set(record.relations[relation.key]) - existing
                if missing:
                    # The database may hold what a partial content folder leaves out.
                    missing -= set(
                        target.model.objects.filter(slug__in=missing).values_list("slug", flat=True)
                    )
                if missing:
                    raise ContentError(
                        record.path,
                        record.key_lines.get(relation.key, record.line),
                        f"ukjent {target.name} «{sorted(missing)[0]}» i «{relation.key}»",
                    )


# --- Snapshots of what is in the database ----------------------------------------------------


def _db_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
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
    values = {attr: _db_value(getattr(obj, attr)) for attr in attrs}
    relations = {
        r.key: sorted(getattr(obj, r.key).values_list("slug", flat=True)) for r in kind.relations
    }
    questions = []
    if kind.has_questions:
        questions = [
            {"text": _db_value(q.text), "help": _db_value(q.help_text), "required": q.required}
            for q in obj.questions.order_by("order")
        ]
    return {"values": values, "relations": relations, "questions": questions}


# --- Import ----------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, KEPT, DELETED = (
    "opprettet",
    "oppdatert",
    "uendret",
    "beholdt",
    "slettet",
)


@dataclass
class ImportReport:
    dry_run: bool = False
    outcomes: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, kind_key: str, slug: str, outcome: str) -> None:
        self.outcomes.append((kind_key, slug, outcome))

    @property
    def counts(self) -> Counter:
        return Counter(outcome for _, _, outcome in self.outcomes)

    @property
    def changed(self) -> bool:
        return any(outcome != UNCHANGED for _, _, outcome in self.outcomes)

    def lines(self) -> list[str]:
        return [
            f"{KINDS[kind_key].name} {slug}: {outcome}"
            + (" (endret i admin; bruk --overwrite for å erstatte)" if outcome == KEPT else "")
            for kind_key, slug, outcome in self.outcomes
            if outcome != UNCHANGED
        ]

    def summary(self) -> str:
        counts = self.counts
        parts = [f"{counts[o]} {o}" for o in (CREATED, UPDATED, UNCHANGED, KEPT, DELETED)]
        return ", ".join(parts) + (" (prøvekjøring: ingenting er lagret)" if self.dry_run else "")


def _write_questions(consultation: Consultation, record: Record) -> None:
    # In place, by position: answers already given point at their question and must keep it.
    for index, q in enumerate(record.questions, start=1):
        ConsultationQuestion.objects.update_or_create(
            consultation=consultation,
            order=index,
            defaults={"text": q["text"], "help_text": q["help"], "required": q["required"]},
        )
    removed = consultation.questions.filter(order__gt=len(record.questions))
    if removed.filter(answers__isnull=False).exists():
        raise ContentError(
            record.path,
            record.key_lines.get("questions", record.line),
            "et spørsmål som er fjernet, har allerede fått svar i innspill; svarene kan ikke "
            "slettes, så spørsmålet må bli stående",
        )
    removed.delete()


def _write(kind_key: str, record: Record, obj: models.Model | None) -> models.Model:
    kind = KINDS[kind_key]
    if obj is None:
        obj = kind.model(slug=record.slug)
    for attr, value in record.values.items():
        if attr in ("opens_at", "closes_at"):
            value = dt.datetime.fromisoformat(value)
        setattr(obj, attr, value)
    if kind.has_status and obj.status == Status.PUBLISHED and obj.first_published_at is None:
        obj.first_published_at = timezone.now()
    obj.save()
    for relation in kind.relations:
        targets = KINDS[relation.kind].model.objects.filter(slug__in=record.relations[relation.key])
        getattr(obj, relation.key).set(targets)
    if kind.has_questions:
        _write_questions(obj, record)
    kind.model.objects.filter(pk=obj.pk).update(import_fingerprint=record.fingerprint)
    return obj


def import_content(
    root: Path, *, dry_run: bool = False, overwrite: bool = False, prune: bool = False
) -> ImportReport:
    records = read_content(root)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        for kind_key, kind in KINDS.items():
            items = records.get(kind_key, [])
            existing = {
                obj.slug: obj for obj in kind.model.objects.filter(slug__in=[r.slug for r in items])
            }
            for record in items:
                obj = existing.get(record.slug)
                if obj is None:
                    _write(kind_key, record, None)
                    report.add(kind_key, record.slug, CREATED)
                    continue
                current = fingerprint(snapshot_of(kind_key, obj))
                if current == record.fingerprint:
                    if obj.import_fingerprint != current:
                        kind.model.objects.filter(pk=obj.pk).update(import_fingerprint=current)
                    report.add(kind_key, record.slug, UNCHANGED)
                elif current != obj.import_fingerprint and not overwrite:
                    report.add(kind_key, record.slug, KEPT)
                else:
                    _write(kind_key, record, obj)
                    report.add(kind_key, record.slug, UPDATED)
            if prune:
                stale = kind.model.objects.exclude(slug__in=[r.slug for r in items])
                for slug in stale.values_list("slug", flat=True):
                    report.add(kind_key, slug, DELETED)
                stale_slugs = sorted(stale.values_list("slug", flat=True))
                try:
                    stale.delete()
                except ProtectedError:
                    # A consultation with input: official correspondence is never pruned.
                    raise ContentError(
                        root / (kind.folder or kind.list_file),
                        1,
                        f"kan ikke slette {', '.join(stale_slugs)}: det finnes innspill som "
                        "hører til, og innspill slettes aldri av importen",
                    ) from None
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- Export ----------------------------------------------------------------------------------


def _front_matter_value(spec: Field, value: Any) -> Any:
    if spec.parse is _lines:
        return value.splitlines() if value else None
    if spec.parse is _datetime:
        return dt.datetime.fromisoformat(value).astimezone(OSLO).isoformat()
    return value if value not in ("", None) else None


def _entry(kind_key: str, obj: models.Model) -> tuple[dict[str, Any], str]:
    kind = KINDS[kind_key]
    snap = snapshot_of(kind_key, obj)
    data: dict[str, Any] = {"slug": obj.slug}
    for spec in kind.fields:
        value = _front_matter_value(spec, snap["values"][spec.key])
        if value is not None:
            data[spec.key] = value
    for relation in kind.relations:
        if snap["relations"][relation.key]:
            data[relation.key] = snap["relations"][relation.key]
    if kind.has_questions:
        data["questions"] = [
            {k: v for k, v in q.items() if v not in ("", False)} for q in snap["questions"]
        ]
    if kind.has_status and snap["values"]["status"] != Status.PUBLISHED:
        data["status"] = snap["values"]["status"]
    body = snap["values"].get(kind.body_attr, "") if kind.body_attr else ""
    return data, body


def _dump(data: Any) -> str:
    # No folding: one value per line keeps the git diff of an admin edit small.
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=float("inf"))


def export_content(root: Path) -> list[Path]:
    root = Path(root)
    written: list[Path] = []
    for kind_key, kind in KINDS.items():
        objects = kind.model.objects.order_by(*kind.model._meta.ordering or ["slug"])
        if kind.folder:
            folder = root / kind.folder
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.md"):
                old.unlink()
            for obj in objects:
                data, body = _entry(kind_key, obj)
                prefix = ""
                if kind_key == "chapter":
                    prefix = f"{obj.order:02d}-"
                elif kind_key == "step":
                    prefix = f"{obj.order}-"
                path = folder / f"{prefix}{obj.slug}.md"
                path.write_text(f"---\n{_dump(data)}---\n{body}\n", encoding="utf-8")
                written.append(path)
        else:
            entries = []
            for obj in objects:
                data, body = _entry(kind_key, obj)
                if kind.body_attr:
                    data[kind.body_attr] = body
                entries.append(data)
            path = root / kind.list_file
            root.mkdir(parents=True, exist_ok=True)
            path.write_text(_dump(entries), encoding="utf-8")
            written.append(path)
    return written
