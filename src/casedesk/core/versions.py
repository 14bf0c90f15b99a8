"""One-row version tables: how every process learns that cached configuration changed.

A process keeps configuration in memory (SLA levels, active webhooks) for as long as its
table's single row holds the number it was read with.  Reading the row is one primary-key
lookup per operation, in plain SQL (every CASE operation asks, and the ORM's query building
cost twenty times the lookup itself); a save or delete of the configuration bumps the
number in the same transaction, so an administrator's edit applies at once everywhere.
"""

from __future__ import annotations

from django.db import connection, models


def read(model: type[models.Model]) -> int | None:
    """The current number, or None while nothing was ever changed."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def bump(model: type[models.Model]) -> None:
    """The configuration changed in this transaction: every process reloads it."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, version) VALUES (1, 1) "
            f"ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1"
        )
