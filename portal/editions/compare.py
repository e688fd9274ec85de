"""Live version against edition, field by field, for the admin's compare page.

Markdown fields are compared as the reader sees them (rendered) with portal.diff.word_diff, the
other fields with portal.diff.field_diff; both versions are shown side by side as well.
"""

from dataclasses import dataclass

from django.template.defaultfilters import linebreaks_filter
from django.utils.safestring import SafeString
from markdownx.models import MarkdownxField

from portal import diff
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
    rows = []
    for change in differences(model, before, edition.data):
        is_markdown = change.label in markdown
        old, new = _html(change, is_markdown)
        marked = (
            diff.word_diff(old, new)
            if is_markdown
            else diff.field_diff(change.before, change.after)
        )
        rows.append(Compared(change.label, old, new, marked))
    return rows


def _html(change: Change, is_markdown: bool) -> tuple[SafeString, SafeString]:
    if is_markdown:
        return render_markdown(change.before), render_markdown(change.after)
    return linebreaks_filter(change.before), linebreaks_filter(change.after)
