"""The box a mail names: a labelled serial number in its subject or body ("Serial:
FOC1234X0AB", "S/N: …", "SN: …", "序列号：…"), which the CASE opened from it keeps, so
its entitlement is decided as for any channel.

Only labelled values: a Latin label needs its colon (``serial 9600`` is a console's
speed), a Chinese one may go without (``序列号 FDO2345X0YZ``).  Full-width letters, digits
and colons read as their ASCII forms (NFKC).  The first one wins, the subject before the
body; a value must hold a digit ("SN: unknown" names nothing)."""

from __future__ import annotations

import re
import unicodedata

SCANNED = 20_000  # characters of the body looked at: a serial is named near the top

_LABELLED = re.compile(
    r"(?:(?<![A-Za-z0-9])(?:serial(?:[ \t]*(?:number|no\.?|#))?|s/n|sn)[ \t]*:"
    r"|(?:序列号|序列號|序號)[ \t]*:?)"
    r"[ \t]*([A-Za-z0-9][A-Za-z0-9-]{3,63})(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")


def named_serial(subject: str, text: str) -> str:
    """The first labelled serial number of ``subject``, else of ``text``, upper-case; ""
    when the mail names none."""
    for part in (subject, text[:SCANNED]):
        for found in _LABELLED.finditer(unicodedata.normalize("NFKC", part or "")):
            value = found.group(1)
            if _DIGIT.search(value):
                return value.upper()
    return ""
