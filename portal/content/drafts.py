"""`import_content --as-draft`: each changed object of content/ becomes a pending edition
(portal/editions) instead of changing the live row. An object that already has a pending
edition keeps it (reported as kept): an import never overwrites an editor's work."""

from portal.content.schema import KINDS
from portal.content.snapshot import fingerprint, snapshot_of
from portal.editions import services as editions
from portal.editions.snapshot import editable_fields, snapshot_from_values


def import_kind_as_drafts(kind_key: str, items, report, *, overwrite: bool) -> None:
    from portal.content.importer import DRAFTED, KEPT, UNCHANGED, fill

    kind = KINDS[kind_key]
    model = kind.model
    existing = {obj.slug: obj for obj in model.objects.filter(slug__in=[r.slug for r in items])}
    for record in items:
        live = existing.get(record.slug)
        if live is not None and fingerprint(snapshot_of(kind_key, live)) == record.fingerprint:
            report.add(kind_key, record.slug, UNCHANGED)
            continue
        if editions.pending_edition(live) is not None:
            report.add(kind_key, record.slug, KEPT)
            continue
        draft = model.objects.get(pk=live.pk) if live is not None else model(slug=record.slug)
        fill(kind, record, draft)
        values = {f.attname: getattr(draft, f.attname) for f in editable_fields(model)}
        relations = {
            relation.key: list(
                KINDS[relation.kind]
                .model.objects.filter(slug__in=record.relations[relation.key])
                .values_list("pk", flat=True)
            )
            for relation in kind.relations
        }
        questions = _questions(live, record) if kind.has_questions else None
        data = snapshot_from_values(model, values, relations, questions)
        editions.save_edition(None, model, data, live=live)
        report.add(kind_key, record.slug, DRAFTED)


def _questions(live, record) -> list[dict]:
    """By position, as the importer writes them: question n keeps the row of question n."""
    ids = {}
    if live is not None:
        ids = dict(live.questions.values_list("order", "pk"))
    nynorsk = record.nynorsk_questions or [{"text": "", "help": ""}] * len(record.questions)
    return [
        {
            "id": ids.get(index),
            "order": index,
            "text_nb": q["text"],
            "help_text_nb": q["help"],
            "text_nn": nn["text"],
            "help_text_nn": nn["help"],
            "required": q["required"],
        }
        for index, (q, nn) in enumerate(zip(record.questions, nynorsk, strict=True), start=1)
    ]
