"""The wording of the notes a vendor case writes in its CASE's history (a code and its
parameters on an internal work log), in the reader's language."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from casedesk.core import presenters
from casedesk.core.presenters import Reader

OPENED = "vendor_case_opened"
UPDATED = "vendor_case_updated"
CLOSED = "vendor_case_closed"


def when(iso: str) -> str:
    """A stored UTC instant as the reader reads it (local time, their format)."""
    at = parse_datetime(iso or "")
    if at is None:
        return iso or ""
    return formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def _words(params) -> dict[str, str]:
    return {
        "vendor": params.get("vendor_name") or params.get("vendor", ""),
        "reference": params.get("reference", ""),
        "severity": params.get("severity", ""),
    }


@presenters.note(OPENED)
def _opened(params, reader: Reader) -> str:
    text = _("Vendor case %(reference)s opened with %(vendor)s at severity %(severity)s.") % (
        _words(params)
    )
    if params.get("files"):
        text += " " + _("Files sent: %(files)s.") % {"files": ", ".join(params["files"])}
    if params.get("next_due"):
        text += " " + _("Next update due %(due)s.") % {"due": when(params["next_due"])}
    return text


@presenters.note(UPDATED)
def _updated(params, reader: Reader) -> str:
    text = _("Update from %(vendor)s on vendor case %(reference)s.") % _words(params)
    if params.get("late"):
        text += " " + _("It came late.")
    if params.get("next_due"):
        text += " " + _("Next update due %(due)s.") % {"due": when(params["next_due"])}
    return text


@presenters.note(CLOSED)
def _closed(params, reader: Reader) -> str:
    return _("Vendor case %(reference)s with %(vendor)s closed.") % _words(params)
