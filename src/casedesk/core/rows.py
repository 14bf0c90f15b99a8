"""Insert model rows with one plain ``INSERT … VALUES (…), (…)`` (many rows on PostgreSQL:
one ``COPY``): for the hot path only.

The ORM builds its INSERT anew on every ``save()`` and ``bulk_create()``; opening a CASE
spent more than half its CPU there.  The statement for a model and a number of rows is the
same every time, so it is built once per process here; values go through each field's own
``get_db_prep_save``, exactly as the ORM would send them.  No signals are sent (none of the
models written here has receivers), and only :func:`insert_one` reads the key back.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models


def _column(field: models.Field) -> str:
    assert field.column is not None  # (a concrete field has its column)
    return field.column


@cache
def _statement(
    vendor: str, model: type[models.Model], n: int, returning: bool
) -> tuple[str, tuple[models.Field, ...]]:
    connection = connections[DEFAULT_DB_ALIAS]
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    one = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(_column(f)) for f in fields)})"
        f" VALUES {', '.join([one] * n)}"
    )
    if returning:
        sql += f" RETURNING {quote(_column(model._meta.pk))}"
    return sql, fields


def _run(model: type[models.Model], objs: Sequence[models.Model], want_key: bool):
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: one lookup, not one a value
    returning = want_key and connection.features.can_return_columns_from_insert
    sql, fields = _statement(connection.vendor, model, len(objs), returning)
    params = [
        f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            return cursor.fetchone()[0]
        return cursor.lastrowid if want_key else None


# From this many rows on, PostgreSQL is sent them by COPY: a statement with thousands of
# parameters costs more to build and parse (psycopg splits it on every call) than to run.
COPY_FROM = 100


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Write ``objs`` (unsaved instances of ``model``) in one statement (many on PostgreSQL:
    one COPY); keys not read."""
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and len(objs) >= COPY_FROM:
        _copy(model, objs)
        return
    _run(model, objs, want_key=False)


def _copy(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(_column(f)) for f in fields)})"
        " FROM STDIN"
    )
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for obj in objs:
            copy.write_row(
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            )


M = TypeVar("M", bound=models.Model)


def insert_one(obj: M) -> M:
    """Write the unsaved ``obj`` and give it its primary key, as ``save(force_insert=True)``."""
    obj.pk = _run(type(obj), [obj], want_key=True)
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    return obj


@cache
def _update_statement(vendor: str, model: type[models.Model], names: tuple[str, ...]):
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    fields = tuple(cast(models.Field, model._meta.get_field(name)) for name in names)
    sets = ", ".join(f"{quote(_column(f))} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(_column(model._meta.pk))} = %s"
    return sql, fields


def update(model: type[models.Model], pk: int, **values) -> None:
    """``model.objects.filter(pk=pk).update(**values)`` for plain field values."""
    update_each((model, pk, values))


def update_each(*updates: tuple[type[models.Model], int, dict]) -> None:
    """:func:`update` for each ``(model, pk, values)``; on PostgreSQL in one statement (the
    first ones as data-modifying ``WITH`` clauses): one round trip, where a lock is held."""
    connection = connections[DEFAULT_DB_ALIAS]
    statements, params = [], []
    for model, pk, values in updates:
        sql, fields = _update_statement(connection.vendor, model, tuple(values))
        statements.append(sql)
        params.append(
            [
                f.get_db_prep_save(v, connection)
                for f, v in zip(fields, values.values(), strict=True)
            ]
            + [pk]
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            ctes = ", ".join(f"u{i} AS ({sql})" for i, sql in enumerate(statements[:-1]))
            cursor.execute(f"WITH {ctes} {statements[-1]}", [p for ps in params for p in ps])
            return
        for sql, ps in zip(statements, params, strict=True):
            cursor.execute(sql, ps)
