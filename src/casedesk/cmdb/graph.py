"""Walks over the CI relations in the database: one recursive CTE each (``WITH RECURSIVE``
runs on PostgreSQL and SQLite alike).

``UNION`` (not ``UNION ALL``) keeps each CI once, so a walk ends even on a cycle (the
operations refuse cycles of ``depends_on``/``runs_on``; a row written behind their back
must still not hang a P1's page).  Only those kinds carry impact: ``connected_to`` is a
symmetric link between peers (``choices.IMPACT_KINDS``)."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models.expressions import RawSQL

from .choices import IMPACT_KINDS
from .models import ConfigurationItem, Relation, Service

_KINDS = ", ".join(f"'{kind.value}'" for kind in IMPACT_KINDS)


@functools.cache
def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    through = Service.items.through._meta.db_table
    return {
        "rel": q(Relation._meta.db_table),
        "items": q(through),
        "ci": q(ConfigurationItem._meta.db_table),
    }


def _walk(*, upward: bool) -> str:
    """``hit``: the start and every CI that depends on it (``upward``), or the start and
    everything it depends on."""
    near, far = ("target_id", "source_id") if upward else ("source_id", "target_id")
    # The start read from its table, so both terms have the id column's type (PostgreSQL).
    return (
        "WITH RECURSIVE hit(id) AS ("
        f" SELECT id FROM {_tables()['ci']} WHERE id = %s"
        " UNION"
        f" SELECT r.{far} FROM {_tables()['rel']} r JOIN hit ON r.{near} = hit.id"
        f" WHERE r.kind IN ({_KINDS})"
        ") "
    )


def impacted_ids(ci_id: int) -> RawSQL:
    """The ids of the CIs hit when ``ci_id`` fails (itself excluded), as a subquery."""
    return RawSQL(_walk(upward=True) + "SELECT id FROM hit WHERE id <> %s", (ci_id, ci_id))


def impacted_service_ids(ci_id: int) -> RawSQL:
    """The ids of the services that depend on ``ci_id`` or on a CI it hits, as a subquery."""
    items = _tables()["items"]
    return RawSQL(
        _walk(upward=True)
        + f"SELECT s.service_id FROM hit JOIN {items} s ON s.configurationitem_id = hit.id",
        (ci_id,),
    )


def depends_on(source_id: int, target_id: int) -> bool:
    """Does ``source_id`` (or anything it depends on) already depend on ``target_id``?
    Asked the other way round it answers whether a new relation would close a cycle."""
    with connection.cursor() as cursor:
        cursor.execute(
            _walk(upward=False) + "SELECT 1 FROM hit WHERE id = %s LIMIT 1",
            (source_id, target_id),
        )
        return cursor.fetchone() is not None


def lock_relations() -> None:
    """Serialize the additions of impact relations (PostgreSQL): two concurrent ones could
    each pass the cycle check and close a cycle together.  SQLite writes one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (0x434D4442,))
