"""Slow clients cannot stop the site: 200 connections that trickle a request header hold no
worker, and readers still get the health check and pages at once (veileder/asgi.py)."""

import pytest

from tests.servers import gunicorn
from tests.trickle import probe, trickling_connections

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

SLOW_CLIENTS = 200
PAGE = "/veileder/om-veilederen/"


def test_200_trickling_connections_leave_the_health_check_and_a_cached_page_quick(imported):
    # Two workers: the sync workers this replaced were stopped by five such clients.
    with gunicorn(workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        warm = probe("127.0.0.1", port, PAGE, count=10, seconds=10, timeout=10)
        assert set(warm.statuses) == {200}
        with trickling_connections("127.0.0.1", port, SLOW_CLIENTS, seconds=30) as sockets:
            assert len(sockets) == SLOW_CLIENTS
            live = probe("127.0.0.1", port, "/health/live", count=50, seconds=10)
            page = probe("127.0.0.1", port, PAGE, count=50, seconds=10)
            # The slow clients are still connected and have not been answered.
            still_open = [sock for sock in sockets if sock.fileno() != -1]
            assert len(still_open) == SLOW_CLIENTS

    for result in (live, page):
        assert result.failures == 0 and len(result.times_ms) == 50, result.summary()
        assert set(result.statuses) == {200}, result.summary()
        assert result.p99 < 100, result.summary()
