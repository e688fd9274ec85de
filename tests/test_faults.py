"""Behaviour under faults: health checks, a dead database, gunicorn's settings, JSON logs."""

import json
import logging
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import RequestFactory
from django.urls import resolve

from portal.json_logging import JsonFormatter
from tests.servers import GUNICORN, ROOT, free_port, gunicorn, server_environment


def closed_port() -> int:
    # A port nothing listens on: bound and released, so connections are refused at once.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.mark.django_db
def test_health_checks_with_the_database_up(client):
    from portal.tasks import heartbeat

    heartbeat.beat("test-worker", ["*"])  # a task worker is running (tests/test_tasks.py)
    live = client.get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}
    assert "no-cache" in ready["Cache-Control"]


@pytest.mark.server
def test_with_the_database_down_readers_get_a_norwegian_503_and_no_receipt():
    dead_database = f"postgres://postgres@127.0.0.1:{closed_port()}/veileder"
    # A CSRF cookie and the same token in the form, as a browser holding the form would send.
    token = "a" * 32
    form = f"csrfmiddlewaretoken={token}&svar=Et+innspill&navn=Kari".encode()
    form_url = "/innspill/innspill-veileder/"
    with gunicorn(workers=4, DATABASE_URL=dead_database) as base:
        requests = {
            "live": (f"{base}/health/live", None, {}),
            "ready": (f"{base}/health/ready", None, {}),
            "page": (f"{base}/veileder/", None, {}),
            "post": (
                f"{base}{form_url}",
                form,
                {
                    "Cookie": f"csrftoken={token}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            ),
        }
        with ThreadPoolExecutor(len(requests)) as pool:
            futures = {name: pool.submit(fetch, *args) for name, args in requests.items()}
            results = {name: future.result() for name, future in futures.items()}

    assert results["live"] == (200, '{"status": "ok"}')
    assert results["ready"][0] == 503
    # A database outage is not a bug in the portal: 503, briefly unavailable (portal/outage.py).
    status, page = results["page"]
    assert status == 503
    assert '<html lang="nb">' in page and "Tjenesten er utilgjengelig en kort stund" in page
    assert "Traceback" not in page and "psycopg" not in page and "OperationalError" not in page
    status, answer = results["post"]
    assert "Takk for innspillet" not in answer
    assert resolve(form_url).url_name == "feedback_form"
    assert status == 503, "a form post with the database down is never a receipt"
    assert "Det du sendte, er ikke sendt." in answer


def test_gunicorn_workers_follow_the_cpus_within_a_cap(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_MAX_WORKERS", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == min(os.cpu_count() * 2 + 1, 12)
    assert config["timeout"] == 30 and config["graceful_timeout"] == 30
    assert config["preload_app"] is False, "a HUP must load new code"
    assert config["logger_class"].__name__ == "JsonLogger"
    # An asyncio worker: slow clients hold no worker (tests/test_slow_clients.py).
    assert config["worker_class"] == "asgi" and config["wsgi_app"] == "veileder.asgi:application"
    monkeypatch.setenv("GUNICORN_MAX_WORKERS", "2")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 2
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 7


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_graceful_reload_drops_no_request_and_logs_json(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = server_environment(WEB_CONCURRENCY="2", GUNICORN_BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(f"{base}/health/live")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        from portal.tasks import heartbeat

        heartbeat.beat("test-worker", ["*"])  # ready also needs a task worker seen lately
        statuses = []
        process.send_signal(signal.SIGHUP)
        end = time.monotonic() + 3
        while time.monotonic() < end:
            statuses.append(fetch(f"{base}/health/ready")[0])
        assert statuses and set(statuses) == {200}
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON
    assert any(r["name"] == "gunicorn.error" and "Hang up" in r["message"] for r in records)
    access = [r for r in records if r["name"] == "gunicorn.access"]
    assert access and access[-1]["path"] == "/health/ready" and access[-1]["status"] == "200"
    assert all({"time", "level", "name", "message"} <= set(r) for r in records)


def test_django_errors_are_logged_as_json_without_request_secrets():
    request = RequestFactory().post(
        "/innspill/", {"svar": "x"}, HTTP_COOKIE="sessionid=hemmelig", REMOTE_ADDR="192.0.2.1"
    )
    try:
        raise RuntimeError("databasen svarer ikke")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            (request.path,),
            sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["name"] == "django.request"
    assert data["message"] == "Internal Server Error: /innspill/"
    assert data["status_code"] == 500 and data["path"] == "/innspill/" and data["method"] == "POST"
    assert "databasen svarer ikke" in data["exc_info"]
    assert "hemmelig" not in line
