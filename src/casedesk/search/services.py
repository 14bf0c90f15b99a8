"""Writes of the search index: a CASE's document follows every change of its text.

``on_event`` runs inside each CASE operation's transaction (``cases.services._event``), so
the index never disagrees with a committed CASE.  It is cheap on purpose: an opening
inserts one row, a work log appends its tokens to the document (no re-read of earlier
logs), only a change of the title, description, solution or another part of the record
rewrites the head of the document.  ``reindex`` rebuilds documents from the CASEs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, transaction

from casedesk.cases.choices import EventKind
from casedesk.cases.models import Case, CaseEvent, WorkLog

from .models import CaseDocument, TokenStat, encode, tsvector
from .tokens import tokens

TABLE = CaseDocument._meta.db_table
STATS = TokenStat._meta.db_table
# The CASE's own text besides its title (not its number: that is matched exactly, and an
# opening writes its event before the number is taken).
BODY_FIELDS = (
    "description",
    "solution",
    "hardware_platform",
    "software_version",
    "serial_number",
    "contract_id",
    "vendor_reference",
    "caller_name",
    "caller_company",
)
HEAD_FIELDS = frozenset(("title", *BODY_FIELDS))
# Cap on the tokens of one part: a pasted 1 MB log must not break (or bloat) the index.
MAX_TOKENS = 20_000


def _head(case: Any) -> tuple[list[str], list[str]]:
    """The title's and the rest of the record's tokens."""
    body = "\n".join(v for f in BODY_FIELDS if (v := getattr(case, f)))
    return tokens(case.title)[:MAX_TOKENS], tokens(body)[:MAX_TOKENS]


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _literal(parts: list[str], weight: str) -> str:
    return encode(parts, weight, connection.vendor)


def on_event(case: Case, event: CaseEvent) -> None:
    """Bring the CASE's document in line with what ``event`` changed, if it changed text."""
    kind = event.kind
    if kind == EventKind.OPENED:
        title, body = _head(case)
        params: list[int | str] = [case.pk, _literal(title, "A"), _literal(body, "B")]
        if _pg():
            sql = (
                f"INSERT INTO {TABLE} (case_id, title, body, logs, internal, document) "
                "VALUES (%s, %s::tsvector, %s::tsvector, '', '', %s::tsvector)"
            )
            params.append(tsvector([(title, "A"), (body, "B")]))
        else:
            sql = (
                f"INSERT INTO {TABLE} (case_id, title, body, logs, internal) "
                "VALUES (%s, %s, %s, '', '')"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    elif kind == EventKind.WORK_LOGGED:
        note = event.data.get("note") or ""
        _append(case, tokens(note)[:MAX_TOKENS], internal=event.internal)
        if not HEAD_FIELDS.isdisjoint(event.data):  # a step that changed the record too
            _rewrite_head(case)  # (a vendor case's: the CASE's vendor case numbers)
    elif not HEAD_FIELDS.isdisjoint(event.data):
        _rewrite_head(case)


def _rewrite_head(case: Case) -> None:
    """The document's title and record parts, rebuilt from the CASE's fields."""
    title, body = _head(case)
    if _pg():
        sql = (
            f"UPDATE {TABLE} SET title = %s::tsvector, body = %s::tsvector, "
            "document = %s::tsvector || %s::tsvector || logs || internal WHERE case_id = %s"
        )
        params = [_literal(title, "A"), _literal(body, "B")] * 2 + [case.pk]
    else:
        sql = f"UPDATE {TABLE} SET title = %s, body = %s WHERE case_id = %s"
        params = [_literal(title, "A"), _literal(body, "B"), case.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount == 0:
            reindex([case.pk])


def _append(case: Case, note: list[str], *, internal: bool) -> None:
    if not note:
        return
    column, weight = ("internal", "D") if internal else ("logs", "C")
    if _pg():
        # ``||`` shifts the new positions past the old ones: phrases stay within a log.
        sql = (
            f"UPDATE {TABLE} SET {column} = {column} || %s::tsvector, "
            "document = document || %s::tsvector WHERE case_id = %s"
        )
        text = _literal(note, weight)
        params: list[int | str] = [text, text, case.pk]
    else:
        sql = (
            f"UPDATE {TABLE} SET {column} = CASE WHEN {column} = '' THEN %s "
            f"ELSE {column} || ' ' || %s END WHERE case_id = %s"
        )
        text = _literal(note, weight)
        params = [text, text, case.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount == 0:  # a CASE from before the index: build it whole
            reindex([case.pk])


def documents(
    case_ids: list[int] | None = None,
    *,
    batch: int = 2000,
    case_model: Any = Case,
    worklog_model: Any = WorkLog,
) -> Iterator[list[tuple]]:
    """Batches of rows ``(case_id, title, body, logs, internal[, document])`` in the
    database's form, built from the CASEs (all, or ``case_ids``) and their work logs."""
    qs = case_model.objects.order_by("pk").only("pk", "title", *BODY_FIELDS)
    if case_ids is not None:
        qs = qs.filter(pk__in=case_ids)
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:batch])
        if not chunk:
            return
        last = chunk[-1].pk
        notes: dict[tuple[int, bool], list[str]] = defaultdict(list)
        logs = (
            worklog_model.objects.filter(case_id__in=[c.pk for c in chunk])
            .order_by("case_id", "created_at", "pk")
            .values_list("case_id", "internal", "note")
        )
        for case_id, internal, note in logs:
            notes[(case_id, internal)].extend(tokens(note))
        rows = []
        pg = _pg()
        for case in chunk:
            title, body = _head(case)
            logs = notes.get((case.pk, False), [])[:MAX_TOKENS]
            internal = notes.get((case.pk, True), [])[:MAX_TOKENS]
            row: tuple = (
                case.pk,
                _literal(title, "A"),
                _literal(body, "B"),
                _literal(logs, "C"),
                _literal(internal, "D"),
            )
            if pg:
                row += (tsvector([(title, "A"), (body, "B"), (logs, "C"), (internal, "D")]),)
            rows.append(row)
        yield rows


def reindex(
    case_ids: Iterable[int] | None = None,
    *,
    case_model: Any = Case,
    worklog_model: Any = WorkLog,
    progress: Callable[[int], None] | None = None,
    stats: bool = True,
) -> int:
    """Rebuild the documents of ``case_ids`` (all CASEs when None, then the token
    statistics too unless not ``stats``); the number rebuilt.

    One transaction; each batch is read in full before it is written (COPY on PostgreSQL:
    the connection can run no other query while a COPY is open).
    """
    ids = None if case_ids is None else list(case_ids)
    if ids == []:
        return 0
    columns = "case_id, title, body, logs, internal" + (", document" if _pg() else "")
    done = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if ids is None:
                cursor.execute(f"DELETE FROM {TABLE}")
            else:
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM {TABLE} WHERE case_id IN ({marks})", ids)
        for rows in documents(ids, case_model=case_model, worklog_model=worklog_model):
            with connection.cursor() as cursor:
                if _pg():
                    with cursor.cursor.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    sql = f"INSERT INTO {TABLE} ({columns}) VALUES (%s, %s, %s, %s, %s)"
                    cursor.executemany(sql, rows)
            done += len(rows)
            if progress:
                progress(done)
        if ids is None and stats:
            refresh_stats()
    return done


def refresh_stats() -> None:
    """Count in how many documents each token occurs (PostgreSQL; SQLite's FTS5 keeps
    these counts itself).  Seconds at 100,000 CASEs: for ``reindex`` and a nightly job."""
    if not _pg():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STATS}")
        cursor.execute(
            f"INSERT INTO {STATS} (token, documents) SELECT word, ndoc "
            f"FROM ts_stat('SELECT document FROM {TABLE}') WHERE length(word) <= 64"
        )
        cursor.execute(f"INSERT INTO {STATS} (token, documents) SELECT '', count(*) FROM {TABLE}")
