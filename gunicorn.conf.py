"""gunicorn settings; every value can be overridden with the environment variable beside it.

`gunicorn -c gunicorn.conf.py` serves veileder.asgi with gunicorn's asyncio worker: a client
that sends its request slowly, or connects and says nothing, holds no worker (veileder/asgi.py).

Graceful reload: `kill -HUP <master pid>` starts new workers with the new code and settings and
lets the old ones finish their requests (the app is not preloaded in the master, so new code is
read). `kill -TERM` stops gracefully within graceful_timeout.
"""

import logging
import multiprocessing
import os
import sys
from pathlib import Path

from gunicorn import glogging

from portal.json_logging import JsonFormatter

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
wsgi_app = "veileder.asgi:application"
# gunicorn's own asyncio worker. The sync worker (and gthread) let five clients that each send
# half a request header stop the whole site: the worker or thread waits in the header parser, and
# gunicorn has no header timeout. Here the event loop reads requests; the views run in threads.
worker_class = "asgi"
# Django speaks no ASGI lifespan protocol; "off" spares each worker the attempt.
asgi_lifespan = "off"
# The views are short and CPU-bound; 2 per core plus one is gunicorn's advice. Capped, because
# each worker keeps its own database pool: on a large machine 2n+1 workers would exhaust
# PostgreSQL's connections (100 by default).
workers = int(
    os.environ.get(
        "WEB_CONCURRENCY",
        min(multiprocessing.cpu_count() * 2 + 1, int(os.environ.get("GUNICORN_MAX_WORKERS", "12"))),
    )
)
# A worker whose event loop is stuck this long is killed and replaced. It is also the longest
# wait for the next piece of a request body.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
preload_app = False
# Workers are recycled now and then, so a slow leak never grows without bound. Not often: a new
# worker imports Django and WeasyPrint (about a second of CPU), and at a few thousand requests a
# second a low limit restarts some worker every few seconds (measured: p99 near 1 s at 2,000).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# The workers' heartbeat files on tmpfs where there is one: a slow disk must not look like a hang.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108
# One JSON line per request on stdout; "" leaves access logging to the proxy in front.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# The scheme (https) comes from exactly one header, X-Forwarded-Proto, set by our proxy, and only
# behind it (DJANGO_BEHIND_PROXY, as for Django's own SECURE_PROXY_SSL_HEADER). gunicorn would
# otherwise take three headers (X-Forwarded-Proto, -Ssl and -Protocol) from any client on
# FORWARDED_ALLOW_IPS, so a proxy that overwrites one would still pass the other two through.
BEHIND_PROXY = os.environ.get("DJANGO_BEHIND_PROXY", "").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}
if BEHIND_PROXY:
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    secure_scheme_headers = {}
    forwarded_allow_ips = ""


class JsonLogger(glogging.Logger):
    """gunicorn's own logs (errors and access) as JSON lines, like the portal's."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
                # "-" means stderr for gunicorn's error log; every log line goes to stdout.
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr:
                    handler.setStream(sys.stdout)


logger_class = JsonLogger
