"""Letters as PDF: attached to input, checked by content, made safe in a limited child process,
served to caseworkers only as downloads, exported, purged; hostile files made here hold."""

import hashlib
import io
import os
import re
import socket
import threading
import zipfile
from pathlib import Path

import pikepdf
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from portal.feedback import attachments
from portal.models import Feedback, FeedbackAttachment
from tests import pdf_samples
from tests.conftest import feedback_form_data

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
WITH_SCRIPTS = pdf_samples.with_scripts()


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "store"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    (tmp_path / "upload-tmp").mkdir()
    settings.FEEDBACK_RATE_LIMIT = ""
    return tmp_path / "store"


def pdf_file(data: bytes, name: str = "brev.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def send(client, consultation, files=(), **overrides):
    data = feedback_form_data(consultation, **overrides)
    if files:
        data["vedlegg"] = list(files)
    return client.post(f"/innspill/{consultation.slug}/", data)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def error_beside_the_field(page: str) -> str:
    match = re.search(r'id="id_vedlegg_error">(.*?)</div>', page, re.S)
    assert match, "no message beside the attachment field"
    return re.sub(r"<[^>]+>", " ", match.group(1))


# --- Sending ---------------------------------------------------------------------------------


def test_a_letter_is_kept_outside_media_under_a_random_name_and_listed_on_the_receipt(
    client, consultation, store, tmp_path
):
    response = send(client, consultation, [pdf_file(pdf_samples.letter(), "Høringssvar.pdf")])
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    [attachment] = feedback.attachments.all()
    assert attachment.display_name == "Høringssvar.pdf"
    assert attachment.status == FeedbackAttachment.Status.WAITING
    [original] = stored_files(store)
    assert original.parent == store / "originals"
    assert "Høringssvar" not in original.name and len(original.stem) == 32
    assert oct(original.stat().st_mode & 0o777) == "0o600"
    assert stored_files(tmp_path / "media") == []
    receipt = client.get(response["Location"]).text
    assert "Høringssvar.pdf" in receipt
    assert re.search(r"Høringssvar\.pdf \([\d,]+\s(byte|KB)\)", receipt)
    # Its check waits in the slow queue.
    assert DBTaskResult.objects.filter(
        task_path__endswith="check_attachment", queue_name="pdf"
    ).exists()


def test_a_letter_may_stand_instead_of_the_answers(client, consultation):
    questions = {f"svar_{q.pk}": "" for q in consultation.questions.all()}
    response = send(client, consultation, [pdf_file(pdf_samples.letter())], **questions)
    assert response.status_code == 302
    assert Feedback.objects.get().answers.count() == 0


def test_without_a_letter_the_required_question_is_still_required(client, consultation):
    questions = {f"svar_{q.pk}": "" for q in consultation.questions.all()}
    response = send(client, consultation, **questions)
    assert response.status_code == 200
    assert "Svar på dette spørsmålet." in response.text


def test_the_form_asks_for_multipart_and_names_the_limits(client, consultation):
    page = client.get("/innspill/").text
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="vedlegg"' in page and "multiple" in page
    assert "opptil 3 PDF-filer på høyst 10 MB" in page


def test_a_form_sent_without_files_as_before_still_works(client, consultation):
    # A page loaded before this change posts urlencoded.
    response = client.post("/innspill/innspill-test/", feedback_form_data(consultation))
    assert response.status_code == 302


def test_nynorsk_form_refuses_in_nynorsk(client, consultation):
    response = client.post(
        "/nn/innspill/innspill-test/",
        {**feedback_form_data(consultation), "vedlegg": [pdf_file(b"hei", "notat.pdf")]},
    )
    assert "er ikkje ei PDF-fil" in error_beside_the_field(response.text)


# --- Checked by content ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Dette er bare tekst.", "brev.pdf", "er ikke en PDF-fil"),
        (b"PK\x03\x04" + b"\0" * 100, "brev.pdf", "er ikke en PDF-fil"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "halv.pdf", "er skadet"),
        (pdf_samples.user_password(), "hemmelig.pdf", "beskyttet med passord"),
        (pdf_samples.html_polyglot(), "side.pdf", "er ikke en PDF-fil"),
        (pdf_samples.zip_polyglot(), "pakke.pdf", "inneholder noe annet enn en PDF"),
        (pdf_samples.huge_page_tree(), "bombe.pdf", "har for mange sider"),
    ],
    ids=["text", "zip", "truncated", "password", "html-polyglot", "zip-polyglot", "page-tree"],
)
def test_a_file_that_is_not_an_acceptable_pdf_is_refused_beside_the_field_and_nothing_is_lost(
    client, consultation, store, data, name, message
):
    answer = "Et langt svar som ikke må gå tapt."
    first = f"svar_{consultation.questions.get(order=1).pk}"
    response = send(
        client, consultation, [pdf_file(data, name)], **{first: answer, "name": "Per Hansen"}
    )
    assert response.status_code == 200
    text = error_beside_the_field(response.text)
    assert message in text and name in text
    assert answer in response.text and 'value="Per Hansen"' in response.text
    assert 'href="#id_vedlegg"' in response.text, "listed in the error summary"
    assert Feedback.objects.count() == 0
    assert FeedbackAttachment.objects.count() == 0
    assert stored_files(store / "originals") == []


def test_the_declared_type_and_name_do_not_matter(client, consultation):
    response = send(
        client,
        consultation,
        [pdf_file(pdf_samples.letter(), "brev.docx", content_type="application/msword")],
    )
    assert response.status_code == 302
    response = send(
        client, consultation, [pdf_file(b"<html></html>", "brev.pdf", "application/pdf")]
    )
    assert "er ikke en PDF-fil" in error_beside_the_field(response.text)


def test_a_pdf_with_only_an_owner_password_is_accepted(client, consultation):
    response = send(client, consultation, [pdf_file(pdf_samples.owner_password_only())])
    assert response.status_code == 302
    assert FeedbackAttachment.objects.get().feedback is not None


def test_a_deeply_nested_pdf_holds(client, consultation, run_tasks):
    response = send(client, consultation, [pdf_file(pdf_samples.deep_nesting(), "dyp.pdf")])
    assert response.status_code == 302
    run_tasks("pdf")
    assert FeedbackAttachment.objects.get().status in {"klar", "avvist"}


def test_a_name_with_a_path_and_control_characters_is_display_text_only(
    client, consultation, store, tmp_path
):
    hostile = "../../../etc/\x1b[31mpasswd\x07\u202e.pdf"
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    response = send(client, consultation, [pdf_file(pdf_samples.letter(), hostile)])
    assert response.status_code == 302
    attachment = FeedbackAttachment.objects.get()
    assert "/" not in attachment.display_name and ".." not in attachment.display_name
    assert not re.search(r"[\x00-\x1f\x7f\u202e]", attachment.display_name)
    new = {p for p in tmp_path.rglob("*") if p.is_file()} - before
    assert all(store in p.parents for p in new), new
    assert not Path("/etc/passwd.pdf").exists()


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("C:\\Users\\kari\\Brev til KDD.pdf", "Brev til KDD.pdf"),
        ("  ..  ", "vedlegg.pdf"),
        ("a" * 300 + ".pdf", "a" * 95 + ".pdf"),
    ],
)
def test_display_names_are_sanitised(raw, shown):
    assert attachments.display_name(raw) == shown


# --- Accepted files stay ---------------------------------------------------------------------


def test_an_accepted_letter_stays_while_the_rest_of_the_form_is_corrected(client, consultation):
    token = feedback_form_data(consultation)["token"]
    response = send(client, consultation, [pdf_file(pdf_samples.letter())], name="", token=token)
    assert response.status_code == 200
    assert "Skriv navnet ditt." in response.text
    assert "brev.pdf" in response.text
    keep = re.search(r'name="behold_vedlegg" value="([^"]+)"', response.text).group(1)
    assert FeedbackAttachment.objects.pending().count() == 1
    assert Feedback.objects.count() == 0, "a pending file is no input"

    response = send(client, consultation, token=token, behold_vedlegg=[keep])
    assert response.status_code == 302
    assert Feedback.objects.get().attachments.get().display_name == "brev.pdf"
    assert FeedbackAttachment.objects.pending().count() == 0


def test_an_accepted_letter_stays_when_another_file_is_refused(client, consultation):
    response = send(
        client, consultation, [pdf_file(pdf_samples.letter(), "ok.pdf"), pdf_file(b"x", "nei.pdf")]
    )
    assert response.status_code == 200
    assert "nei.pdf" in error_beside_the_field(response.text)
    assert re.search(r'name="behold_vedlegg"[^>]+checked>\s*<label[^>]*>ok\.pdf', response.text)


def test_unticking_a_kept_letter_leaves_it_out(client, consultation):
    token = feedback_form_data(consultation)["token"]
    send(client, consultation, [pdf_file(pdf_samples.letter())], name="", token=token)
    response = send(client, consultation, token=token)
    assert response.status_code == 302
    assert Feedback.objects.get().attachments.count() == 0


def test_a_pending_letter_cannot_be_claimed_by_another_form(client, consultation):
    first = feedback_form_data(consultation)["token"]
    page = send(client, consultation, [pdf_file(pdf_samples.letter())], name="", token=first).text
    keep = re.search(r'name="behold_vedlegg" value="([^"]+)"', page).group(1)
    response = send(Client(), consultation, behold_vedlegg=[keep])  # a fresh token
    assert response.status_code == 302
    assert Feedback.objects.get().attachments.count() == 0


def test_pending_letters_are_deleted_after_a_day(client, consultation, store):
    import datetime as dt

    from django.utils import timezone

    send(client, consultation, [pdf_file(pdf_samples.letter())], name="")
    assert len(stored_files(store / "originals")) == 1
    assert attachments.purge_pending(timezone.now()) == 0
    assert attachments.purge_pending(timezone.now() + dt.timedelta(days=2)) == 1
    assert stored_files(store / "originals") == []
    assert FeedbackAttachment.objects.count() == 0


def test_at_most_three_files(client, consultation):
    files = [pdf_file(pdf_samples.letter(), f"brev-{n}.pdf") for n in range(1, 5)]
    response = send(client, consultation, files)
    assert response.status_code == 200
    assert "høyst 3 filer" in error_beside_the_field(response.text)
    assert "brev-4.pdf" in error_beside_the_field(response.text)
    assert FeedbackAttachment.objects.pending().count() == 3


# --- Too large: stopped while it streams ------------------------------------------------------


def test_a_file_over_10_mb_is_stopped_while_it_streams_and_the_text_stays(
    client, consultation, store, tmp_path, monkeypatch
):
    written = []
    receive = attachments.AttachmentUploadHandler.receive_data_chunk

    def counting_receive(self, raw_data, start):
        result = receive(self, raw_data, start)  # raises SkipFile past the limit
        written.append(len(raw_data))
        return result

    monkeypatch.setattr(attachments.AttachmentUploadHandler, "receive_data_chunk", counting_receive)
    big = pdf_samples.letter() + b"%" + b"0" * (12 * MB)
    answer = "Svaret mitt står her fortsatt."
    first = f"svar_{consultation.questions.get(order=1).pk}"
    response = send(
        client,
        consultation,
        [pdf_file(big, "stor.pdf"), pdf_file(pdf_samples.letter(), "liten.pdf")],
        **{first: answer},
    )
    assert response.status_code == 200
    assert "«stor.pdf» er større enn 10\u00a0MB" in error_beside_the_field(response.text)
    assert answer in response.text
    assert sum(written) <= 10 * MB + 64 * 1024, "nothing past the limit was written"
    assert [a.display_name for a in FeedbackAttachment.objects.all()] == ["liten.pdf"]
    assert stored_files(store / "incoming") == []
    assert stored_files(tmp_path / "upload-tmp") == []


def test_a_50_mb_body_gets_a_clear_answer_and_is_not_read(client, consultation, store):
    body = pdf_samples.letter() + b"0" * (50 * MB)
    response = send(client, consultation, [pdf_file(body, "enorm.pdf")])
    assert response.status_code == 413
    assert "Innspillet er for stort" in response.text
    assert "opptil 3 PDF-filer på høyst 10\u00a0MB" in response.text
    assert stored_files(store) == []
    assert Feedback.objects.count() == 0


# --- Made safe in the pdf queue --------------------------------------------------------------


def test_the_staff_copy_has_no_scripts_actions_or_files_and_the_original_is_untouched(
    client, consultation, run_tasks
):
    hostile = WITH_SCRIPTS
    send(client, consultation, [pdf_file(hostile, "brev.pdf")])
    run_tasks("pdf")
    attachment = FeedbackAttachment.objects.get()
    assert attachment.status == FeedbackAttachment.Status.READY
    assert attachment.checked_at is not None
    original = attachments.path_of(attachment.original_path).read_bytes()
    assert original == hostile
    assert attachment.sha256 == hashlib.sha256(hostile).hexdigest()
    with pikepdf.open(attachments.path_of(attachment.safe_path)) as safe:
        assert "/OpenAction" not in safe.Root and "/AA" not in safe.Root
        assert "/AA" not in safe.pages[0].obj
        assert len(safe.attachments) == 0
        names = safe.Root.get("/Names", {})
        assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
        for obj in safe.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert "/JS" not in obj and obj.get("/S") != "/JavaScript"
    with pikepdf.open(io.BytesIO(original)) as kept:
        assert "/OpenAction" in kept.Root, "the archive keeps what was sent"


def test_the_text_is_extracted_so_staff_search_finds_words_in_letters(
    client, consultation, run_tasks, caseworker
):
    send(client, consultation, [pdf_file(pdf_samples.letter())])
    send(client, consultation, [pdf_file(pdf_samples.scan(), "skannet.pdf")], name="Ola")
    run_tasks("pdf")
    letter, scan = FeedbackAttachment.objects.order_by("pk")
    assert "klyngesamarbeid" in letter.text and letter.status == "klar"
    assert scan.status == "ingen-tekst"
    client.force_login(caseworker)
    found = client.get("/admin/portal/feedback/", {"q": "klyngesamarbeid"}).text
    assert letter.feedback.reference in found and scan.feedback.reference not in found
    page = client.get(f"/admin/portal/feedback/{scan.feedback.pk}/change/").text
    assert "Ingen tekst funnet" in page


def test_a_child_that_runs_out_of_time_leaves_the_file_rejected_not_the_worker(
    client, consultation, run_tasks, settings
):
    send(client, consultation, [pdf_file(pdf_samples.letter())])
    settings.ATTACHMENT_SANITISE_TIMEOUT = 0.01
    run_tasks("pdf")
    attachment = FeedbackAttachment.objects.get()
    assert attachment.status == "avvist" and attachment.problem == "timeout"
    assert not attachment.safe_path


def test_a_child_over_its_memory_limit_is_stopped(client, consultation, run_tasks, settings):
    send(client, consultation, [pdf_file(pdf_samples.letter())])
    settings.ATTACHMENT_WORKER_MEMORY_MB = 20  # less than Python needs to start
    run_tasks("pdf")
    assert FeedbackAttachment.objects.get().status == "avvist"


def test_a_task_that_runs_twice_does_nothing_the_second_time(client, consultation, run_tasks):
    send(client, consultation, [pdf_file(pdf_samples.letter())])
    run_tasks("pdf")
    attachment = FeedbackAttachment.objects.get()
    assert attachments.make_safe(attachment.pk) == "allerede kontrollert"


# --- ClamAV ----------------------------------------------------------------------------------


class FakeClamd:
    """clamd's INSTREAM over a Unix socket: FOUND when the stream holds the EICAR marker."""

    def __init__(self, path: Path):
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.scanned = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                command = b""
                while not command.endswith(b"\0"):
                    command += connection.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    size = int.from_bytes(self._exactly(connection, 4), "big")
                    if size == 0:
                        break
                    data += self._exactly(connection, size)
                self.scanned.append(data)
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
                connection.sendall(
                    b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0"
                )

    @staticmethod
    def _exactly(connection, size):
        data = b""
        while len(data) < size:
            data += connection.recv(size - len(data))
        return data

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    fake = FakeClamd(tmp_path / "clamd.sock")
    settings.CLAMD_SOCKET = fake.path
    yield fake
    fake.close()


EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_a_file_clamav_finds_a_virus_in_is_quarantined_and_shown_as_such(
    client, consultation, run_tasks, clamd, caseworker
):
    infected = pdf_samples.letter().replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")
    send(client, consultation, [pdf_file(pdf_samples.letter(), "ren.pdf")])
    send(client, consultation, [pdf_file(infected, "smittet.pdf")], name="Ola")
    run_tasks("pdf")
    clean, quarantined = FeedbackAttachment.objects.order_by("pk")
    assert len(clamd.scanned) == 2 and clamd.scanned[1] == infected
    assert clean.status == "klar"
    assert quarantined.status == "karantene"
    assert quarantined.problem == "Eicar-Test-Signature" and not quarantined.safe_path
    client.force_login(caseworker)
    page = client.get(f"/admin/portal/feedback/{quarantined.feedback.pk}/change/").text
    assert "I karantene" in page and "filen er i karantene" in page
    for copy in ("original", "trygg"):
        url = f"/admin/portal/feedback/vedlegg/{quarantined.pk}/{copy}/"
        assert client.get(url).status_code == 404


def test_a_scanner_that_does_not_answer_leaves_the_file_waiting(
    client, consultation, run_tasks, settings, tmp_path
):
    settings.CLAMD_SOCKET = str(tmp_path / "no-such.sock")
    send(client, consultation, [pdf_file(pdf_samples.letter())])
    run_tasks("pdf")
    assert FeedbackAttachment.objects.get().status == "venter"


# --- Staff downloads -------------------------------------------------------------------------


@pytest.fixture
def checked(client, consultation, run_tasks):
    send(client, consultation, [pdf_file(WITH_SCRIPTS, "brev.pdf")])
    run_tasks("pdf")
    return FeedbackAttachment.objects.get()


def test_caseworkers_download_the_safe_copy_and_the_original_never_inline(checked, caseworker):
    staff = Client()
    staff.force_login(caseworker)
    page = staff.get(f"/admin/portal/feedback/{checked.feedback.pk}/change/").text
    assert "Trygg kopi" in page and "Original (til arkivet)" in page and "Klar" in page
    for copy, expected in (("trygg", None), ("original", WITH_SCRIPTS)):
        response = staff.get(f"/admin/portal/feedback/vedlegg/{checked.pk}/{copy}/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "sandbox" in response["Content-Security-Policy"]
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF-")
        if expected is not None:
            assert body == expected


def test_nobody_else_gets_the_files(checked, db):
    from django.contrib.auth.models import User

    url = f"/admin/portal/feedback/vedlegg/{checked.pk}/original/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    editor = User.objects.create_user("redaktor", password="x", is_staff=True)
    staff = Client()
    staff.force_login(editor)
    assert staff.get(url).status_code == 403
    # Not through /media/, where the web server might serve it.
    assert Client().get(f"/media/{checked.original_path}").status_code == 404


def test_a_pending_file_is_not_downloadable(client, consultation, caseworker):
    send(client, consultation, [pdf_file(pdf_samples.letter())], name="")
    pending = FeedbackAttachment.objects.get()
    staff = Client()
    staff.force_login(caseworker)
    assert staff.get(f"/admin/portal/feedback/vedlegg/{pending.pk}/original/").status_code == 404


# --- Exports, ZIP, purge, receipt e-mail -----------------------------------------------------


def test_exports_list_attachments_and_the_zip_holds_the_filtered_set(
    checked, client, consultation, caseworker
):
    from django.contrib.auth.models import Permission

    send(client, consultation, name="Uten vedlegg")
    caseworker.user_permissions.add(Permission.objects.get(codename="export_feedback"))
    staff = Client()
    staff.force_login(caseworker)
    csv_text = staff.get("/admin/portal/feedback/eksport/csv/").content.decode("utf-8-sig")
    header, *rows = csv_text.splitlines()
    assert "Vedlegg" in header.split(";")
    assert any("brev.pdf (" in row and "klar)" in row for row in rows)

    response = staff.get("/admin/portal/feedback/eksport/zip/", {"q": checked.feedback.reference})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="vedlegg-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    reference = checked.feedback.reference
    names = set(archive.namelist())
    assert {f"{reference}/original/1-brev.pdf", f"{reference}/trygg/1-brev.pdf", "vedlegg.csv"} == (
        names
    )
    assert archive.read(f"{reference}/original/1-brev.pdf") == WITH_SCRIPTS
    listing = archive.read("vedlegg.csv").decode("utf-8-sig")
    assert checked.sha256 in listing


def test_purge_deletes_attachments_with_their_input(checked, store):
    import datetime as dt

    assert len(stored_files(store / "originals")) == 1
    assert len(stored_files(store / "safe")) == 1
    Feedback.objects.update(
        status=Feedback.Status.SPAM, submitted_at=checked.feedback.submitted_at - dt.timedelta(400)
    )
    call_command("purge_feedback", stdout=io.StringIO())
    assert Feedback.objects.count() == 0 and FeedbackAttachment.objects.count() == 0
    assert stored_files(store / "originals") == [] and stored_files(store / "safe") == []


def test_the_receipt_email_gives_the_sizes_but_not_the_names_of_the_files(
    client, consultation, run_tasks
):
    # A file name is text the sender typed: in a mail to any address it would be relayed.
    send(
        client,
        consultation,
        [pdf_file(pdf_samples.letter(), "Ring 815 00 000 for premie.pdf")],
        email="a@b.no",
    )
    run_tasks("default")
    [message] = mail.outbox
    assert re.search(r"Vedlegg \(PDF\): [\d,]+\s(byte|KB)", message.body)
    assert "premie" not in message.body and "815" not in message.body


def test_file_modes_keep_the_store_private(client, consultation, store):
    send(client, consultation, [pdf_file(pdf_samples.letter())])
    assert oct(os.stat(store).st_mode & 0o777) == "0o700"


def test_the_form_still_checks_the_csrf_token(consultation, store):
    # The view sets its upload handlers before the CSRF check reads the body, so it checks the
    # token itself: a post from another site stores nothing, not even its file.
    strict = Client(enforce_csrf_checks=True)
    response = send(strict, consultation, [pdf_file(pdf_samples.letter())])
    assert response.status_code == 403
    assert Feedback.objects.count() == 0 and FeedbackAttachment.objects.count() == 0
    assert stored_files(store / "originals") == []


def test_a_check_that_runs_out_of_time_says_so_and_keeps_the_text(client, consultation, settings):
    settings.ATTACHMENT_CHECK_TIMEOUT = 0.01
    first = f"svar_{consultation.questions.get(order=1).pk}"
    response = send(client, consultation, [pdf_file(pdf_samples.letter())], **{first: "Mitt svar"})
    assert response.status_code == 200
    assert "Vi rakk ikke å kontrollere «brev.pdf»" in error_beside_the_field(response.text)
    assert "Mitt svar" in response.text
    assert FeedbackAttachment.objects.count() == 0
