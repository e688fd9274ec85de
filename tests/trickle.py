"""Slow clients on loopback, for the slow-client test and bench/slow_clients_bench.py.

No Django here: the benchmark imports it too. Every loop is bounded in count and in time.
"""

import contextlib
import http.client
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field


def _loopback(host: str) -> str:
    if host not in {"127.0.0.1", "::1", "localhost"}:
        raise ValueError(f"slow clients only on loopback, not {host}")
    return host


@contextlib.contextmanager
def trickling_connections(host: str, port: int, count: int, *, seconds: float, every: float = 1.0):
    """`count` connections that each send a partial request header, then one more header line
    every `every` seconds, never finishing it, for at most `seconds`. Yields the open sockets."""
    _loopback(host)
    sockets: list[socket.socket] = []
    stop = threading.Event()
    try:
        for _ in range(count):
            sock = socket.create_connection((host, port), timeout=5)
            sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)

        def trickle() -> None:
            deadline = time.monotonic() + seconds
            line = 0
            # gunicorn allows 100 header fields; stay well below it.
            while not stop.wait(every) and time.monotonic() < deadline and line < 60:
                line += 1
                for sock in sockets:
                    with contextlib.suppress(OSError):
                        sock.send(f"X-Langsom-{line}: a\r\n".encode())

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        yield sockets
    finally:
        stop.set()
        for sock in sockets:
            sock.close()


@dataclass
class Probe:
    path: str
    times_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    failures: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else float("inf")

    @property
    def p99(self) -> float:
        if not self.times_ms:
            return float("inf")
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]

    def summary(self) -> str:
        return (
            f"{self.path}: {len(self.times_ms)} svar, {self.failures} uten svar, "
            f"p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms"
        )


def probe(
    host: str, port: int, path: str, *, count: int, seconds: float, timeout: float = 2.0
) -> Probe:
    """Up to `count` requests one after another for at most `seconds`, each on a new
    connection, timed end to end."""
    _loopback(host)
    result = Probe(path)
    deadline = time.monotonic() + seconds
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        except OSError:
            result.failures += 1
            continue
        finally:
            connection.close()
        result.times_ms.append((time.perf_counter() - started) * 1000)
        result.statuses.append(response.status)
    return result
