"""CASE numbers: ``C`` + YYMM of the desk's local time + a serial that restarts monthly.

The serial comes from one upsert on ``CaseNumberSequence`` inside the opening transaction:
on PostgreSQL the row lock serializes concurrent openings in the same month, on SQLite
the IMMEDIATE transaction does; a rolled-back opening gives its serial back.  Past 999 the
serial simply grows a digit (C26111000) and never wraps.
"""

import datetime as dt

from casedesk.core import numbering

from .models import CaseNumberSequence

period_of = numbering.period_of


def format_number(period: str, serial: int) -> str:
    return f"C{period}{serial:03d}"


def next_number(at: dt.datetime) -> str:
    """Take the next number for an instant; call inside the transaction that saves the CASE."""
    period = period_of(at)
    return format_number(period, numbering.take(CaseNumberSequence, period))
