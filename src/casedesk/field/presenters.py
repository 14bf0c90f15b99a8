"""The wording of the notes field service writes in a CASE's history (stored as a code and
its parameters on an on-site work log), in the reader's language."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from casedesk.core import clock, presenters
from casedesk.core.presenters import Reader

from .choices import CANCELLED, CHECKED_IN, CHECKED_OUT, CORRECTED, SCHEDULED


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return clock.local(at).strftime("%Y-%m-%d %H:%M")


@presenters.note(SCHEDULED)
def _scheduled(params, reader: Reader) -> str:
    return _("Engineer %(engineer)s dispatched on site for %(at)s (visit %(visit)s).") % {
        "engineer": reader.name(params.get("engineer")),
        "at": _when(params.get("at")),
        "visit": params.get("visit", ""),
    }


@presenters.note(CHECKED_IN)
def _checked_in(params, reader: Reader) -> str:
    return _("Checked in on site at %(at)s (visit %(visit)s).") % {
        "at": _when(params.get("at")),
        "visit": params.get("visit", ""),
    }


@presenters.note(CHECKED_OUT)
def _checked_out(params, reader: Reader) -> str:
    return _("Checked out; the customer signed the on-site service form (visit %(visit)s).") % {
        "visit": params.get("visit", "")
    }


@presenters.note(CORRECTED)
def _corrected(params, reader: Reader) -> str:
    return _("On-site service form corrected: version %(version)s signed (visit %(visit)s).") % {
        "version": params.get("version", ""),
        "visit": params.get("visit", ""),
    }


@presenters.note(CANCELLED)
def _cancelled(params, reader: Reader) -> str:
    return _("Visit %(visit)s called off: %(reason)s") % {
        "visit": params.get("visit", ""),
        "reason": params.get("reason", ""),
    }
