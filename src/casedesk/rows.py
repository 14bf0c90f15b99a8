"""Insert model rows in one plain ``INSERT … VALUES (…), (…)``: for the hot path only.

``bulk_create`` builds its SQL anew on every call (a third of opening a CASE went there).
The statement for a model and a number of rows is the same every time, so it is built once
per process here; values go through each field's own ``get_db_prep_save``, exactly as the
ORM would send them.  No signals, no primary keys read back: use it for rows nobody refers
to by id in the same transaction (a new CASE's deadlines and clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection, models


@cache
def _statement(
    vendor: str, model: type[models.Model], n: int
) -> tuple[str, tuple[models.Field, ...]]:
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    one = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES {', '.join([one] * n)}"
    )
    return sql, fields


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Write ``objs`` (unsaved instances of ``model``) in one statement."""
    if not objs:
        return
    sql, fields = _statement(connection.vendor, model, len(objs))
    params = [
        f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
