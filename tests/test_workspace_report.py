"""The county's report as PDF: built by the `pdf` worker, never in the request; one build
however often it is asked for; served only to those who may read the assessment, private and
never stored by a cache; a new file after any change; in the written form it was asked in."""

import io

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from portal.workspace import assessments, editing
from portal.workspace.factors import factors_for_step
from portal.workspace.login import BACKEND
from tests.workspace_helpers import score_everything

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setting(settings, tmp_path):
    settings.WORKSPACE_REPORT_DIR = tmp_path / "reports"
    with time_machine.travel("2027-03-01 12:00 +0100", tick=True):
        yield


def text_of(response) -> str:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_report_is_built_by_the_worker_and_served_privately(
    client, imported, agder, assessment, member, run_tasks, settings
):
    score_everything(member, assessment, text="Regional analyse fra 2026 og samlinger.")
    values = {
        f.key: {"score": 3, "justification": "Regional analyse fra 2026 og samlinger.",
                "document_url": ""}
        for f in factors_for_step("analyse")
    }  # fmt: skip
    actions = [{"what": "Invitere næringslivet til ny samling", "who": "Kari", "due": None}]
    editing.save_step(member, assessment, "analyse", values, actions, base_version=1)
    client.force_login(member, backend=BACKEND)
    url = f"/arbeidsrom/{agder.key}/2027/rapport.pdf"
    for _ in range(3):
        waiting = client.get(url)
        assert waiting.status_code == 503 and waiting["Retry-After"]
        assert "Rapporten lages nå" in waiting.text
    assert DBTaskResult.objects.filter(task_path__endswith="build_report").count() == 1
    run_tasks("pdf")  # the guide's own PDFs, queued by the import, are built too
    assert DBTaskResult.objects.filter(task_path__endswith="build_report").count() == 1
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    text = text_of(response)
    assert "Egenvurdering 2027 for Agder" in text
    assert "Invitere næringslivet til ny samling" in text
    assert "Regional analyse fra 2026" in text
    files = list(settings.WORKSPACE_REPORT_DIR.iterdir())
    assert len(files) == 1 and not files[0].is_relative_to(settings.MEDIA_ROOT)
    # A change makes the old file stale: built anew, and only the new one kept.
    assessments.finish(member, assessment)
    assert client.get(url).status_code == 503
    run_tasks("pdf")
    assert client.get(url).status_code == 200
    assert len(list(settings.WORKSPACE_REPORT_DIR.iterdir())) == 1


def test_the_nynorsk_address_gives_a_nynorsk_report(
    client, imported, agder, assessment, member, run_tasks
):
    score_everything(member, assessment)
    client.force_login(member, backend=BACKEND)
    url = f"/nn/arbeidsrom/{agder.key}/2027/rapport.pdf"
    assert "Rapporten blir laga no" in client.get(url).text
    run_tasks("pdf")
    assert "Eigenvurdering 2027 for Agder" in text_of(client.get(url))
