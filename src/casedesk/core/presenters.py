"""Presenters: the wording of a history event, made at read time in the reader's language.

History stores data (kinds, codes, logins, values), never sentences.  Each domain registers
one presenter per event kind in its own ``presenters.py``::

    @presenters.register("cases", "assigned")
    def assigned(event, reader: Reader) -> Presented: ...

and every place that shows history (the console, the portal, mail, webhooks) asks
``present(domain, event, reader)``: one wording everywhere, in the active language.  A
presenter reads ``event.kind``, ``event.data`` (and ``event.internal``); ``reader`` gives the
display names of the logins the event names and whether the reader is a customer (who
must not see internal detail).  The kernel knows no domain: it only keeps the registry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import lazy


@dataclasses.dataclass(frozen=True)
class Reader:
    """Who reads: ``names`` maps logins to display names; ``customer`` hides internal detail."""

    names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    customer: bool = False

    def name(self, login: Any) -> str:
        if not login:
            return ""
        return self.names.get(login, str(login))


@dataclasses.dataclass
class Presented:
    """A headline, detail lines (ours, translated) and texts people wrote (shown through
    ``markup`` in HTML, plain in mail and bots)."""

    headline: str
    lines: list[str] = dataclasses.field(default_factory=list)
    texts: list[str] = dataclasses.field(default_factory=list)


Presenter = Callable[[Any, Reader], Presented]

_REGISTRY: dict[tuple[str, str], Presenter] = {}
_FALLBACK: dict[str, Presenter] = {}


def register(domain: str, *kinds: str) -> Callable[[Presenter], Presenter]:
    """Register ``fn`` as the presenter of ``kinds`` of ``domain`` (none: its fallback)."""

    def decorator(fn: Presenter) -> Presenter:
        if not kinds:
            _FALLBACK[domain] = fn
        for kind in kinds:
            _REGISTRY[(domain, str(kind))] = fn
        return fn

    return decorator


def present(domain: str, event: Any, reader: Reader | None = None) -> Presented:
    """The wording of ``event`` for ``reader``, in the active language."""
    reader = reader or Reader()
    fn = _REGISTRY.get((domain, str(event.kind))) or _FALLBACK.get(domain)
    if fn is None:
        return Presented(headline=str(event.kind))
    return fn(event, reader)


# --- system notes: a code and its parameters, worded when read --------------------------

_NOTES: dict[str, Callable[[Mapping[str, Any], Reader], str]] = {}


def note(code: str) -> Callable[[Callable[[Mapping[str, Any], Reader], str]], Any]:
    """Register the wording of the system note ``code`` (its parameters → a sentence)."""

    def decorator(fn):
        _NOTES[code] = fn
        return fn

    return decorator


def system_note(value: Any, reader: Reader | None = None) -> str:
    """A stored system note ``{"code": …, params…}`` worded now; "" when it is not one."""
    if not isinstance(value, Mapping):
        return ""
    fn = _NOTES.get(str(value.get("code", "")))
    return fn(value, reader or Reader()) if fn is not None else ""


# The note as a lazy string: worded in the language active when it is rendered (a mail is
# rendered once per recipient language).
system_note_lazy = lazy(system_note, str)


def _join(separator: str, parts) -> str:
    return separator.join(str(p) for p in parts)


lazy_join = lazy(_join, str)
