"""make backup / make restore: dump, restore into an empty database, same rows, a working site."""

import os
import subprocess
import sys
import tarfile
import urllib.request
import uuid

import psycopg
import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from psycopg import sql

from portal.content import import_content
from tests.servers import ROOT, gunicorn
from tests.servers import test_database_url as source_database_url

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def run_script(name: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def counts(url: str) -> dict[str, int]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from backup import row_counts
    finally:
        sys.path.pop(0)
    return row_counts(url)


@pytest.fixture
def empty_database_url():
    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    source = source_database_url()
    url = source.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with psycopg.connect(source.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def site_with_data(content_dir, tmp_path):
    import_content(content_dir)
    staff = User.objects.create_user("redaktor", password="et-langt-passord-1", is_staff=True)
    TOTPDevice.objects.create(user=staff, name="Telefon", confirmed=True)
    media = tmp_path / "media"
    (media / "opplastinger").mkdir(parents=True)
    (media / "opplastinger" / "bilde.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    return media


@pytest.fixture
def letter_with_a_queued_receipt(tmp_path):
    """An input with a PDF letter in the attachment store, whose receipt is still queued."""
    from portal.models import FeedbackAttachment
    from portal.tasks import mail_receipt
    from tests.conftest import add_feedback, make_consultation

    store = tmp_path / "attachments"
    (store / "originals").mkdir(parents=True)
    (store / "originals" / "abc123.pdf").write_bytes(b"%PDF-1.7 brev")
    feedback = add_feedback(make_consultation(), email="kari@example.no")
    FeedbackAttachment.objects.create(
        feedback=feedback,
        display_name="brev.pdf",
        size=13,
        sha256="0" * 64,
        original_path="originals/abc123.pdf",
    )
    mail_receipt.enqueue(feedback.pk)
    return store


def queued_receipts(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'portal.tasks.mail.mail_receipt' AND status = 'READY'"
        ).fetchone()[0]


def test_a_backup_restores_into_an_empty_database_with_every_row_and_a_working_site(
    site_with_data, letter_with_a_queued_receipt, empty_database_url, tmp_path
):
    source = source_database_url()
    backups = tmp_path / "backups"
    assert queued_receipts(source) == 1
    made = run_script(
        "backup.py",
        "--output-dir",
        str(backups),
        DATABASE_URL=source,
        DJANGO_MEDIA_ROOT=str(site_with_data),
        ATTACHMENT_ROOT=str(letter_with_a_queued_receipt),
    )
    assert made.returncode == 0, made.stderr
    [archive] = backups.glob("veileder-*.tar")
    assert oct(archive.stat().st_mode & 0o777) == "0o600", "personal data: owner only"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {
        "manifest.json",
        "database.dump",
        "media/opplastinger/bilde.png",
        "attachments/originals/abc123.pdf",
    } <= names

    restored_media = tmp_path / "restored-media"
    restored_store = tmp_path / "restored-attachments"
    restored = run_script(
        "restore.py",
        str(archive),
        DATABASE_URL=empty_database_url,
        DJANGO_MEDIA_ROOT=str(restored_media),
        ATTACHMENT_ROOT=str(restored_store),
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert (restored_store / "originals" / "abc123.pdf").read_bytes() == b"%PDF-1.7 brev"
    # The receipt may have gone out after the backup was made: it is never sent again.
    assert queued_receipts(empty_database_url) == 0
    assert "blir ikke sendt" in restored.stdout

    before, after = counts(source), counts(empty_database_url)
    assert before == after
    assert before["portal_chapter"] == 2 and before["otp_totp_totpdevice"] == 1
    assert (restored_media / "opplastinger" / "bilde.png").read_bytes().startswith(b"\x89PNG")

    with gunicorn(
        workers=1, DATABASE_URL=empty_database_url, DJANGO_MEDIA_ROOT=str(restored_media)
    ) as base:
        with urllib.request.urlopen(f"{base}/veileder/om-veilederen/", timeout=20) as response:
            assert response.status == 200
            assert "Hvem veilederen er for." in response.read().decode("utf-8")
        with urllib.request.urlopen(f"{base}/media/opplastinger/bilde.png", timeout=20) as image:
            assert image.status == 200


def test_restore_refuses_to_overwrite_a_database_without_force(site_with_data, tmp_path):
    backups = tmp_path / "backups"
    source = source_database_url()
    run_script("backup.py", "--output-dir", str(backups), DATABASE_URL=source)
    [archive] = backups.glob("veileder-*.tar")
    refused = run_script("restore.py", str(archive), DATABASE_URL=source)
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert counts(source)["portal_chapter"] == 2
