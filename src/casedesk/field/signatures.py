"""The customer's signature as the visit page sends it: a PNG data URL
(``data:image/png;base64,…``), at most ``MAX_BYTES`` of PNG.

Its size is judged from the text's length before anything is decoded; the bytes must be a
PNG Pillow can read (a picture, not a file named like one).  A body larger than Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` never gets here: the request is refused (413) before it is
read.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from casedesk.core.errors import InvalidInput

PREFIX = "data:image/png;base64,"
MAX_BYTES = 2 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 4000  # pixels


def png_of(data_url: str) -> bytes:
    """The PNG bytes of ``data_url``; InvalidInput when it is not a PNG or too large."""
    text = (data_url or "").strip()
    if not text:
        raise InvalidInput(_("The customer's signature is missing."))
    if not text.startswith(PREFIX):
        raise InvalidInput(_("The signature must be a PNG image (data:image/png;base64,…)."))
    encoded = text[len(PREFIX) :]
    if len(encoded) * 3 // 4 > MAX_BYTES + 2:
        raise InvalidInput(_("The signature is larger than 2 MB."))
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            _("The signature must be a PNG image (data:image/png;base64,…).")
        ) from None
    if len(png) > MAX_BYTES:
        raise InvalidInput(_("The signature is larger than 2 MB."))
    if not png.startswith(PNG_MAGIC):
        raise InvalidInput(_("The signature must be a PNG image (data:image/png;base64,…)."))
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or max(image.size) > MAX_SIDE:
                raise InvalidInput(
                    _("The signature must be a PNG image (data:image/png;base64,…).")
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(
            _("The signature must be a PNG image (data:image/png;base64,…).")
        ) from None
    return png
