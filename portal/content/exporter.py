"""Write the database back to a content folder, in the format the reader reads, so that an edit
made in the admin can be reviewed in git. Importing an export changes nothing."""

from pathlib import Path
from typing import Any

import yaml
from django.db import models

from portal.content.schema import KINDS, dump_questions
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
                data, body = _entry(kind_key, obj)
                path = folder / kind.file_name(obj)
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


def _entry(kind_key: str, obj: models.Model) -> tuple[dict[str, Any], str]:
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
    return data, body


def _dump(data: Any) -> str:
    # No folding: one value per line keeps the git diff of an admin edit small.
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=float("inf"))
