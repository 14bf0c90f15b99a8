"""The wording of what the mail gateway says of the CASEs it writes, at read time.

A mail's text longer than a CASE holds is shortened; the CASE's description, note or
reason keeps the text (ending in "…") and says so as data, the system note
``{"code": "mail_shortened"}``, worded here in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from casedesk.core import presenters
from casedesk.core.presenters import Reader

MAIL_SHORTENED = "mail_shortened"


@presenters.note(MAIL_SHORTENED)
def _mail_shortened(params, reader: Reader) -> str:
    return _("[… shortened: the whole message is kept with the CASE's e-mail]")
