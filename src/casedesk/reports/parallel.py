"""A few threads that run a report's independent queries side by side.

Each thread keeps its own database connection (Django's connections are per thread), closed
and reopened by the usual rules (``CONN_MAX_AGE``, health checks) before each task.  The
pool is made on first use, so each gunicorn worker process gets its own after the fork.
``CASEDESK_REPORT_THREADS`` sets its size; 0 runs every query in the request's thread.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone, translation

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor | None:
    global _pool
    size = settings.CASEDESK_REPORT_THREADS
    if size <= 0:
        return None
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="report")
    return _pool


def in_context(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` to run on a pool thread as if in the caller's: same language, same clock
    (both live in context variables), and a usable database connection."""
    context = contextvars.copy_context()
    # Django keeps these per thread (asgiref's Local ignores a copied context): pass them on.
    language, zone = translation.get_language(), timezone.get_current_timezone()

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        def as_the_caller() -> R:
            with translation.override(language), timezone.override(zone):
                return fn(*args, **kwargs)

        close_old_connections()  # as at the start and the end of a request
        try:
            return context.copy().run(as_the_caller)
        finally:
            close_old_connections()

    return run


def shutdown() -> None:
    """Close every pool thread's database connection and stop the threads (tests, exit)."""
    global _pool
    with _lock:
        workers, _pool = _pool, None
    if workers is None:
        return
    size = workers._max_workers
    barrier = threading.Barrier(size)

    def close() -> None:
        barrier.wait(timeout=10)  # one each: no thread takes two while another takes none
        connections.close_all()

    for future in [workers.submit(close) for _ in range(size)]:
        future.result()
    workers.shutdown(wait=True)
