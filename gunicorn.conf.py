"""gunicorn settings; every value can be overridden with the environment variable beside it.

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
# Sync workers: the views are short and CPU-bound; 2 per core plus one is gunicorn's advice.
# Capped, because each worker keeps its own database pool: on a large machine 2n+1 workers would
# exhaust PostgreSQL's connections (100 by default).
workers = int(
    os.environ.get(
        "WEB_CONCURRENCY",
        min(multiprocessing.cpu_count() * 2 + 1, int(os.environ.get("GUNICORN_MAX_WORKERS", "12"))),
    )
)
worker_class = "sync"
# A worker silent for this long is killed and replaced (a request stuck on a dead database).
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
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


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
