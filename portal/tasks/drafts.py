"""Deleting drafts of input when their round's deadline has passed, on the `default` queue.

Each new draft schedules this for its round's deadline; `purge_feedback` does the same for every
round, for a site whose worker was down at the time."""

from django.utils import timezone

from portal.models import Consultation, FeedbackDraft
from portal.tasks.retry import retrying_task


@retrying_task(queue_name="default")
def delete_expired_drafts(consultation_id: int) -> str:
    from portal.feedback import drafts  # it enqueues this task, so it is imported late

    now = timezone.now()
    deleted = drafts.purge_drafts(moment=now, consultation_id=consultation_id)
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if (
        consultation is not None
        and consultation.closes_at > now
        and FeedbackDraft.objects.filter(consultation_id=consultation_id).exists()
    ):
        # The deadline was moved later after this was scheduled: come back then.
        delete_expired_drafts.using(run_after=consultation.closes_at).enqueue(consultation_id)
        return f"{deleted} slettet, fristen er flyttet"
    return f"{deleted} slettet"
