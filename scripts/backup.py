"""Backs up the database (pg_dump, custom format), uploaded media and the attachment store (the
letters attached to input) into one file in backups/.

    python scripts/backup.py [--output-dir DIR]

The file, backups/veileder-YYYYmmdd-HHMMSS.tar, holds database.dump, the media folder, the
attachments folder and manifest.json with the row count of every table, which restore.py checks
after restoring. It contains personal data (input from the public, staff accounts): it is
readable by its owner only and belongs wherever the database itself may be kept.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/veileder"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def media_root() -> Path:
    return Path(os.environ.get("DJANGO_MEDIA_ROOT") or ROOT / "media")


def attachment_root() -> Path:
    """settings.ATTACHMENT_ROOT, read the same way without starting Django."""
    return Path(os.environ.get("ATTACHMENT_ROOT") or ROOT / ".local" / "attachments")


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def connection_params(url: str, dbname: str | None = None) -> dict:
    config = dj_database_url.parse(url)
    return {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": dbname or config["NAME"],
        "connect_timeout": 5,
    }


def libpq_environment(url: str) -> dict[str, str]:
    """pg_dump and pg_restore get the connection through libpq's variables, not the command line,
    so a password never shows in the process list."""
    params = connection_params(url)
    env = dict(os.environ)
    for key, name in [("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER")]:
        if params[key]:
            env[name] = str(params[key])
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    env["PGDATABASE"] = params["dbname"]
    return env


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(
            f"Fant ikke {name}. Installer PostgreSQL-klienten (apt-get install postgresql-client)."
        )
    return path


def row_counts(url: str) -> dict[str, int]:
    """Rows in every table of the public schema, by name."""
    with psycopg.connect(**connection_params(url)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def backup(output_dir: Path) -> Path:
    url = database_url()
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"veileder-{stamp}.tar"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database.dump"
        subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            env=libpq_environment(url),
            check=True,
        )
        media = media_root()
        store = attachment_root()
        manifest = {
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "database": connection_params(url)["dbname"],
            "tables": row_counts(url),
            "media_files": count_files(media),
            "attachment_files": count_files(store),
        }
        (Path(work) / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        partial = target.with_suffix(".tar.partial")
        old_umask = os.umask(0o077)  # personal data: the owner alone may read the backup
        try:
            with tarfile.open(partial, "w") as archive:
                archive.add(Path(work) / "manifest.json", arcname="manifest.json")
                archive.add(dump, arcname="database.dump")
                if media.is_dir():
                    archive.add(media, arcname="media")
                if store.is_dir():
                    # Half-received uploads are no one's input: left out.
                    archive.add(store, arcname="attachments", filter=_not_incoming)
        finally:
            os.umask(old_umask)
        shutil.move(partial, target)  # never a half-written backup under the final name
    return target


def _not_incoming(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if member.name.startswith("attachments/incoming/") else member


def main() -> int:
    parser = argparse.ArgumentParser(description="Sikkerhetskopi av databasen og opplastede filer.")
    parser.add_argument("--output-dir", type=Path, default=ROOT / "backups")
    args = parser.parse_args()
    try:
        target = backup(args.output_dir)
    except (subprocess.CalledProcessError, psycopg.OperationalError) as error:
        print(f"Sikkerhetskopien feilet: {error}", file=sys.stderr)
        return 1
    print(f"Sikkerhetskopi skrevet til {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
