"""Real gunicorn servers for tests that need real HTTP, several processes or several instances."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# Tests marked `redis` share this database; each uses its own random key prefix and never
# flushes it. Experiments elsewhere keep off database 14.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database pytest-django made for this run, for processes outside pytest."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def server_environment(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_DEBUG", "PAGE_"))}
    env.update(
        DATABASE_URL=test_database_url(),
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_LOCAL_HTTP="1",
        DATABASE_POOL_MAX_SIZE="2",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


@contextlib.contextmanager
def gunicorn(workers: int = 2, **overrides: str):
    port = free_port()
    env = server_environment(**overrides)
    env.update(WEB_CONCURRENCY=str(workers), GUNICORN_BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:  # any answer will do: an HTTPS-only server answers with a redirect
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                probe.request("GET", "/health/live")
                probe.getresponse().read()
                probe.close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {process.stderr.read()}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
