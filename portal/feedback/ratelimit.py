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

# The table of portal.models.RateCounter (tests/test_hoering.py holds the two together).
_COUNT = """
    INSERT INTO portal_ratecounter (key, count, expires_at) VALUES (%s, 1, %s)
    ON CONFLICT (key) DO UPDATE SET count = portal_ratecounter.count + 1
    RETURNING count
"""
_SWEEP = "DELETE FROM portal_ratecounter WHERE expires_at < %s"


def count_hit(key: str, *, expires_at: dt.datetime) -> int:
    """Add one to the counter `key` (kept until `expires_at`) and return the new count; windows
    past their time are deleted on the way."""
    with connection.cursor() as cursor:
        cursor.execute(_SWEEP, [timezone.now()])
        cursor.execute(_COUNT, [key, expires_at])
        return cursor.fetchone()[0]
