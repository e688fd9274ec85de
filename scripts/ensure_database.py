"""Creates the database named by DATABASE_URL when it is missing; one clear line when it cannot."""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/veileder"


def main() -> int:
    config = dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "connect_timeout": 5,
    }
    name = config["NAME"]
    try:
        with psycopg.connect(**params, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Opprettet databasen {name}.")
    except psycopg.OperationalError:
        where = f"{params['host'] or 'localhost'}:{params['port'] or 5432}"
        print(
            f"Får ikke kontakt med PostgreSQL på {where}. Start PostgreSQL, "
            "eller sett DATABASE_URL til en database du har tilgang til.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
