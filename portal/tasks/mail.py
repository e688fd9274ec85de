"""E-mail on the punctual `default` queue."""

from portal.models import Feedback
from portal.tasks.retry import retrying_task


class ReceiptNotSent(Exception):
    pass


@retrying_task(queue_name="default")
def mail_receipt(feedback_id: int) -> str:
    """E-mail the receipt for an input once: a second run after a success sends nothing."""
    from portal.feedback import services  # it enqueues this task, so it is imported late

    sent = Feedback.objects.filter(pk=feedback_id).values_list("receipt_sent_at", flat=True)
    if not sent:
        return "innspillet finnes ikke"
    if sent[0] is not None:
        return "allerede sendt"
    if not services.send_receipt(feedback_id):  # it logs why, by reference
        raise ReceiptNotSent(f"Kvitteringen for innspill id {feedback_id} ble ikke sendt.")
    return "sendt"
