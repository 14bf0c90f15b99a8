"""``@operation``: how every state change of every domain runs.

One transaction; one instant (every timestamp the operation writes is the same
``clock.now()``); and the operation's audit records sealed into the chain at its end, in
that transaction.  Nested operations join the outer one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

from casedesk.core import audit, clock

P = ParamSpec("P")
R = TypeVar("R")


def operation(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(), clock.frozen(clock.now()), audit.sealing():
            return fn(*args, **kwargs)

    return run
