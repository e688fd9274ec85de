"""Read a content folder into records, checked against the schema. Files only: the reader never
touches the database, so it can check a folder anywhere (tests, CI, an editor's machine)."""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from portal.content.schema import (
    KINDS,
    NYNORSK_KEY,
    NYNORSK_SUFFIX,
    SLUG,
    STATUS,
    ContentError,
    Invalid,
    nynorsk_file_name,
    parse_nynorsk_questions,
    parse_questions,
    parse_slug_list,
    parse_text,
)
from portal.content.snapshot import fingerprint, make_snapshot
from portal.models import Status


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
    # The nynorsk text by key (empty: none written), and the questions' nynorsk text and help.
    nynorsk: dict[str, Any] = field(default_factory=dict)
    nynorsk_questions: list[dict[str, str]] = field(default_factory=list)

    def snapshot(self) -> dict[str, Any]:
        return make_snapshot(
            self.values, self.relations, self.questions, self.nynorsk, self.nynorsk_questions
        )

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.snapshot())


# Given a kind and the slugs a folder refers to but does not hold, the ones known elsewhere.
FoundElsewhere = Callable[[str, set[str]], set[str]]


def nowhere_else(kind_key: str, slugs: set[str]) -> set[str]:
    return set()


def read_content(
    root: Path, *, found_elsewhere: FoundElsewhere = nowhere_else
) -> dict[str, list[Record]]:
    """Every record in `root`, by kind. A reference must point into the folder, or at something
    `found_elsewhere` knows (the importer passes the database, for a partial folder)."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError(root, 0, "mappen finnes ikke")
    records: dict[str, list[Record]] = defaultdict(list)
    for kind_key, kind in KINDS.items():
        if kind.folder:
            records[kind_key].extend(_read_folder(kind_key, root / kind.folder))
        else:
            records[kind_key].extend(_read_list(kind_key, root / kind.list_file))
    _check_unique(records)
    _check_references(records, found_elsewhere)
    return records


def _read_folder(kind_key: str, folder: Path) -> list[Record]:
    """Each bokmål file, with the nynorsk sibling (`<name>.nn.md`) it may have."""
    paths = sorted(folder.glob("*.md"))
    bokmal = [path for path in paths if not path.name.endswith(NYNORSK_SUFFIX)]
    names = {path.name for path in bokmal}
    for path in paths:
        if path.name.endswith(NYNORSK_SUFFIX):
            main = path.name.removesuffix(NYNORSK_SUFFIX) + ".md"
            if main not in names:
                raise ContentError(
                    path, 1, f"nynorskfilen har ingen bokmålsfil ved siden av ({main})"
                )
    records = []
    for path in bokmal:
        record = _read_markdown(kind_key, path)
        nynorsk = path.with_name(nynorsk_file_name(path.name))
        if nynorsk.is_file():
            _read_nynorsk_markdown(record, nynorsk)
        records.append(record)
    return records


def _read_markdown(kind_key: str, path: Path) -> Record:
    front, body = _split_front_matter(path.read_text(encoding="utf-8"), path)
    data, node = _load_yaml(front, path, 2)
    key_lines = _yaml_node_lines(node, 2) if node else {}
    return _record(kind_key, data, key_lines, 1, path, body)


def _read_nynorsk_markdown(record: Record, path: Path) -> None:
    front, body = _split_front_matter(path.read_text(encoding="utf-8"), path)
    data, node = _load_yaml(front, path, 2)
    key_lines = _yaml_node_lines(node, 2) if node else {}
    _nynorsk(record, {} if data is None else data, key_lines, 1, path, body)


def _nynorsk(
    record: Record,
    data: Any,
    key_lines: dict[str, int],
    line: int,
    path: Path,
    body: str | None = None,
) -> None:
    """The nynorsk text of `record`, from a `.nn.md` file (with its body) or an `nn:` mapping."""
    kind = KINDS[record.kind]

    def fail(key: str, message: str):
        raise ContentError(path, key_lines.get(key, line), message)

    if not isinstance(data, dict):
        fail(NYNORSK_KEY, "nynorsk tekst skal være nøkler og verdier (en YAML-mapping)")
    unknown = sorted(set(data) - kind.nynorsk_keys)
    if unknown:
        fail(unknown[0], f"«{unknown[0]}» har ingen nynorsk form her")
    for spec in kind.nynorsk_fields:
        try:
            record.nynorsk[spec.key] = spec.parse(data.get(spec.key))
        except ValueError as error:
            fail(spec.key, f"«{spec.key}» {error}")
    if kind.body_attr in kind.translated:
        raw = body if body is not None else data.get(kind.body_attr)
        try:
            record.nynorsk[kind.body_attr] = parse_text(raw)
        except ValueError as error:
            fail(kind.body_attr, f"«{kind.body_attr}» {error}")
    if kind.has_questions and "questions" in data:
        try:
            record.nynorsk_questions = parse_nynorsk_questions(
                data["questions"], len(record.questions)
            )
        except ValueError as error:
            fail("questions", str(error))


def _read_list(kind_key: str, path: Path) -> list[Record]:
    if not path.is_file():
        return []
    data, node = _load_yaml(path.read_text(encoding="utf-8"), path, 1)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ContentError(path, 1, "filen skal være en YAML-liste")
    records = []
    for item, item_node in zip(data, node.value, strict=True):
        key_lines = _yaml_node_lines(item_node, 1)
        record = _record(kind_key, item, key_lines, 1 + item_node.start_mark.line, path)
        if NYNORSK_KEY in item:
            nested = _nested_node(item_node, NYNORSK_KEY)
            _nynorsk(
                record,
                item[NYNORSK_KEY],
                _yaml_node_lines(nested, 1) if nested else {},
                key_lines.get(NYNORSK_KEY, record.line),
                path,
            )
        records.append(record)
    return records


def _nested_node(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if name.value == key), None)


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


def _split_front_matter(text: str, path: Path) -> tuple[str, str]:
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise ContentError(path, 1, "filen må starte med front matter mellom to linjer med ---")
    end = text.find("\n---", 3)
    if end == -1 or text[end + 4 : end + 5] not in ("\n", ""):
        raise ContentError(path, 1, "front matter mangler avsluttende linje med ---")
    return text[4 : end + 1], text[end + 5 :]


def _record(
    kind_key: str,
    data: Any,
    key_lines: dict[str, int],
    line: int,
    path: Path,
    body: str | None = None,
) -> Record:
    kind = KINDS[kind_key]
    if not isinstance(data, dict):
        raise ContentError(path, line, "forventet nøkler og verdier (en YAML-mapping)")

    def fail(key: str, message: str):
        raise ContentError(path, key_lines.get(key, line), message)

    unknown = sorted(set(data) - kind.keys)
    if unknown:
        fail(unknown[0], f"ukjent nøkkel «{unknown[0]}»")

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
        values[kind.body_attr] = parse_text(body if body is not None else data.get(kind.body_attr))
        if not values[kind.body_attr]:
            fail(kind.body_attr, f"mangler {kind.body_attr}")

    relations = {}
    for relation in kind.relations:
        try:
            relations[relation.key] = parse_slug_list(data.get(relation.key))
        except ValueError as error:
            fail(relation.key, f"«{relation.key}» {error}")
        if len(relations[relation.key]) < relation.minimum:
            fail(relation.key, f"«{relation.key}» må ha minst {relation.minimum}")

    questions = []
    if kind.has_questions:
        try:
            questions = parse_questions(data.get("questions"))
        except ValueError as error:
            fail("questions", str(error))

    try:
        kind.check(slug, values)
    except Invalid as error:
        fail(error.key, str(error))

    return Record(
        kind_key, slug, values, relations, questions, path, key_lines.get("slug", line), key_lines
    )


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
    for kind_key, items in records.items():
        kind = KINDS[kind_key]
        for key in kind.unique:
            counts = Counter(record.values[key] for record in items)
            for record in items:
                if counts[record.values[key]] > 1:
                    raise ContentError(
                        record.path,
                        record.key_lines.get(key, record.line),
                        f"to {kind.name} har {key} {record.values[key]}",
                    )
        for group, key in kind.unique_within:
            first_with: dict[tuple, Record] = {}
            for record in items:
                value = (record.values[group], record.values[key])
                if value in first_with:
                    first = first_with[value]
                    raise ContentError(
                        record.path,
                        record.key_lines.get(key, record.line),
                        duplicate_within(
                            kind, group, key, value, f"{first.path}:{first.key_lines[key]}"
                        ),
                    )
                first_with[value] = record


def duplicate_within(kind, group: str, key: str, value: tuple, where: str) -> str:
    """Two objects of a kind with the same key in one group (chapters' order in a part): the
    message names where the other one is."""
    return (
        f"{key} {value[1]} er allerede brukt i {group} «{value[0]}» av et annet {kind.name}: "
        f"{where}; {key} må være unik innenfor en {group}"
    )


def _check_references(records: dict[str, list[Record]], found_elsewhere: FoundElsewhere) -> None:
    known = {key: {r.slug for r in items} for key, items in records.items()}
    # Ask elsewhere once per kind, for everything the folder leaves out.
    wanted: dict[str, set[str]] = defaultdict(set)
    for kind_key, items in records.items():
        for relation in KINDS[kind_key].relations:
            for record in items:
                wanted[relation.kind] |= set(record.relations[relation.key])
    for target_key, slugs in wanted.items():
        missing = slugs - known.get(target_key, set())
        if missing:
            known.setdefault(target_key, set()).update(found_elsewhere(target_key, missing))

    for kind_key, items in records.items():
        for relation in KINDS[kind_key].relations:
            target = KINDS[relation.kind]
            for record in items:
                missing = set(record.relations[relation.key]) - known.get(relation.kind, set())
                if missing:
                    raise ContentError(
                        record.path,
                        record.key_lines.get(relation.key, record.line),
                        f"ukjent {target.name} «{sorted(missing)[0]}» i «{relation.key}»",
                    )
