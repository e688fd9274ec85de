"""Live version against edition, field by field, for the admin's compare page.

Markdown fields are compared as the reader sees them (rendered); the word-level marking is
portal.diff.word_diff's when that module is there, else the two versions side by side.
"""

import importlib
import importlib.util
from dataclasses import dataclass

from django.template.defaultfilters import linebreaks_filter
from django.utils.safestring import SafeString
from markdownx.models import MarkdownxField

from portal.editions.snapshot import (
    Change,
    differences,
    editable_fields,
    snapshot_of,
)
from portal.markdown import render_markdown


@dataclass(frozen=True)
class Compared:
    label: str
    before: SafeString
    after: SafeString
    diff: SafeString | None


def word_diff():
    """portal.diff.word_diff(old_html, new_html) -> SafeString, when it is there."""
    if importlib.util.find_spec("portal.diff") is None:
        return None
    return getattr(importlib.import_module("portal.diff"), "word_diff", None)


def _markdown_labels(model) -> set[str]:
    from portal.editions.snapshot import _label

    return {
        _label(model, field.attname)
        for field in editable_fields(model)
        if isinstance(field, MarkdownxField)
    }


def compare(edition) -> list[Compared]:
    model = edition.model
    live = model.objects.filter(pk=edition.object_id).first() if edition.object_id else None
    before = snapshot_of(live) if live is not None else {}
    markdown = _markdown_labels(model)
    differ = word_diff()
    rows = []
    for change in differences(model, before, edition.data):
        old, new = _html(change, change.label in markdown)
        rows.append(Compared(change.label, old, new, differ(old, new) if differ else None))
    return rows


def _html(change: Change, is_markdown: bool) -> tuple[SafeString, SafeString]:
    if is_markdown:
        return render_markdown(change.before), render_markdown(change.after)
    return linebreaks_filter(change.before), linebreaks_filter(change.after)
