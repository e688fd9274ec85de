"""Letters as PDF attached to input: receiving, storing, claiming, making safe, deleting.

The upload is limited while it streams (AttachmentUploadHandler: each file stops at
ATTACHMENT_MAX_BYTES and is written straight into the attachment store, nowhere else). A file is
accepted by its content (portal/feedback/pdf_safety.py), stored under a random name and kept
*pending* until its form is sent, so a form returned with errors keeps it; sending the form
claims it for the input and queues the check that makes the copy staff open (portal/tasks).
"""

import datetime as dt
import hashlib
import logging
import os
import secrets
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.feedback import pdf_safety
from portal.models import Feedback, FeedbackAttachment

logger = logging.getLogger(__name__)

PENDING_KEPT_FOR = dt.timedelta(days=1)
NAME_MAX = 100

REFUSALS = {
    "not-pdf": _("«%(name)s» er ikke en PDF-fil. Du kan bare legge ved PDF."),
    "password": _(
        "«%(name)s» er beskyttet med passord og kan ikke åpnes. Lagre den uten passord og "
        "legg den ved på nytt."
    ),
    "polyglot": _(
        "«%(name)s» inneholder noe annet enn en PDF. Lagre dokumentet som PDF på nytt og legg "
        "det ved igjen."
    ),
    "too-many-pages": _("«%(name)s» har for mange sider. Del den opp i mindre filer."),
    # The child ran out of time or memory: a bomb, or a server too busy just now.
    "timeout": _(
        "Vi rakk ikke å kontrollere «%(name)s». Prøv igjen, eller del filen opp i mindre filer."
    ),
    "malformed": _(
        "«%(name)s» er skadet eller ikke en gyldig PDF. Lagre dokumentet som PDF på nytt og "
        "legg det ved igjen."
    ),
}
TOO_LARGE = _("«%(name)s» er større enn %(limit)s. Gjør filen mindre, eller del den opp.")
TOO_MANY = _("Du kan legge ved høyst %(count)s filer. «%(name)s» ble ikke lagt ved.")


# --- Names and places ------------------------------------------------------------------------


def display_name(raw: str) -> str:
    """The respondent's file name as text to show: no path, no control or format characters."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(". ")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: NAME_MAX - 5] + dot + extension[:4]) if dot else name[:NAME_MAX]
    return name or gettext("vedlegg.pdf")


def store_root() -> Path:
    root = Path(settings.ATTACHMENT_ROOT)
    for part in ("", "incoming", "originals", "safe"):
        (root / part).mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def path_of(relative: str) -> Path:
    """An absolute path inside the store, for a path stored in a row (never a user's input)."""
    root = Path(settings.ATTACHMENT_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"utenfor vedleggslageret: {relative}")
    return path


def human_size(size: int) -> str:
    """10 MB, not 10,0 MB, in limits; otherwise as the templates' filesizeformat."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)}\u00a0MB"
    return filesizeformat(size)


# --- Receiving -------------------------------------------------------------------------------


class IncomingFile(UploadedFile):
    """An upload written into the store's incoming/ folder, deleted when closed unless kept."""

    def __init__(self, name, content_type, charset, directory: Path):
        file = tempfile.NamedTemporaryFile(suffix=".upload", dir=directory)  # noqa: SIM115
        super().__init__(file, name, content_type, 0, charset)

    def temporary_file_path(self) -> str:
        return self.file.name

    def close(self):
        try:
            return self.file.close()
        except FileNotFoundError:
            pass


@dataclass
class UploadProblems:
    messages: list[str] = field(default_factory=list)


class AttachmentUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive: past ATTACHMENT_MAX_BYTES the rest of that file
    is skipped unwritten (the other fields still arrive), a file past the third is skipped, and
    past the total the upload stops. The message goes to `problems` for the form."""

    def __init__(self, request=None, problems: UploadProblems | None = None):
        super().__init__(request)
        self.problems = problems if problems is not None else UploadProblems()
        self.count = 0
        self.total = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        # Django closes `handler.file` after a skip, if there is one: none for a skipped file.
        self.__dict__.pop("file", None)
        name = display_name(file_name)
        self.count += 1
        if self.count > settings.ATTACHMENT_MAX_FILES:
            self.problems.messages.append(
                TOO_MANY % {"count": settings.ATTACHMENT_MAX_FILES, "name": name}
            )
            raise SkipFile
        self.file = IncomingFile(
            file_name, self.content_type, self.charset, store_root() / "incoming"
        )

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if start + len(raw_data) > settings.ATTACHMENT_MAX_BYTES:
            self.problems.messages.append(
                TOO_LARGE
                % {
                    "name": display_name(self.file_name),
                    "limit": human_size(settings.ATTACHMENT_MAX_BYTES),
                }
            )
            raise SkipFile
        if self.total > settings.ATTACHMENT_MAX_FILES * settings.ATTACHMENT_MAX_BYTES:
            raise StopUpload(connection_reset=False)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self):
        if getattr(self, "file", None) is not None:
            self.file.close()


# --- Accepting and claiming ------------------------------------------------------------------


class Refused(Exception):
    pass


def accept(upload, form_token: uuid.UUID) -> FeedbackAttachment:
    """Check an uploaded file by its content and keep it pending. Raises Refused(message)."""
    name = display_name(upload.name)
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise Refused(
            TOO_LARGE % {"name": name, "limit": human_size(settings.ATTACHMENT_MAX_BYTES)}
        )
    root = store_root()
    relative = f"originals/{secrets.token_hex(16)}.pdf"
    target = root / relative
    digest = hashlib.sha256()
    # Copied, never moved: whatever the upload's file is, only this copy is ever parsed.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    outcome = pdf_safety.check(target)
    if not outcome.ok:
        target.unlink(missing_ok=True)
        reason = (
            "timeout" if outcome.reason in ("timeout", "crashed", "too-complex") else outcome.reason
        )
        message = REFUSALS.get(reason, REFUSALS["malformed"])
        raise Refused(message % {"name": name})
    return FeedbackAttachment.objects.create(
        form_token=form_token,
        pending_token=secrets.token_urlsafe(24),
        display_name=name,
        size=upload.size,
        sha256=digest.hexdigest(),
        pages=outcome.pages,
        original_path=relative,
    )


def pending(form_token, tokens) -> list[FeedbackAttachment]:
    """The pending attachments of this form named by `tokens`, in the order they came."""
    tokens = [t for t in tokens if t][: settings.ATTACHMENT_MAX_FILES * 2]
    if not tokens or form_token is None:
        return []
    return list(
        FeedbackAttachment.objects.pending().filter(form_token=form_token, pending_token__in=tokens)
    )


def claim(feedback: Feedback, attachments: list[FeedbackAttachment]) -> None:
    """Attach the pending files to the stored input and queue their check after the commit."""
    from portal import tasks  # tasks import this module's functions when they run

    ids = [a.pk for a in attachments]
    FeedbackAttachment.objects.filter(pk__in=ids, feedback__isnull=True).update(
        feedback=feedback, pending_token="", form_token=None
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: tasks.check_attachment.enqueue(pk), robust=True)


# --- Making safe (the `pdf` queue) ------------------------------------------------------------


def make_safe(attachment_id: int) -> str:
    """Scan, sanitise and extract the text of one attachment. Idempotent: a checked one is left
    as it is. Raises ScannerUnavailable (the task retries) when clamd is set but not answering."""
    attachment = FeedbackAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        return "finnes ikke"
    if attachment.status != FeedbackAttachment.Status.WAITING:
        return "allerede kontrollert"
    original = path_of(attachment.original_path)
    found = pdf_safety.scan(original)
    if found is not None and found.infected:
        _finish(attachment, FeedbackAttachment.Status.QUARANTINED, problem=found.signature)
        logger.warning("Vedlegg %s er satt i karantene: %s", attachment.pk, found.signature)
        return "karantene"
    relative = f"safe/{secrets.token_hex(16)}.pdf"
    target = path_of(relative)
    outcome = pdf_safety.sanitise(original, target)
    if not outcome.ok:
        target.unlink(missing_ok=True)
        _finish(attachment, FeedbackAttachment.Status.REJECTED, problem=outcome.reason)
        return "avvist"
    os.chmod(target, 0o600)
    text = outcome.text.replace("\x00", "")
    status = FeedbackAttachment.Status.READY if text.strip() else FeedbackAttachment.Status.NO_TEXT
    _finish(attachment, status, safe_path=relative, text=text, pages=outcome.pages)
    return str(status)


def _finish(attachment, status, **fields) -> None:
    FeedbackAttachment.objects.filter(pk=attachment.pk).update(
        status=status, checked_at=timezone.now(), **fields
    )


# --- Deleting --------------------------------------------------------------------------------


def stored_paths(attachments) -> list[str]:
    """The store's files of the `attachments` queryset (originals and safe copies)."""
    return [
        relative
        for pair in attachments.values_list("original_path", "safe_path")
        for relative in pair
        if relative
    ]


def delete_stored(paths: list[str]) -> int:
    removed = 0
    for relative in paths:
        try:
            path_of(relative).unlink()
            removed += 1
        except (FileNotFoundError, ValueError):
            pass
    return removed


def delete_files(attachments) -> int:
    return delete_stored(stored_paths(attachments))


def purge_pending(moment: dt.datetime) -> int:
    """Pending attachments whose form was never sent, and leftovers in incoming/."""
    stale = FeedbackAttachment.objects.pending().filter(uploaded_at__lt=moment - PENDING_KEPT_FOR)
    count = stale.count()
    delete_files(stale)
    stale.delete()
    incoming = Path(settings.ATTACHMENT_ROOT) / "incoming"
    if incoming.is_dir():
        limit = (moment - PENDING_KEPT_FOR).timestamp()
        for leftover in incoming.iterdir():
            if leftover.is_file() and leftover.stat().st_mtime < limit:
                leftover.unlink(missing_ok=True)
    return count
