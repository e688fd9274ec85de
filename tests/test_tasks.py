"""Background tasks: the retry with back-off, failed tasks in the admin, the worker heartbeat in
/health/ready, the e-mail receipt as a task. Timed work runs on the database backend with the
worker in batch mode in this process, and time moved (time_machine)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.feedback import services
from portal.models import Feedback, WorkerHeartbeat
from portal.tasks import heartbeat
from portal.tasks.retry import retrying_task
from tests.conftest import feedback_form_data

pytestmark = pytest.mark.django_db

CALLS = []


@retrying_task(queue_name="default")
def flaky(label: str) -> str:
    CALLS.append(label)
    raise ConnectionError(f"{label}: tjenesten svarer ikke")


@retrying_task(queue_name="default", attempts=1)
def peek() -> str:
    busy = WorkerHeartbeat.objects.get(worker_id="test-worker").busy_since is not None
    return "opptatt" if busy else "ledig"


@pytest.fixture(autouse=True)
def retry_settings(settings):
    settings.TASKS_RETRY_ATTEMPTS = 3
    settings.TASKS_RETRY_DELAY = 30
    CALLS.clear()


def results(status=None):
    rows = DBTaskResult.objects.order_by("enqueued_at")
    return list(rows.filter(status=status) if status else rows)


# --- Retry -----------------------------------------------------------------------------------


def test_a_failing_task_is_retried_with_back_off_and_then_given_up(run_tasks):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        flaky.enqueue("kvittering")
        assert run_tasks() == 1
        waiting = results(TaskResultStatus.READY)
        assert len(waiting) == 1 and waiting[0].run_after == start + dt.timedelta(seconds=30)
        assert run_tasks() == 0, "the retry waits for its time"

        clock.shift(dt.timedelta(seconds=31))
        assert run_tasks() == 1
        waiting = results(TaskResultStatus.READY)
        assert waiting[0].run_after == timezone.now() + dt.timedelta(seconds=60), "doubled"

        clock.shift(dt.timedelta(seconds=59))
        assert run_tasks() == 0
        clock.shift(dt.timedelta(seconds=2))
        assert run_tasks() == 1

        clock.shift(dt.timedelta(hours=1))
        assert run_tasks() == 0, "three attempts in all, then no more"
    assert CALLS == ["kvittering"] * 3
    failed = results(TaskResultStatus.FAILED)
    assert len(failed) == 3 and results(TaskResultStatus.READY) == []
    assert [r.args_kwargs["kwargs"].get("retry_attempt", 1) for r in failed] == [1, 2, 3]
    assert "tjenesten svarer ikke" in failed[-1].traceback


def test_the_immediate_backend_retries_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    flaky.enqueue("straks")
    assert CALLS == ["straks"] * 3


def test_failed_tasks_are_shown_to_staff_in_norwegian(run_tasks, admin_client, publisher, client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        flaky.enqueue("kvittering")
        for _ in range(3):
            run_tasks()
            clock.shift(dt.timedelta(minutes=5))
    page = admin_client.get("/admin/portal/failedtask/")
    assert page.status_code == 200
    html = page.text
    assert "Oppgaver som feilet" in html
    assert "1 av 3" in html and "3 av 3" in html
    assert html.count("Prøves igjen automatisk") == 2 and html.count("Gitt opp") == 1
    assert "ConnectionError" in html
    detail = admin_client.get(f"/admin/portal/failedtask/{results()[-1].pk}/change/")
    assert detail.status_code == 200 and "tjenesten svarer ikke" in detail.text
    assert "Lagre" not in detail.text, "read only"
    # Publishers see them too (the PDFs follow what they publish); nobody can delete them.
    client.force_login(publisher)
    assert client.get("/admin/portal/failedtask/").status_code == 200
    assert client.post(f"/admin/portal/failedtask/{results()[-1].pk}/delete/").status_code == 403


def test_django_tasks_db_english_admin_is_replaced(admin_client):
    assert admin_client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 404


# --- Heartbeat and /health/ready -------------------------------------------------------------


def test_ready_is_503_without_a_recent_worker_and_200_with_one(client, run_tasks):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "worker missing"
    assert response.json()["queues"] == ["default", "pdf"]
    assert "no task worker seen in the last 60 s" in response.json()["reason"]

    heartbeat.beat("e-post", ["default"])
    assert client.get("/health/ready").json()["queues"] == ["pdf"]
    heartbeat.beat("pdf", ["pdf"])
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert client.get("/health/ready").status_code == 503
        run_tasks("*")  # the worker beats as it starts
        assert client.get("/health/ready").status_code == 200


def test_a_worker_busy_with_a_long_task_is_still_alive(client):
    heartbeat.beat("pdf", ["pdf"], busy=True)
    heartbeat.beat("e-post", ["default"], busy=True)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        assert client.get("/health/ready").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert client.get("/health/ready").status_code == 503


def test_a_worker_marks_itself_busy_while_it_runs_a_task(run_tasks):
    peek.enqueue()
    run_tasks()
    assert results(TaskResultStatus.SUCCESSFUL)[0].return_value == "opptatt"
    assert WorkerHeartbeat.objects.get(worker_id="test-worker").busy_since is None


def test_ready_needs_no_worker_with_the_immediate_backend(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert client.get("/health/ready").status_code == 200


# --- The e-mail receipt ----------------------------------------------------------------------


def test_the_receipt_is_sent_by_the_worker_once(client, consultation, run_tasks):
    client.post(
        f"/innspill/{consultation.slug}/",
        feedback_form_data(consultation, email="kari@example.no"),
    )
    feedback = Feedback.objects.get()
    assert mail.outbox == [], "not in the request"
    assert run_tasks("default") == 1
    assert len(mail.outbox) == 1 and feedback.reference in mail.outbox[0].subject
    from portal.tasks import mail_receipt

    mail_receipt.enqueue(feedback.pk)  # run twice: no second mail
    run_tasks("default")
    assert len(mail.outbox) == 1


def test_a_failed_receipt_is_tried_again_later(client, consultation, run_tasks, monkeypatch):
    sends = iter([False, True])
    monkeypatch.setattr(services, "send_receipt", lambda pk: next(sends))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(
            f"/innspill/{consultation.slug}/",
            feedback_form_data(consultation, email="kari@example.no"),
        )
        run_tasks("default")
        assert results(TaskResultStatus.FAILED)[0].exception_class_path.endswith("ReceiptNotSent")
        clock.shift(dt.timedelta(seconds=31))
        assert run_tasks("default") == 1
    assert results(TaskResultStatus.SUCCESSFUL)[0].return_value == "sendt"
