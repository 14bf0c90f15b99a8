"""The font the desk's PDFs (ReportLab) write Chinese in, registered once per process.

The machine's CJK TrueType font when it has one (WenQuanYi Micro Hei, as Debian's
``fonts-wqy-microhei`` installs it) is embedded; else ReportLab's built-in CID font
``STSong-Light`` is named, which every PDF reader has, so a server without CJK fonts still
writes a readable Chinese document.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

# TrueType collections ReportLab can embed (CFF-flavoured OpenType, like Noto CJK, it cannot).
CJK_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)
FALLBACK_FONT = "STSong-Light"
FONT_NAME = "DeskCJK"


@functools.cache
def cjk_font() -> str:
    """The name of the font to write in, registered with ReportLab once."""
    for path, index in CJK_FONTS:
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
            except Exception:  # a damaged or unreadable font file: fall back
                continue
            return FONT_NAME
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT
