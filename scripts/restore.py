"""Restores a backup made by backup.py into the database named by DATABASE_URL.

    python scripts/restore.py FILE [--force]

The database is created when it does not exist. Restoring over a database that already has
tables replaces its content, so it needs --force. Media files are unpacked into MEDIA_ROOT, the
attached letters into ATTACHMENT_ROOT (owner only). Afterwards every table's row count is
compared with the backup's manifest, and the page cache is invalidated so no page from before the
restore is served. Receipts still queued in the backup are not sent: the backup may be older than
the mail that went out, and a respondent must never get a receipt twice.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import psycopg
from backup import (
    ROOT,
    attachment_root,
    connection_params,
    database_url,
    libpq_environment,
    media_root,
    row_counts,
    tool,
)
from psycopg import sql


def ensure_database(url: str) -> None:
    params = connection_params(url)
    name = params["dbname"]
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Opprettet databasen {name}.")


def without_materialized_view_data(dump: Path) -> str:
    """The dump's table of contents, minus the refresh of materialized views.

    pg_restore refreshes them with an empty search_path, which breaks a view whose query names
    tables without their schema inside a string (the search vocabulary's ts_stat). They are
    refreshed after the restore instead, in an ordinary session.
    """
    listing = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    return "".join(
        f";{line}" if "MATERIALIZED VIEW DATA" in line else line
        for line in listing.splitlines(keepends=True)
    )


def refresh_materialized_views(url: str) -> None:
    with psycopg.connect(**connection_params(url), autocommit=True) as connection:
        views = connection.execute(
            "SELECT schemaname, matviewname FROM pg_matviews WHERE schemaname = 'public'"
        ).fetchall()
        for schema, name in views:
            connection.execute(
                sql.SQL("REFRESH MATERIALIZED VIEW {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(name)
                )
            )


def restore(archive_path: Path, *, force: bool) -> list[str]:
    """Restores; returns the tables whose row counts differ from the manifest (none is right)."""
    url = database_url()
    ensure_database(url)
    if row_counts(url) and not force:
        raise SystemExit(
            f"Databasen {connection_params(url)['dbname']} har allerede tabeller. "
            "Bruk --force (make restore FILE=... FORCE=1) for å erstatte innholdet."
        )
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(archive_path) as archive:
            archive.extractall(work, filter="data")  # refuses absolute paths, .. and links out
        manifest = json.loads((Path(work) / "manifest.json").read_text(encoding="utf-8"))
        command = [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        if force:
            command += ["--clean", "--if-exists"]
        dump = Path(work) / "database.dump"
        toc = Path(work) / "toc.list"
        toc.write_text(without_materialized_view_data(dump), encoding="utf-8")
        command += ["--single-transaction", f"--dbname={connection_params(url)['dbname']}"]
        subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [*command, f"--use-list={toc}", str(dump)],
            env=libpq_environment(url),
            check=True,
        )
        refresh_materialized_views(url)
        media = Path(work) / "media"
        if media.is_dir():
            shutil.copytree(media, media_root(), dirs_exist_ok=True)
        store = Path(work) / "attachments"
        if store.is_dir():
            target = attachment_root()
            target.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copytree(store, target, dirs_exist_ok=True)
    restored = row_counts(url)
    expected = manifest["tables"]
    return sorted(
        table
        for table in expected.keys() | restored.keys()
        if expected.get(table) != restored.get(table)
    )


RECEIPT_TASK = "portal.tasks.mail.mail_receipt"


def cancel_queued_receipts(url: str) -> int:
    """Receipts waiting in the restored queue are marked failed, not sent (see the docstring);
    staff see them among the failed tasks, and receipt_sent_at stays empty on the input."""
    with psycopg.connect(**connection_params(url), autocommit=True) as connection:
        cursor = connection.execute(
            "UPDATE django_tasks_database_dbtaskresult SET status = 'FAILED', "
            "finished_at = now(), exception_class_path = %s, traceback = %s "
            "WHERE task_path = %s AND status IN ('READY', 'RUNNING')",
            [
                "scripts.restore.NotSentAfterRestore",
                "Ikke sendt: sikkerhetskopien ble gjenopprettet før kvitteringen var sendt.",
                RECEIPT_TASK,
            ],
        )
        return cursor.rowcount


def invalidate_page_cache() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from portal.publishing import content_changed; content_changed()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        print(
            "Advarsel: fikk ikke tømt sidebufferen; start appen på nytt. " + result.stderr[-500:],
            file=sys.stderr,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description="Gjenoppretter en sikkerhetskopi.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--force", action="store_true", help="erstatt innholdet i en database")
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"Fant ikke {args.file}.", file=sys.stderr)
        return 1
    try:
        mismatched = restore(args.file, force=args.force)
    except (subprocess.CalledProcessError, psycopg.OperationalError) as error:
        print(f"Gjenopprettingen feilet: {error}", file=sys.stderr)
        return 1
    if mismatched:
        print(f"Antall rader stemmer ikke i: {', '.join(mismatched)}", file=sys.stderr)
        return 1
    cancelled = cancel_queued_receipts(database_url())
    if cancelled:
        print(f"{cancelled} kvitteringer som lå i køen, blir ikke sendt etter gjenopprettingen.")
    invalidate_page_cache()
    print(f"Gjenopprettet {args.file} til {connection_params(database_url())['dbname']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
