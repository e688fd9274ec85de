"""Background tasks: django.tasks on django-tasks-db's PostgreSQL queue, with our retry and
worker heartbeat. Two queues, each with its own worker process (`manage.py run_worker`):
`default` for punctual work (e-mail), `pdf` for slow work (PDF builds, checks of attached letters).

retry.py: the bounded retry with back-off; heartbeat.py: which queues have a live worker;
worker.py: the worker loop; pdf.py and mail.py: the tasks.
"""

from portal.tasks.attachments import check_attachment
from portal.tasks.drafts import delete_expired_drafts
from portal.tasks.heartbeat import queues_without_worker
from portal.tasks.mail import mail_receipt
from portal.tasks.pdf import build_pdf, request_build, schedule_pdf_build

TASK_LABELS = {
    "build_pdf": "Lage PDF",
    "check_attachment": "Kontrollere vedlegg til innspill",
    "mail_receipt": "Sende kvittering for innspill",
    "delete_expired_drafts": "Slette utkast etter fristen",
    "publish_scheduled": "Publisere planlagt utgave",
    "unpublish_scheduled": "Avpublisere planlagt",
    "notify_publishers": "Varsle publisister",
    "mail_login_link": "Sende innloggingslenke til arbeidsrommet",
    "mail_invitation": "Sende invitasjon til arbeidsrommet",
    "build_report": "Lage fylkets rapport (PDF)",
}

__all__ = [
    "TASK_LABELS",
    "build_pdf",
    "check_attachment",
    "delete_expired_drafts",
    "mail_receipt",
    "queues_without_worker",
    "request_build",
    "schedule_pdf_build",
]
