"""Slow clients: throughput with and without 200 trickling connections, per gunicorn worker class.

For each setup (by default the asgi worker the portal uses, and the sync worker it used before),
gunicorn runs in production mode on BENCH_DATABASE_URL with the page cache in local memory. wrk
measures a static file, a cached page and an uncached page (a second server without the page
cache). Then 200 loopback connections each send a partial request header and one more header line
a second, and /health/live and the cached page are timed one request at a time (2 s timeout,
bounded in count and time) and with wrk.

    .venv/bin/python bench/slow_clients_bench.py [--setups asgi,sync,django-asgi] [--rounds 3]
"""

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_bench import (  # noqa: E402
    GUNICORN,
    environment,
    fetch,
    free_port,
    prepare_database,
    run_wrk,
    static_file_like,
)
from tests.trickle import probe, trickling_connections  # noqa: E402

# What each setup puts on gunicorn's command line after `-c gunicorn.conf.py`.
SETUPS = {
    "asgi": [],  # what gunicorn.conf.py says: the asgi worker serving veileder.asgi
    "sync": ["--worker-class", "sync", "veileder.wsgi"],  # before: five slow clients stop it
    # Django's own ASGI handler, which hops between loop and threads at each middleware.
    "django-asgi": ["django.core.asgi:get_asgi_application()"],
}
PAGE = "/veileder/slik-arbeider-fylkeskommunen/"
SLOW_CLIENTS = 200


@contextlib.contextmanager
def server(setup: str, *, page_cache: bool):
    port = free_port()
    env = environment(
        PAGE_CACHE_ENABLED="1" if page_cache else "0",
        CONTENT_VERSION_FILE=str(ROOT / ".local" / "bench-content-version"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    env["REDIS_URL"] = ""  # local memory: no Redis needed
    process = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null", *SETUPS[setup]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn ({setup}) did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=40)


def wrk_row(setup: str, name: str, runs: list, static_rate: float) -> str:
    rate = statistics.median(r[0] for r in runs)
    p99 = statistics.median(r[2] for r in runs)
    errors = sum(r[3] for r in runs)
    return f"| {setup} | {name} | {rate:.0f} | {p99:.1f} | {rate / static_rate:.2f}x |" + (
        f" {errors} errors" if errors else ""
    )


def throughput(setups: list[str], args) -> list[str]:
    """Static, cached and uncached per setup, in rounds that alternate between all targets, so
    whatever else the machine does weighs on every setup alike."""
    with contextlib.ExitStack() as stack:
        targets = []
        for setup in setups:
            cached = f"http://127.0.0.1:{stack.enter_context(server(setup, page_cache=True))}"
            uncached = f"http://127.0.0.1:{stack.enter_context(server(setup, page_cache=False))}"
            static = static_file_like(len(fetch(cached + PAGE)))
            targets += [
                (setup, "static file", cached + static),
                (setup, "cached page", cached + PAGE),
                (setup, "uncached page", uncached + PAGE),
            ]
        for _, _, url in targets:  # every worker has the page in its cache, and warm
            for _ in range(20):
                fetch(url)
        runs: dict[tuple, list] = {target: [] for target in targets}
        for _ in range(args.rounds):
            for target in targets:
                runs[target].append(run_wrk(target[2], args.seconds, args.connections))
    rows = []
    for setup, name, url in targets:
        static_runs = runs[next(t for t in targets if t[0] == setup and t[1] == "static file")]
        static_rate = statistics.median(r[0] for r in static_runs)
        rows.append(wrk_row(setup, name, runs[(setup, name, url)], static_rate))
    return rows


def slow_clients(setup: str, args) -> list[str]:
    rows = []
    with server(setup, page_cache=True) as port:
        base = f"http://127.0.0.1:{port}"
        for _ in range(20):
            fetch(base + PAGE)
        before = run_wrk(base + PAGE, args.seconds, args.connections)
        with trickling_connections("127.0.0.1", port, SLOW_CLIENTS, seconds=args.slow_seconds):
            time.sleep(1)
            budget = {"count": 200, "seconds": args.slow_seconds / 3}
            live = probe("127.0.0.1", port, "/health/live", **budget)
            page = probe("127.0.0.1", port, PAGE, **budget)
            during = run_wrk(base + PAGE, args.seconds, args.connections)
        for result in (live, page):
            rows.append(
                f"| {setup} | {result.path} one at a time, {SLOW_CLIENTS} slow clients open | "
                f"{len(result.times_ms)} answered, {result.failures} timed out | "
                f"{result.p99:.1f} | p50 {result.p50:.1f} ms |"
            )
        rows.append(wrk_row(setup, "cached page, just before", [before], before[0]))
        rows.append(
            wrk_row(setup, f"cached page, {SLOW_CLIENTS} slow clients open", [during], before[0])
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default="asgi,sync", help=f"of {', '.join(SETUPS)}")
    parser.add_argument("--seconds", type=int, default=3, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--slow-seconds", type=float, default=30, help="how long slow clients stay")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    prepare_database()
    setups = [setup.strip() for setup in args.setups.split(",")]
    rows = ["| worker | target | req/s | p99 ms | vs static |", "|---|---|---:|---:|---:|"]
    rows += throughput(setups, args)
    print("\n".join(rows), flush=True)
    rows = ["| worker | target | req/s | p99 ms | vs before |", "|---|---|---:|---:|---:|"]
    for setup in setups:
        rows += slow_clients(setup, args)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
