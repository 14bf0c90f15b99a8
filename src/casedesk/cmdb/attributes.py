"""A CI's attributes: a flat object of short values (``{"ip": "10.0.0.1", "ports": 48}``),
checked before anything is written."""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

from casedesk.core.errors import InvalidInput

MAX_KEYS = 40
MAX_KEY = 64
MAX_TEXT = 200
MAX_BYTES = 4096
_KEY = re.compile(r"^[\w.\-]+$")


def clean_attributes(value: Any) -> dict[str, str | int | float]:
    """``value`` as stored, or InvalidInput naming what is wrong."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(_("Attributes must be an object of names and values."))
    if len(value) > MAX_KEYS:
        raise InvalidInput(_("At most %(n)d attributes.") % {"n": MAX_KEYS})
    cleaned: dict[str, str | int | float] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or len(key) > MAX_KEY or not _KEY.match(key):
            raise InvalidInput(
                _("Attribute name %(key)r: letters, digits, '.', '-' and '_', at most %(n)d.")
                % {"key": str(key)[:80], "n": MAX_KEY}
            )
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise InvalidInput(
                _("Attribute %(key)r must be a short text or a number.") % {"key": key}
            )
        if isinstance(item, float) and item != item or item in (float("inf"), float("-inf")):
            raise InvalidInput(_("Attribute %(key)r must be a finite number.") % {"key": key})
        if isinstance(item, str):
            item = item.strip()
            if len(item) > MAX_TEXT:
                raise InvalidInput(
                    _("Attribute %(key)r is longer than %(n)d characters.")
                    % {"key": key, "n": MAX_TEXT}
                )
        cleaned[key] = item
    if len(json.dumps(cleaned, ensure_ascii=False).encode()) > MAX_BYTES:
        raise InvalidInput(_("Attributes are larger than %(n)d bytes.") % {"n": MAX_BYTES})
    return cleaned
