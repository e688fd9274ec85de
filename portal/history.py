"""The history of a content object as staff read it: each version with its date, who made it,
its state, the change reason, and what changed from the version before, field by field.

simple-history stores the versions (portal/translation.py registers them); this module only
presents them, for the admin's history list and version page (portal/admin/history.py) and for
anything else that shows a version, such as an edition's review. Dates are Europe/Oslo in words
("3. februar 2027 kl. 14.05"); choices by their label ("Utkast", "Publisert"); relations by the
names of what is linked; Markdown fields as a word-level diff of the rendered text
(portal.diff), short fields as a word-level diff of the text; empty values never as "None".

`revert_reason(record)` is the change reason of a version that restores `record`: the admin's
revert sets it, and so may whatever else restores a version.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import models
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from markdownx.models import MarkdownxField
from simple_history.utils import get_m2m_reverse_field_name

from portal.diff import field_diff, list_diff, word_diff
from portal.markdown import render_markdown
from portal.translation import TRANSLATED_FIELDS

# A save and the relation changes the admin writes right after it are stored as separate
# versions by simple-history (one per relation changed); within this many seconds, by the same
# person, for the same reason, they are shown as the one change they were.
FOLD_WITHIN = timedelta(seconds=5)

WRITTEN_FORMS = {"nb": gettext_lazy("bokmål"), "nn": gettext_lazy("nynorsk")}

# The same in bokmål and nynorsk; the month's name comes from the active language.
DATETIME_FORMAT = r"j. F Y \k\l. H.i"
DATE_FORMAT = "j. F Y"


@dataclass(frozen=True)
class FieldChange:
    label: str
    diff: SafeString
    block: bool  # a whole document (Markdown), shown below its label rather than beside it


@dataclass
class Entry:
    record: models.Model  # the newest historical record of this version
    date: str
    action: str
    user: str
    reason: str
    status: str
    changes: list[FieldChange] = field(default_factory=list)


def format_datetime(value: datetime | None) -> str:
    """ "3. februar 2027 kl. 14.05", in Europe/Oslo; month names in the active language."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DATETIME_FORMAT)


def format_date(value: date | None) -> str:
    return dateformat.format(value, DATE_FORMAT) if value else ""


def revert_reason(historical_record) -> str:
    """The change reason of a version that restores `historical_record`."""
    return _("Gjenopprettet versjon fra %(date)s") % {
        "date": format_datetime(historical_record.history_date)
    }


def user_label(user) -> str:
    if user is None:
        return _("Ikke registrert (import eller system)")
    return user.get_full_name() or user.get_username()


def action_label(record) -> str:
    return {"+": _("Opprettet"), "~": _("Endret"), "-": _("Slettet")}.get(record.history_type, "")


def status_label(record) -> str:
    display = getattr(record, "get_status_display", None)
    return str(display()) if display else ""


def field_label(model: type[models.Model], name: str) -> str:
    """A field's label; a translated field says which written form it is."""
    base, _sep, form = name.rpartition("_")
    if form in WRITTEN_FORMS and base in TRANSLATED_FIELDS.get(model, ()):
        verbose = model._meta.get_field(base).verbose_name
        return f"{capfirst(verbose)} ({WRITTEN_FORMS[form]})"
    return str(capfirst(model._meta.get_field(name).verbose_name))


def value_text(model_field, value) -> str:
    """A single value as words: choices by label, dates formatted, yes/no, empty as nothing."""
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _related_names(model_field, rows) -> list[str]:
    """The names of the linked objects of a relation, in name order."""
    reverse_name = get_m2m_reverse_field_name(model_field)
    return sorted(str(row[reverse_name]) for row in rows if row.get(reverse_name))


def _change(model: type[models.Model], history_model, change) -> FieldChange | None:
    name, old, new = change.field, change.old, change.new
    original = model._meta.get_field(name)
    label = field_label(model, name)
    if isinstance(original, models.ManyToManyField):
        old_names, new_names = _related_names(original, old), _related_names(original, new)
        return FieldChange(label, list_diff(old_names, new_names), False)
    if (old or "") == (new or ""):
        return None  # None and "" are the same empty text (a nynorsk field never filled)
    if isinstance(original, MarkdownxField):
        diff = word_diff(render_markdown(old), render_markdown(new))
        return FieldChange(label, diff, True)
    stored = history_model._meta.get_field(name)
    if isinstance(stored, models.ForeignKey):
        return FieldChange(label, field_diff(_object_text(old), _object_text(new)), False)
    if isinstance(stored, (models.CharField, models.TextField)) and not stored.choices:
        return FieldChange(label, field_diff(old, new), False)
    return FieldChange(label, field_diff(value_text(stored, old), value_text(stored, new)), False)


def _object_text(value) -> str:
    return "" if value is None else str(value)


def _order(model: type[models.Model]) -> dict[str, int]:
    """Fields in the order the form shows them, each bokmål field before its nynorsk one."""
    fields = [*model._meta.fields, *model._meta.many_to_many]
    return {f.name: (f.creation_counter, f.name) for f in fields}


def changes(model: type[models.Model], new, old) -> list[FieldChange]:
    """What changed from historical record `old` to `new`, field by field."""
    if old is None:
        return []
    delta = new.diff_against(old, foreign_keys_are_objs=True)
    order = _order(model)
    found = []
    # modeltranslation keeps the untranslated column beside the _nb and _nn ones: it repeats one
    # of them, so only the two forms are shown.
    repeated = set(TRANSLATED_FIELDS.get(model, ()))
    for change in sorted(delta.changes, key=lambda c: order.get(c.field, (0, c.field))):
        if change.field in repeated:
            continue
        described = _change(model, type(new), change)
        if described is not None:
            found.append(described)
    return found


def _folds_into(newer, older) -> bool:
    """Is `newer` the relation changes written right after `older` by the same save?"""
    relations = {f.name for f in older._history_m2m_fields}
    return (
        bool(relations)
        and newer.history_type == "~"
        and newer.history_user_id == older.history_user_id
        and (newer.history_change_reason or "") == (older.history_change_reason or "")
        and newer.history_date - older.history_date <= FOLD_WITHIN
        and _only_relations_changed(newer, older, relations)
    )


def _only_relations_changed(newer, older, relations: set[str]) -> bool:
    changed = set(newer.diff_against(older).changed_fields)
    return bool(changed) and changed <= relations


def entry(model: type[models.Model], record, previous) -> Entry:
    return Entry(
        record=record,
        date=format_datetime(record.history_date),
        action=action_label(record),
        user=user_label(record.history_user),
        reason=record.history_change_reason or "",
        status=status_label(record),
        changes=changes(model, record, previous),
    )


def entries(model: type[models.Model], records) -> list[Entry]:
    """One entry per version, newest first, from historical records newest first (a page of
    them); the record before the oldest one is looked up to show what it changed."""
    records = list(records)
    groups: list[list] = []  # each group: newest record first
    for record in records:
        if groups and _folds_into(groups[-1][-1], record):
            groups[-1].append(record)
        else:
            groups.append([record])
    result = []
    for index, group in enumerate(groups):
        oldest = group[-1]
        previous = groups[index + 1][0] if index + 1 < len(groups) else oldest.prev_record
        shown = entry(model, group[0], previous)
        if oldest.history_type == "+":
            shown.action = action_label(oldest)
            shown.changes = []
        result.append(shown)
    return result


def version_entry(model: type[models.Model], record) -> Entry:
    """A single version, against the one stored before it."""
    return entry(model, record, record.prev_record)
