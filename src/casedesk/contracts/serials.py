"""Serial numbers as the desk keeps them: what people type or paste, made comparable."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def normalize_serial(raw: str) -> str:
    """``" fdo 2131 x0ab\\n"`` → ``"FDO2131X0AB"``: no spaces anywhere, upper-case."""
    return _SPACE.sub("", raw or "").upper()
