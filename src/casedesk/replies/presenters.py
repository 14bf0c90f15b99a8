"""The wording of a reply's note in the CASE's history (the work log's headline is the
CASE's: "Reply to the customer", or "Message from the service desk" for the customer)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from casedesk.core import presenters
from casedesk.core.presenters import Reader

# The system note of a reply's work log: to whom it was mailed, with which files.
REPLY_MAILED = "reply_mailed"


@presenters.note(REPLY_MAILED)
def _reply_mailed(params, reader: Reader) -> str:
    files = [str(name) for name in params.get("files") or []]
    text = _("Mailed to %(address)s.") % {"address": params.get("to", "")}
    if files:
        text += " " + _("Attached: %(names)s.") % {"names": ", ".join(files)}
    return text
