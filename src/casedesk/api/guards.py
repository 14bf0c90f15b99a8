"""Checks every operation's parsed input gets before the view runs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel

from casedesk.core.errors import InvalidInput


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")


def reject_nul(view: Callable[..., Any]) -> Callable[..., Any]:
    """No NUL character in any path, query or body string.

    PostgreSQL cannot store or even compare a string holding NUL (the driver raises, the
    request would end in a 500) and SQLite would store it silently, so refuse it up front.
    """

    @functools.wraps(view)
    def guarded(request, **values):
        for where, text in _texts(values, ""):
            if "\x00" in text:
                raise InvalidInput(
                    _("%(field)s: NUL characters are not allowed.") % {"field": where}
                )
        return view(request, **values)

    return guarded
