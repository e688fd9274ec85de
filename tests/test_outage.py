"""The database goes away under a running portal, for real: PostgreSQL is reached through a TCP
proxy on a loopback port whose connections the test cuts, as a restart or failover would.

While it is down, readers get a Norwegian 503 with Retry-After (portal/outage.py); when it is
back, the portal recovers without a restart, and no reader gets a connection the cut killed
(CONN_HEALTH_CHECKS)."""

import contextlib
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from email.message import Message

import pytest

from tests import servers
from tests.servers import gunicorn

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

POSTGRES = ("127.0.0.1", 5432)
FORM = "/innspill/innspill-veileder/"
TOKEN = "a" * 32  # the CSRF cookie and the same token in the form, as a browser would send


class CuttableProxy:
    """Forwards loopback connections to PostgreSQL. cut() closes every open connection and
    refuses new ones until restore()."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.accepter = threading.Thread(target=self.accept, daemon=True)
        self.accepter.start()

    def accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            upstream = socket.create_connection(POSTGRES, timeout=5)
            with self.lock:
                self.open |= {client, upstream}
            threading.Thread(target=self.pump, args=(client, upstream), daemon=True).start()

    def pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while not self.stopped.is_set():
                readable, _, _ = select.select([a, b], [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            self.close_pair(a, b)

    def close_pair(self, *socks: socket.socket) -> None:
        with self.lock:
            for sock in socks:
                self.open.discard(sock)
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def cut(self) -> None:
        self.up.clear()
        with self.lock:
            socks = list(self.open)
        self.close_pair(*socks)

    def restore(self) -> None:
        self.up.set()

    def close(self) -> None:
        self.stopped.set()
        self.cut()
        self.listener.close()
        self.accepter.join(timeout=2)


@pytest.fixture
def proxy():
    proxy = CuttableProxy()
    yield proxy
    proxy.close()


@pytest.fixture
def portal(imported, proxy):
    host_port = f"127.0.0.1:{proxy.port}"
    url = servers.test_database_url().replace("127.0.0.1:5432", host_port)
    assert host_port in url
    # Tasks run at once: /health/ready then speaks of the database alone, not of task workers.
    immediate = "django.tasks.backends.immediate.ImmediateBackend"
    with gunicorn(
        workers=2, DATABASE_URL=url, DATABASE_POOL_TIMEOUT="2", TASKS_BACKEND=immediate
    ) as base:
        yield base


def fetch(url: str, data: bytes | None = None) -> tuple[int, Message, str]:
    headers = {}
    if data is not None:
        headers = {
            "Cookie": f"csrftoken={TOKEN}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def form_post(base: str) -> tuple[int, Message, str]:
    return fetch(base + FORM, f"csrfmiddlewaretoken={TOKEN}&name=Kari".encode())


def wait_until_ready(base: str, seconds: float = 30) -> float:
    """Until /health/ready says 200 ten times in a row: each worker's pool reconnects on its own
    schedule (psycopg_pool backs off between attempts), and each request may meet either."""
    started = time.monotonic()
    in_a_row = 0
    while time.monotonic() - started < seconds:
        in_a_row = in_a_row + 1 if fetch(base + "/health/ready")[0] == 200 else 0
        if in_a_row == 10:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"/health/ready not 200 within {seconds} s of the database's return")


def readers(base: str, count: int) -> list[int]:
    paths = ["/innspill/", "/sok/?q=%C3%B8konomi", FORM]
    return [fetch(base + paths[i % len(paths)])[0] for i in range(count)]


def test_while_the_database_is_down_readers_get_a_norwegian_503_then_it_recovers(portal, proxy):
    assert set(readers(portal, 6)) == {200}  # the pools hold live connections
    proxy.cut()

    # A query not asked before: one a worker has answered since the last publish may be
    # answered again from its memory (portal/reading.py), as cached pages are.
    for path in ("/sok/?q=strategi", "/innspill/"):
        status, headers, page = fetch(portal + path)
        assert status == 503, path
        assert headers["Retry-After"].isdigit()
        assert '<html lang="nb">' in page and "Tjenesten er utilgjengelig en kort stund" in page
        assert "Traceback" not in page and "OperationalError" not in page
        assert "no-store" in headers["Cache-Control"]
    status, headers, page = form_post(portal)
    assert status == 503 and headers["Retry-After"].isdigit()
    assert "Det du sendte, er ikke sendt." in page
    assert "tilbakeknappen i nettleseren" in page and "ligger det du skrev, fortsatt" in page
    assert "Takk for innspillet" not in page
    assert fetch(portal + "/health/ready")[0] == 503
    assert fetch(portal + "/health/live")[0] == 200

    proxy.restore()
    wait_until_ready(portal)
    statuses = readers(portal, 30)
    assert 500 not in statuses and set(statuses) == {200}


def test_a_database_restart_costs_readers_nothing_once_it_is_back(portal, proxy):
    """Every pooled connection is killed; the database is back at once. Without the pool's check,
    the next readers were handed the dead connections (4 of 30 answered 500)."""
    assert set(readers(portal, 12)) == {200}
    proxy.cut()
    proxy.restore()
    statuses = readers(portal, 30)
    assert set(statuses) == {200}, statuses
