"""PDF builds in the background, on the slow `pdf` queue.

A build is named by the document (kind, slug, written form and paper size) and the content
version it was asked for. It
builds the file for the version current when it runs, so a build that waited in the queue while
the content changed again builds the newest content, and the builds queued behind it find their
file made. Asking for a build that is already queued, or already running for the same version,
enqueues nothing: five readers hitting a missing PDF make one build, not five.
"""

import datetime as dt
import zlib

from django.conf import settings
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal import pdf
from portal.publishing.version import content_version
from portal.tasks.retry import retrying_task

QUEUE = "pdf"


@retrying_task(queue_name=QUEUE)
def build_pdf(kind: str, slug: str, version: str, language: str = "nb", paper: str = "a4") -> str:
    document = pdf.document(kind, slug, language, paper)
    if document is None:
        return "ikke publisert"  # unpublished since it was asked for
    return pdf.build(document).name


def request_build(document: pdf.Document, version: str | None = None) -> bool:
    """Enqueue a build of `document` unless one is pending. True when this call enqueued it."""
    version = content_version() if version is None else version
    with transaction.atomic():
        # One asker at a time per document, on every app server: check, then enqueue.
        lock = zlib.crc32(f"pdf-build:{document.kind}:{document.slug}:{document.stem}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        if _pending(document, version).exists():
            return False
        build_pdf.enqueue(document.kind, document.slug, version, document.language, document.paper)
    return True


def schedule_pdf_build() -> int:
    """Enqueue the builds of every published PDF for the current content version (after each
    committed content change). Returns how many were enqueued."""
    version = content_version()
    return sum(request_build(document, version) for document in pdf.published_documents())


def _pending(document: pdf.Document, version: str):
    builds = DBTaskResult.objects.filter(
        task_path=build_pdf.module_path,
        args_kwargs__args__0=document.kind,
        args_kwargs__args__1=document.slug,
        args_kwargs__args__3=document.language,
        args_kwargs__args__4=document.paper,
    )
    # A queued build reads the version when it starts, so it serves any version; a running one
    # only the version it started with, and only if its worker may still be at it (a worker
    # killed mid-task leaves its row RUNNING for good).
    busy_since = timezone.now() - dt.timedelta(seconds=settings.TASKS_BUSY_TIMEOUT)
    return builds.filter(status=TaskResultStatus.READY) | builds.filter(
        status=TaskResultStatus.RUNNING, args_kwargs__args__2=version, started_at__gte=busy_since
    )
