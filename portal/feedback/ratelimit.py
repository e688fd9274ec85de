"""Counting a client's submissions per time window in PostgreSQL (portal.models.RateCounter).

Why the database and not the cache: without Redis the cache is each worker's own memory, so a
limit of 10 an hour became 10 per worker and reset on every restart. The database is the one
store every worker and every instance already shares, it survives restarts, and a submission
writes to it anyway, so one more small upsert costs nothing anyone would notice. One statement
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING) counts atomically, also for parallel posts.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from portal.models import RateCounter

_TABLE = RateCounter._meta.db_table

_COUNT = f"""
    INSERT INTO {_TABLE} (key, count, expires_at) VALUES (%s, 1, %s)
    ON CONFLICT (key) DO UPDATE SET count = {_TABLE}.count + 1
    RETURNING count
"""


def count_hit(key: str, *, expires_at: dt.datetime) -> int:
    """Add one to the counter `key` (kept until `expires_at`) and return the new count; windows
    past their time are deleted on the way."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE} WHERE expires_at < %s", [timezone.now()])
        cursor.execute(_COUNT, [key, expires_at])
        return cursor.fetchone()[0]
