"""Numbers people read aloud: a letter, YYMM of the desk's local time and a serial that
restarts monthly (``C2611001`` a CASE, ``R2612001`` an RMA, ``K2612001`` a complaint).

The serial comes from one upsert on the domain's sequence table (a model with ``period``
as its primary key and ``last_serial``) inside the transaction that saves the numbered
row: on PostgreSQL the row lock serializes concurrent takers in the same month, on SQLite
the IMMEDIATE transaction does; a rolled-back transaction gives its serial back.  Past 999
the serial grows a digit and never wraps.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from . import clock


def period_of(at: dt.datetime) -> str:
    return clock.local(at).strftime("%y%m")


def take(sequence, period: str) -> int:
    """The next serial of ``period`` in the ``sequence`` model's table."""
    if not connection.in_atomic_block:
        raise RuntimeError("a number is taken inside the transaction that saves its row")
    table = connection.ops.quote_name(sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (period, last_serial) VALUES (%s, 1) "
            f"ON CONFLICT (period) DO UPDATE SET last_serial = {table}.last_serial + 1 "
            "RETURNING last_serial",
            [period],
        )
        (serial,) = cursor.fetchone()
    return serial


def monthly(prefix: str, sequence, at: dt.datetime) -> str:
    """``prefix`` + YYMM of ``at`` + the month's next serial (three digits at least)."""
    period = period_of(at)
    return f"{prefix}{period}{take(sequence, period):03d}"
