"""Run callables in threads at the same moment, each on its own database connection, and on
PostgreSQL make them collide for certain: the race a get-or-create must survive."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, connections, transaction


def race(
    work: list[Callable[[], Any]], *, hold: type | None = None, timeout: float = 60
) -> tuple[list[Any], list[BaseException]]:
    """Run each callable in its own thread at once: (results, errors).

    On PostgreSQL with ``hold`` (a model), the test's connection takes a SHARE ROW EXCLUSIVE
    lock on its table first, so no thread can write to it; the lock is let go only when
    every thread waits for a lock — each has read and checked and is about to write (or
    waits for another's row lock).  That is the interleaving an unprotected
    check-then-insert loses; without the hold, two threads rarely meet inside it.
    SQLite runs its writers one after the other (IMMEDIATE transactions): no hold there."""
    postgres = connection.vendor == "postgresql"
    start = threading.Barrier(len(work) + 1)
    pids: list[int] = []
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            if postgres:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    with lock:
                        pids.append(cursor.fetchone()[0])
            start.wait(timeout=timeout)
            result = job()
            with lock:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    if postgres and hold is not None:
        with transaction.atomic(), connection.cursor() as cursor:
            table = connection.ops.quote_name(hold._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            start.wait(timeout=timeout)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)",
                    [pids],
                )
                if cursor.fetchone()[0] >= len(work):
                    break
                time.sleep(0.02)
    else:
        start.wait(timeout=timeout)
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a racer hung"
    return results, errors
