"""Writing an edition onto its live row, and the checks that guard the live row.

Only apply_edition (services.py) calls `write`, inside its transaction: the live row's fields,
its many-to-many links and a consultation's questions change together, and the model signals
tell portal.publishing once that the public content changed.
"""

from django.db.models import F

from portal.editions.errors import EditConflict, EditionRefused
from portal.editions.snapshot import (
    apply_fields,
    differences,
    has_questions,
    preview_object,
    question_instances,
    relation_fields,
    snapshot_of,
)
from portal.models import ConsultationQuestion, Status
from portal.publishing import checks
from portal.publishing.services import stamp_first_publication


def write(edition, *, reason: str | None):
    model = edition.model
    if edition.object_id is not None:
        live = model.objects.select_for_update().get(pk=edition.object_id)
        if live.version != edition.base_version:
            raise EditConflict(
                by=None,
                at=live.updated_at,
                changes=differences(model, snapshot_of(live), edition.data),
                version=live.version,
                revision=edition.revision,
            )
        live.version += 1
    else:
        live = model()
    apply_fields(live, edition.data)
    if hasattr(live, "status"):
        live.status = Status.PUBLISHED
        stamp_first_publication(live)
    check_questions(live, edition.data)
    live._change_reason = reason
    live.save()
    for field in relation_fields(model):
        getattr(live, field.name).set(edition.data.get("relations", {}).get(field.name, []))
    if has_questions(model):
        _write_questions(live, edition.data)
    return live


def _answered(consultation) -> dict[int, ConsultationQuestion]:
    if consultation.pk is None:
        return {}
    rows = consultation.questions.filter(answers__isnull=False).distinct()
    return {question.pk: question for question in rows}


def check_questions(consultation, data: dict) -> None:
    """A question that already has answers keeps its wording and stays (a new one may be
    added): the answers were given to that wording."""
    if not has_questions(type(consultation)):
        return
    answered = _answered(consultation)
    if not answered:
        return
    rows = {row.get("id"): row for row in data.get("questions", []) if row.get("id")}
    for pk, question in answered.items():
        row = rows.get(pk)
        if row is None:
            raise EditionRefused(
                f"Spørsmålet «{question.text_nb}» har fått svar og kan ikke fjernes."
            )
        if (row.get("text_nb") or "") != question.text_nb or (row.get("text_nn") or "") != (
            question.text_nn or ""
        ):
            raise EditionRefused(
                f"Spørsmålet «{question.text_nb}» har fått svar og kan ikke omformuleres. "
                "Legg heller til et nytt spørsmål."
            )


def _write_questions(consultation, data: dict) -> None:
    wanted = question_instances(consultation, data)
    keep = {question.pk for question in wanted if question.pk}
    consultation.questions.exclude(pk__in=keep).delete()
    # Out of the way first: the order is unique per round while rows swap places.
    consultation.questions.filter(pk__in=keep).update(order=F("order") + 10000)
    for index, question in enumerate(wanted, start=1):
        question.order = question.order or index
        if question.pk and not ConsultationQuestion.objects.filter(pk=question.pk).exists():
            question.pk = None
        question.save()


def require_publishable(edition) -> None:
    """The publication checks (images' alt text, internal links) on the edition as it will
    look: PublicationBlocked, with the list of what to fix."""
    checks.require_publishable(preview_object(edition))
