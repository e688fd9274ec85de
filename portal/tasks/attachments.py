"""Making attached letters safe, on the slow `pdf` queue (portal/feedback/attachments.py)."""

from portal.tasks.retry import retrying_task


@retrying_task(queue_name="pdf")
def check_attachment(attachment_id: int) -> str:
    from portal.feedback import attachments  # it enqueues this task, so it is imported late

    return attachments.make_safe(attachment_id)
