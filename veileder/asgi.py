"""The ASGI application that gunicorn's asgi worker serves (gunicorn.conf.py).

The event loop reads the request line, headers and body, so a slow or idle connection costs a
little memory and no thread: only a complete request reaches Django. Django then runs as under
WSGI, in one call on a thread from a small pool, and the response goes back to the loop, which
sends it at the client's pace.

Why not Django's own ASGIHandler: with our synchronous middleware and views it hops between the
loop and a thread four to six times per request and starts a new thread for each, which cut the
cached page to a third of the sync worker's rate (bench/slow_clients_bench.py). One hop, on
threads that are kept, keeps the WSGI cost. What it gives up is async views, which the portal
has none of.

- At most APP_THREADS requests per process run at once, by default the size of the database pool,
  so a running request never waits for a pooled connection. Others wait in the loop, holding
  neither a thread nor a connection. /health/live has a thread of its own: it says the process is
  alive and must not queue behind requests that wait for a database that is down.
- The body is read whole before Django sees it, up to APP_MAX_BODY_MB (413 above it).
- A streamed response (a PDF, a static file) is read whole in the thread, so a slow reader holds
  no thread either.
"""

import asyncio
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veileder.settings")
wsgi_application = get_wsgi_application()

LIVENESS_PATH = "/health/live"


def app_threads() -> int:
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool") or {}
    return int(os.environ.get("APP_THREADS", "") or pool.get("max_size", 4))


def build_environ(scope: dict, body) -> dict:
    """PEP 3333's environ for an ASGI HTTP scope."""
    root = scope.get("root_path", "").encode("utf-8").decode("latin-1")
    path = scope["path"].encode("utf-8").decode("latin-1")
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root,
        "PATH_INFO": path,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1] or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        if name not in {"CONTENT_TYPE", "CONTENT_LENGTH"}:
            name = f"HTTP_{name}"
        value = raw_value.decode("latin-1")
        if name in environ:
            value = environ[name] + ("; " if name == "HTTP_COOKIE" else ",") + value
        environ[name] = value
    return environ


def run_wsgi(app, environ: dict) -> tuple[int, list, bytes]:
    """One request through Django, start to finish, in the calling thread. Closing the response
    sends request_finished here, which gives the thread's database connection back to the pool."""
    started = []

    def start_response(status, headers, exc_info=None):
        started[:] = [int(status.split(" ", 1)[0]), headers]

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    status, headers = started
    # Header names keep Django's case, as its own ASGI handler does: some clients need it.
    return status, [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers], body


class ThreadedWSGI:
    """ASGI in front, a WSGI application on a bounded pool of threads behind."""

    def __init__(self, app, *, threads: int, max_body: int):
        self.app = app
        self.max_body = max_body
        self.threads = ThreadPoolExecutor(threads, thread_name_prefix="django")
        self.liveness = ThreadPoolExecutor(1, thread_name_prefix="liveness")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"only HTTP, not {scope['type']}")
        with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as body:
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await self.respond(send, 413, b"For stor foresp\xc3\xb8rsel.\n")
                    return
                body.write(chunk)
                if not message.get("more_body"):
                    break
            body.seek(0)
            environ = build_environ(scope, body)
            pool = self.liveness if scope["path"] == LIVENESS_PATH else self.threads
            loop = asyncio.get_running_loop()
            status, headers, content = await loop.run_in_executor(pool, run_wsgi, self.app, environ)
        if status not in (204, 304) and not any(
            name.lower() == b"content-length" for name, _ in headers
        ):
            headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if scope["method"] == "HEAD":
            content = b""
        await send({"type": "http.response.body", "body": content})

    @staticmethod
    async def respond(send, status: int, text: bytes) -> None:
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": text})


application = ThreadedWSGI(
    wsgi_application,
    threads=app_threads(),
    max_body=int(float(os.environ.get("APP_MAX_BODY_MB", "34")) * 1024 * 1024),
)
