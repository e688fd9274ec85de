"""The format of `content/` (see content/README.md): each kind of object, the keys it takes, how
a key's value is read from front matter and written back, and the rules a kind adds of its own.

A field's `parse` turns what YAML gives into the value as stored; its `dump` turns a stored value
back into what the file holds (None: leave the key out). Export then import must change nothing,
so each pair is written together and tested as a pair.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone
from modeltranslation.translator import translator

from portal.models import (
    Chapter,
    Consultation,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Status,
    Theme,
)
from portal.models.consultation import whole_minute
from portal.workbooks.spec import (
    dump_data_sources,
    dump_workbook,
    parse_data_sources,
    parse_workbook,
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


class Invalid(ValueError):
    """A rule of a kind is broken; `key` is the key whose line the error points at."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


# --- Values: parse (front matter -> stored) and dump (stored -> front matter) ----------------


def parse_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError("skal være tekst")
    return str(value).replace("\r\n", "\n").strip()


def dump_plain(value: Any) -> Any:
    return value if value not in ("", None) else None


def parse_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("skal være et heltall")
    return value


def parse_lines(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("skal være en liste med tekster")
    return "\n".join(v.strip() for v in value if v.strip())


def dump_lines(value: str) -> list[str] | None:
    return value.splitlines() if value else None


def parse_bool(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError("skal være true eller false")
    return value


def parse_moment(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("skal være et tidspunkt som 2027-03-01T12:00:00+01:00") from None
    if not isinstance(value, dt.datetime):
        raise ValueError("skal være et tidspunkt som 2027-03-01T12:00:00+01:00")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=OSLO)
    return whole_minute(value).astimezone(dt.UTC)


def dump_moment(value: dt.datetime) -> str:
    # Written in Oslo time, as editors read and write it.
    return value.astimezone(OSLO).isoformat()


def choice_parser(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = parse_text(value)
        if text not in allowed:
            raise ValueError(f"må være en av: {', '.join(allowed)}")
        return text

    return parse


def parse_slug_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("skal være en liste med kortnavn")
    return sorted(set(value))


def parse_questions(value: Any) -> list[dict[str, Any]]:
    """A consultation's questions; the messages are whole, since they are about one item."""
    value = value or []
    if not isinstance(value, list):
        raise ValueError("«questions» skal være en liste")
    questions = []
    for raw in value:
        if not isinstance(raw, dict) or set(raw) - {"text", "help", "required"}:
            raise ValueError("hvert spørsmål har bare text, help og required")
        text = parse_text(raw.get("text"))
        if not text:
            raise ValueError("et spørsmål mangler text")
        try:
            required = parse_bool(raw.get("required"))
        except ValueError as error:
            raise ValueError(f"«required» {error}") from None
        questions.append({"text": text, "help": parse_text(raw.get("help")), "required": required})
    return questions


def dump_questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in q.items() if v not in ("", False)} for q in questions]


def parse_nynorsk_questions(value: Any, count: int) -> list[dict[str, str]]:
    """A consultation's questions in nynorsk: text and help, in the bokmål file's order."""
    if not isinstance(value, list):
        raise ValueError("«questions» skal være en liste")
    if len(value) != count:
        raise ValueError(
            f"«questions» har {len(value)} spørsmål, men bokmålsfilen har {count}: "
            "de skal stå i samme rekkefølge"
        )
    questions = []
    for raw in value:
        if not isinstance(raw, dict) or set(raw) - {"text", "help"}:
            raise ValueError("hvert spørsmål på nynorsk har bare text og help")
        questions.append({"text": parse_text(raw.get("text")), "help": parse_text(raw.get("help"))})
    return questions


# --- Kinds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str  # the front matter key, and the model field it fills
    parse: Callable[[Any], Any] = parse_text
    dump: Callable[[Any], Any] = dump_plain
    required: bool = False


def text(key: str, *, required: bool = False) -> Field:
    return Field(key, required=required)


def integer(key: str, *, required: bool = False) -> Field:
    return Field(key, parse_int, required=required)


def lines(key: str) -> Field:
    # Stored one item per line (see models.base.lines); a YAML list in the file.
    return Field(key, parse_lines, dump_lines)


def choice(key: str, allowed: list[str], *, required: bool = False) -> Field:
    return Field(key, choice_parser(*allowed), required=required)


def choice_with_default(key: str, allowed: list[str], default: str) -> Field:
    """A choice that may be left out (then `default`); always written back, so that the file
    says what it is."""
    parse_choice = choice_parser(*allowed)

    def parse(value: Any) -> str:
        return default if value in (None, "") else parse_choice(value)

    return Field(key, parse, lambda value: value or default)


def moment(key: str, *, required: bool = False) -> Field:
    return Field(key, parse_moment, dump_moment, required=required)


STATUS = choice("status", [Status.PUBLISHED, Status.DRAFT])


@dataclass(frozen=True)
class Relation:
    key: str  # the front matter key, and the many-to-many field it fills
    kind: str
    minimum: int = 0


def slug_file_name(obj: models.Model) -> str:
    return f"{obj.slug}.md"


def no_rules(slug: str, values: dict[str, Any]) -> None:
    pass


@dataclass(frozen=True)
class Kind:
    name: str  # Norwegian, used in reports
    model: type[models.Model]
    fields: tuple[Field, ...]
    relations: tuple[Relation, ...] = ()
    folder: str = ""  # a folder of Markdown files, or ...
    list_file: str = ""  # ... one YAML file with a list of entries
    file_name: Callable[[models.Model], str] = slug_file_name  # in `folder`
    body_attr: str = ""
    has_status: bool = True
    has_questions: bool = False
    # Rules beyond each field's own, on the parsed values; they raise Invalid.
    check: Callable[[str, dict[str, Any]], None] = no_rules
    unique: tuple[str, ...] = ()  # fields no two objects of the kind may share
    # (group, key): no two objects of the kind with the same group may share the key
    unique_within: tuple[tuple[str, str], ...] = ()

    @property
    def keys(self) -> set[str]:
        keys = {"slug"} | {f.key for f in self.fields} | {r.key for r in self.relations}
        if self.has_status:
            keys.add("status")
        if self.has_questions:
            keys.add("questions")
        if self.list_file and self.body_attr:
            keys.add(self.body_attr)
        if self.list_file and self.translated:
            keys.add(NYNORSK_KEY)
        return keys

    @property
    def translated(self) -> tuple[str, ...]:
        """The keys that have a nynorsk form (portal/translation.py), body included."""
        registered = set(translator.get_options_for_model(self.model).get_field_names())
        keys = [f.key for f in self.fields] + ([self.body_attr] if self.body_attr else [])
        return tuple(key for key in keys if key in registered)

    @property
    def nynorsk_fields(self) -> tuple[Field, ...]:
        """The front matter fields of a nynorsk file or `nn:` mapping (the body apart)."""
        return tuple(f for f in self.fields if f.key in self.translated)

    @property
    def nynorsk_keys(self) -> set[str]:
        keys = {f.key for f in self.nynorsk_fields}
        if self.list_file and self.body_attr in self.translated:
            keys.add(self.body_attr)
        if self.has_questions:
            keys.add("questions")
        return keys


# A list entry's nynorsk text; a Markdown file's is in the sibling `<name>.nn.md`.
NYNORSK_KEY = "nn"
NYNORSK_SUFFIX = ".nn.md"


def nynorsk_file_name(file_name: str) -> str:
    return file_name.removesuffix(".md") + NYNORSK_SUFFIX


def check_step(slug: str, values: dict[str, Any]) -> None:
    if slug not in STEP_SLUGS:
        raise Invalid("slug", f"ukjent steg «{slug}»: stegene er {', '.join(STEP_SLUGS)}")
    if not 1 <= values["order"] <= 6:
        raise Invalid("order", "«order» for et steg må være 1-6")


def check_consultation(slug: str, values: dict[str, Any]) -> None:
    if values["closes_at"] <= values["opens_at"]:
        raise Invalid("closes_at", "fristen (closes_at) må være etter opens_at")


# The order is the order of import: a kind comes after the kinds its relations point at.
KINDS: dict[str, Kind] = {
    "theme": Kind(
        "tema",
        Theme,
        (text("name", required=True), text("description")),
        list_file="themes.yaml",
        has_status=False,
    ),
    "source": Kind(
        "kilde",
        Source,
        (
            text("title", required=True),
            text("publisher"),
            integer("year"),
            text("url"),
            choice("kind", Source.Kind.values, required=True),
            text("note"),
        ),
        list_file="sources.yaml",
    ),
    "glossary": Kind(
        "begrep",
        GlossaryTerm,
        (text("term", required=True),),
        list_file="glossary.yaml",
        body_attr="definition",
    ),
    "step": Kind(
        "steg",
        ProcessStep,
        (
            integer("order", required=True),
            text("name", required=True),
            text("summary", required=True),
            lines("questions"),
            lines("roles"),
            lines("eu_elements"),
            lines("method"),
            text("participants"),
            text("duration"),
            text("outcome"),
            lines("checklist_before"),
            lines("checklist_done"),
            Field("data_sources", parse_data_sources, dump_data_sources),
            Field("workbook", parse_workbook, dump_workbook),
        ),
        folder="steps",
        file_name=lambda step: f"{step.order}-{step.slug}.md",
        body_attr="body",
        check=check_step,
        unique=("order",),
    ),
    "chapter": Kind(
        "kapittel",
        Chapter,
        (
            text("title", required=True),
            choice("part", Chapter.Part.values, required=True),
            integer("order", required=True),
            text("lead", required=True),
        ),
        relations=(Relation("steps", "step"),),
        folder="chapters",
        file_name=lambda chapter: f"{chapter.order:02d}-{chapter.slug}.md",
        body_attr="body",
        unique_within=(("part", "order"),),
    ),
    "example": Kind(
        "eksempel",
        ExampleCase,
        (
            text("title", required=True),
            text("summary", required=True),
            text("region"),
            choice("kind", ExampleCase.Kind.values, required=True),
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
        (text("title", required=True), text("lead")),
        folder="pages",
        body_attr="body",
    ),
    "consultation": Kind(
        "innspillsrunde",
        Consultation,
        (
            text("title", required=True),
            moment("opens_at", required=True),
            moment("closes_at", required=True),
            choice_with_default("kind", Consultation.Kind.values, Consultation.Kind.INNSPILLSRUNDE),
        ),
        folder="consultations",
        body_attr="introduction",
        has_questions=True,
        check=check_consultation,
    ),
}
