"""Opening a respondent's PDF safely: in a limited child process, and through ClamAV if set.

`check` runs while the form is sent (is it a PDF we accept?), `sanitise` in the `pdf` queue
(the copy staff open, and its text). Both run portal/feedback/pdf_worker.py as a child with CPU,
memory and output limits, killed after a wall-clock timeout; whatever goes wrong in there, the
caller gets an answer, never an exception from the parser.

`scan` sends a file to clamd over its Unix socket (CLAMD_SOCKET) with the INSTREAM command.
"""

import json
import socket
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

WORKER = "portal.feedback.pdf_worker"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str = ""  # why not: see pdf_worker.py; "timeout" or "crashed" from here
    pages: int | None = None
    text: str = ""


def _run(arguments: list[str], *, timeout: float) -> Outcome:
    command = [
        sys.executable,
        "-I",  # isolated: no user site, no PYTHON* variables, no current directory on the path
        "-c",
        f"import sys; sys.path.insert(0, {str(settings.BASE_DIR)!r}); "
        f"from {WORKER} import main; sys.exit(main())",
        f"--cpu={settings.ATTACHMENT_WORKER_CPU_SECONDS}",
        f"--memory={settings.ATTACHMENT_WORKER_MEMORY_MB}",
        f"--output={settings.ATTACHMENT_WORKER_OUTPUT_MB}",
        *arguments,
    ]
    try:
        done = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            command,
            capture_output=True,
            timeout=timeout,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            cwd="/",
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:  # run() has killed it
        return Outcome(ok=False, reason="timeout")
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        # Killed by a limit (SIGXCPU, out of memory) or crashed in the parser.
        return Outcome(ok=False, reason="crashed")
    return Outcome(
        ok=bool(result.get("ok")),
        reason=str(result.get("reason", "")),
        pages=result.get("pages"),
        text=str(result.get("text", "")),
    )


def check(path: Path) -> Outcome:
    return _run(["check", str(path)], timeout=settings.ATTACHMENT_CHECK_TIMEOUT)


def sanitise(source: Path, target: Path) -> Outcome:
    return _run(
        ["sanitise", str(source), str(target)], timeout=settings.ATTACHMENT_SANITISE_TIMEOUT
    )


# --- ClamAV ----------------------------------------------------------------------------------


class ScannerUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Scan:
    infected: bool
    signature: str = ""


def scan(path: Path, socket_path: str | None = None) -> Scan | None:
    """None when no scanner is configured. Raises ScannerUnavailable when it cannot answer, so
    the task tries again later and the file waits, unopened."""
    socket_path = socket_path or settings.CLAMD_SOCKET
    if not socket_path:
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(settings.CLAMD_TIMEOUT)
            connection.connect(socket_path)
            connection.sendall(b"zINSTREAM\0")
            with open(path, "rb") as file:
                while chunk := file.read(CHUNK):
                    connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = connection.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        return Scan(infected=True, signature=signature[:200])
    if answer.endswith("OK"):
        return Scan(infected=False)
    raise ScannerUnavailable(answer[:200] or "tomt svar fra clamd")
