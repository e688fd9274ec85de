"""Import a content folder into the database.

All or nothing: every file is read and checked before anything is written, and the writes happen
in one transaction. Each object keeps a fingerprint of what the importer last wrote; if the object
in the database no longer matches it, someone edited it in the admin, and the import keeps that
edit unless told to overwrite. The page cache, search and PDFs follow through the publishing
signals, once for the whole transaction and not at all for a dry run.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, models, transaction
from django.db.models import Count, ProtectedError, UniqueConstraint

from portal.content import drafts
from portal.content.reader import Record, duplicate_within, read_content
from portal.content.schema import KINDS, ContentError
from portal.content.snapshot import fingerprint, snapshot_of
from portal.models import Consultation, ConsultationQuestion
from portal.publishing.services import stamp_first_publication

CREATED, UPDATED, UNCHANGED, KEPT, DELETED, DRAFTED = (
    "opprettet",
    "oppdatert",
    "uendret",
    "beholdt",
    "slettet",
    "utkast laget",
)


@dataclass
class ImportReport:
    dry_run: bool = False
    as_draft: bool = False
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
        outcomes = (CREATED, UPDATED, UNCHANGED, KEPT, DELETED, DRAFTED)
        parts = [f"{counts[o]} {o}" for o in outcomes if counts[o] or o != DRAFTED]
        if self.dry_run:
            how = " (prøvekjøring: ingenting er lagret)"
        elif self.as_draft:
            how = " (som utkast: en publisist publiserer dem i admin)"
        else:
            how = " (publisert direkte: content/ er gjennomgått i git)"
        return ", ".join(parts) + how


def slugs_in_database(kind_key: str, slugs: set[str]) -> set[str]:
    """A partial folder may refer to objects it leaves out, that an earlier import wrote."""
    model = KINDS[kind_key].model
    return set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))


def import_content(
    root: Path,
    *,
    dry_run: bool = False,
    overwrite: bool = False,
    prune: bool = False,
    as_draft: bool = False,
) -> ImportReport:
    """Publishes what it writes (content/ is reviewed in git); with `as_draft`, each change
    becomes a pending edition instead (portal/editions), for a publisher to publish."""
    records = read_content(root, found_elsewhere=slugs_in_database)
    report = ImportReport(dry_run=dry_run, as_draft=as_draft)
    with transaction.atomic():
        # Files may swap two chapters' places: the order is checked once everything is written.
        _set_deferrable_constraints("DEFERRED")
        for kind_key in KINDS:
            items = records.get(kind_key, [])
            if as_draft:
                drafts.import_kind_as_drafts(kind_key, items, report, overwrite=overwrite)
                continue
            _import_kind(kind_key, items, report, overwrite=overwrite)
            if prune:
                _prune_kind(kind_key, items, report, root)
        _check_unique_within_database(records, root)
        _set_deferrable_constraints("IMMEDIATE")
        if dry_run:
            transaction.set_rollback(True)
    return report


def _set_deferrable_constraints(mode: str) -> None:
    """Our deferrable unique constraints (chapters' order per part) to DEFERRED, or back to
    IMMEDIATE, which checks what was written since. Foreign keys are left as they are."""
    names = [
        connection.ops.quote_name(constraint.name)
        for kind in KINDS.values()
        for constraint in kind.model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.deferrable
    ]
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(names)} {mode}")


def _check_unique_within_database(records: dict[str, list[Record]], root: Path) -> None:
    """What the reader checks in the folder, checked against the database as written: a partial
    folder, or an object kept as edited in the admin, may clash with what the files say."""
    for kind_key, kind in KINDS.items():
        for group, key in kind.unique_within:
            clashes = (
                kind.model.objects.values(group, key)
                .annotate(count=Count("pk"))
                .filter(count__gt=1)
                .order_by(group, key)
            )
            for clash in clashes:
                value = (clash[group], clash[key])
                clashing = set(
                    kind.model.objects.filter(**{group: value[0], key: value[1]}).values_list(
                        "slug", flat=True
                    )
                )
                record = next(
                    (
                        r
                        for r in records.get(kind_key, [])
                        if (r.values[group], r.values[key]) == value and r.slug in clashing
                    ),
                    None,
                )
                if record is None:  # a clash the files did not write: name the folder
                    raise ContentError(
                        root,
                        0,
                        duplicate_within(kind, group, key, value, ", ".join(sorted(clashing))),
                    )
                others = ", ".join(f"«{slug}»" for slug in sorted(clashing - {record.slug}))
                raise ContentError(
                    record.path,
                    record.key_lines.get(key, record.line),
                    duplicate_within(kind, group, key, value, f"{others} i databasen"),
                )


def _import_kind(kind_key: str, items: list[Record], report: ImportReport, *, overwrite: bool):
    model = KINDS[kind_key].model
    existing = {obj.slug: obj for obj in model.objects.filter(slug__in=[r.slug for r in items])}
    for record in items:
        obj = existing.get(record.slug)
        if obj is None:
            _write(kind_key, record, None)
            report.add(kind_key, record.slug, CREATED)
            continue
        current = fingerprint(snapshot_of(kind_key, obj))
        if current == record.fingerprint:
            if obj.import_fingerprint != current:
                model.objects.filter(pk=obj.pk).update(import_fingerprint=current)
            report.add(kind_key, record.slug, UNCHANGED)
        elif current != obj.import_fingerprint and not overwrite:
            report.add(kind_key, record.slug, KEPT)
        else:
            _write(kind_key, record, obj)
            report.add(kind_key, record.slug, UPDATED)


def _prune_kind(kind_key: str, items: list[Record], report: ImportReport, root: Path) -> None:
    kind = KINDS[kind_key]
    stale = kind.model.objects.exclude(slug__in=[r.slug for r in items])
    stale_slugs = list(stale.values_list("slug", flat=True))
    for slug in stale_slugs:
        report.add(kind_key, slug, DELETED)
    try:
        stale.delete()
    except ProtectedError:
        # A consultation with input: official correspondence is never pruned.
        raise ContentError(
            root / (kind.folder or kind.list_file),
            1,
            f"kan ikke slette {', '.join(sorted(stale_slugs))}: det finnes innspill som "
            "hører til, og innspill slettes aldri av importen",
        ) from None


def _write(kind_key: str, record: Record, obj: models.Model | None) -> models.Model:
    kind = KINDS[kind_key]
    if obj is None:
        obj = kind.model(slug=record.slug)
    else:
        obj.version += 1  # a pending edition made from the old text is now out of date
    fill(kind, record, obj)
    if kind.has_status:
        stamp_first_publication(obj)
    obj.save()
    for relation in kind.relations:
        targets = KINDS[relation.kind].model.objects.filter(slug__in=record.relations[relation.key])
        getattr(obj, relation.key).set(targets)
    if kind.has_questions:
        _write_questions(obj, record)
    kind.model.objects.filter(pk=obj.pk).update(import_fingerprint=record.fingerprint)
    return obj


def fill(kind, record: Record, obj: models.Model) -> None:
    translated = kind.translated
    for attr, value in record.values.items():
        if attr in translated:  # each form into its own column, whatever language is active
            setattr(obj, f"{attr}_nb", value)
            setattr(obj, f"{attr}_nn", record.nynorsk.get(attr, ""))
        else:
            setattr(obj, attr, value)


def _write_questions(consultation: Consultation, record: Record) -> None:
    # In place, by position: answers already given point at their question and must keep it.
    nynorsk = record.nynorsk_questions or [{"text": "", "help": ""}] * len(record.questions)
    for index, (q, nn) in enumerate(zip(record.questions, nynorsk, strict=True), start=1):
        ConsultationQuestion.objects.update_or_create(
            consultation=consultation,
            order=index,
            defaults={
                "text_nb": q["text"],
                "help_text_nb": q["help"],
                "text_nn": nn["text"],
                "help_text_nn": nn["help"],
                "required": q["required"],
            },
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
