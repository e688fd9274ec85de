"""The county's report as PDF: the chart, the table, each factor's level and justification,
and the next actions; built in the background on the `pdf` queue, never in a request.

A report is named by what it shows: the assessment, the written form, and the revision of
every assessment of the county its chart draws (a change to any of them makes a new file),
plus the PDF layout. The files are the county's own: kept in WORKSPACE_REPORT_DIR, outside
MEDIA_ROOT and the static files, and served only through `response`, after the same check
as the page, with `Cache-Control: private, no-store`.
"""

import hashlib
import os
import zlib
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.http import FileResponse
from django.shortcuts import render
from django.tasks import TaskResultStatus
from django.utils.translation import get_language
from django_tasks_db.models import DBTaskResult

from portal import pdf
from portal.models import Assessment
from portal.workspace import assessments, export

RETRY_AFTER = 15  # seconds: a report builds in a few


def _chart_years(assessment: Assessment):
    """The years the chart draws. The report is read by whoever may read `assessment`; for
    ministry staff that is only a shared, finished one, so the years before it are drawn only
    where finished too."""
    rows = Assessment.objects.filter(workspace=assessment.workspace_id, year__lte=assessment.year)
    if assessment.is_finished:
        rows = rows.filter(status=Assessment.Status.FINISHED)
    return rows.order_by("-year")[: assessments.CHART_YEARS]


def file_key(assessment: Assessment, language: str) -> str:
    revisions = list(_chart_years(assessment).values_list("pk", "revision"))
    text = f"{assessment.pk}:{language}:{revisions}:{pdf._layout_digest()}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _folder() -> Path:
    folder = Path(settings.WORKSPACE_REPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def path_for(assessment: Assessment, language: str) -> Path:
    return (
        _folder()
        / f"{assessment.workspace.key}-{assessment.year}-{file_key(assessment, language)}.pdf"
    )


def document(assessment: Assessment, language: str) -> pdf.Document:
    def context():
        names = assessments.step_names()
        views = assessments.views_of(_chart_years(assessment), names)
        return {
            "assessment": assessment,
            "view": views[0],
            "years": views,
            "chart": export.chart(views, names, assessment.workspace),
        }

    return pdf.Document(
        export.file_name(assessment), "pdf/workspace_report.html", context, language=language
    )


def build(assessment: Assessment, language: str) -> Path:
    path = path_for(assessment, language)
    if path.exists():
        return path
    data = pdf.render_pdf(document(assessment, language))
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    prefix = f"{assessment.workspace.key}-{assessment.year}-"
    for old in path.parent.glob(f"{prefix}*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def request_build(assessment: Assessment, language: str) -> bool:
    """Enqueue a build unless one for this assessment and language waits already."""
    from portal.workspace.tasks import build_report

    with transaction.atomic():
        lock = zlib.crc32(f"workspace-report:{assessment.pk}:{language}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        waiting = DBTaskResult.objects.filter(
            task_path=build_report.module_path,
            status=TaskResultStatus.READY,
            args_kwargs__args__0=assessment.pk,
            args_kwargs__args__1=language,
        )
        if waiting.exists():
            return False
        build_report.enqueue(assessment.pk, language)
    return True


def response(request, assessment: Assessment):
    """The current file, or a page that says it is being made (503, Retry-After)."""
    language = get_language()
    path = path_for(assessment, language)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        request_build(assessment, language)
        page = render(
            request,
            "portal/workspace/report_building.html",
            {"assessment": assessment, "workspace": assessment.workspace},
            status=503,
        )
        page["Retry-After"] = str(RETRY_AFTER)
        page._has_been_logged = True
        return page
    reply = FileResponse(
        handle, content_type="application/pdf", filename=f"{export.file_name(assessment)}.pdf"
    )
    reply["Cache-Control"] = "private, no-store"
    return reply
