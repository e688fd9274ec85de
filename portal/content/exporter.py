"""Write the database back to a content folder, in the format the reader reads, so that an edit
made in the admin can be reviewed in git. Importing an export changes nothing."""

from pathlib import Path
from typing import Any

import yaml
from django.db import models

from portal.content.schema import KINDS, NYNORSK_KEY, dump_questions, nynorsk_file_name
from portal.content.snapshot import snapshot_of
from portal.models import Status


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
                data, body, nynorsk = _entry(kind_key, obj)
                path = folder / kind.file_name(obj)
                written.append(_write_markdown(path, data, body))
                if nynorsk is not None:  # only where nynorsk text exists
                    nynorsk_body = nynorsk.pop(kind.body_attr, "")
                    nynorsk_path = folder / nynorsk_file_name(path.name)
                    written.append(_write_markdown(nynorsk_path, nynorsk, nynorsk_body))
        else:
            entries = []
            for obj in objects:
                data, body, nynorsk = _entry(kind_key, obj)
                if kind.body_attr:
                    data[kind.body_attr] = body
                if nynorsk is not None:
                    data[NYNORSK_KEY] = nynorsk
                entries.append(data)
            path = root / kind.list_file
            root.mkdir(parents=True, exist_ok=True)
            path.write_text(_dump(entries), encoding="utf-8")
            written.append(path)
    return written


def _write_markdown(path: Path, data: dict[str, Any], body: str) -> Path:
    front = _dump(data) if data else ""
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return path


def _entry(kind_key: str, obj: models.Model) -> tuple[dict[str, Any], str, dict[str, Any] | None]:
    kind = KINDS[kind_key]
    snap = snapshot_of(kind_key, obj)
    data: dict[str, Any] = {"slug": obj.slug}
    for spec in kind.fields:
        value = spec.dump(snap["values"][spec.key])
        if value is not None:
            data[spec.key] = value
    for relation in kind.relations:
        if snap["relations"][relation.key]:
            data[relation.key] = snap["relations"][relation.key]
    if kind.has_questions:
        data["questions"] = dump_questions(snap["questions"])
    if kind.has_status and snap["values"]["status"] != Status.PUBLISHED:
        data["status"] = snap["values"]["status"]
    body = snap["values"].get(kind.body_attr, "") if kind.body_attr else ""
    return data, body, _nynorsk_entry(kind_key, snap)


def _nynorsk_entry(kind_key: str, snap: dict[str, Any]) -> dict[str, Any] | None:
    """The nynorsk keys of an object in file order (the body too), or None when it has none."""
    if "nn" not in snap:
        return None
    kind = KINDS[kind_key]
    values = snap["nn"]["values"]
    data: dict[str, Any] = {}
    for spec in kind.nynorsk_fields:
        value = spec.dump(values.get(spec.key, ""))
        if value is not None:
            data[spec.key] = value
    if "questions" in snap["nn"]:
        data["questions"] = dump_questions(snap["nn"]["questions"])
    if kind.body_attr in values:
        data[kind.body_attr] = values[kind.body_attr]
    return data


def _dump(data: Any) -> str:
    # No folding: one value per line keeps the git diff of an admin edit small.
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=float("inf"))
