"""CASE numbers: ``C`` + YYMM of the desk's local time + a serial that restarts monthly.

The serial comes from one upsert on ``CaseNumberSequence`` inside the opening transaction:
on PostgreSQL the row lock serializes concurrent openings in the same month, on SQLite
the IMMEDIATE transaction does; a rolled-back opening gives its serial back.  Past 999 the
serial simply grows a digit (C26111000) and never wraps.
"""

import datetime as dt

from django.db import connection

from casedesk.core import clock

from .models import CaseNumberSequence


def period_of(at: dt.datetime) -> str:
    return clock.local(at).strftime("%y%m")


def format_number(period: str, serial: int) -> str:
    return f"C{period}{serial:03d}"


def next_number(at: dt.datetime) -> str:
    """Take the next number for an instant; call inside the transaction that saves the CASE."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that creates the CASE")
    period = period_of(at)
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (period, last_serial) VALUES (%s, 1) "
            f"ON CONFLICT (period) DO UPDATE SET last_serial = {table}.last_serial + 1 "
            "RETURNING last_serial",
            [period],
        )
        (serial,) = cursor.fetchone()
    return format_number(period, serial)
