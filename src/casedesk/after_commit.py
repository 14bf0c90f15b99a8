"""Run a function once when the current transaction commits, however often it is asked for."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


def once(func: Callable[[], None]) -> None:
    """``transaction.on_commit(func)`` unless ``func`` is already waiting for this commit.

    An operation that queues for many rows asks for one delivery task, not one per row.
    A registered call still runs at commit: Django drops it only when a savepoint open at
    its registration rolls back, and any such savepoint still open encloses this call too.
    """
    connection = transaction.get_connection()
    if any(registered is func for _, registered, _ in connection.run_on_commit):
        return
    transaction.on_commit(func)
