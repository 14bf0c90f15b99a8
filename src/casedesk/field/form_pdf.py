"""The on-site service form as a PDF (ReportLab), from what the customer signed.

The form's ``content`` (a dict of strings, built by ``services``) is hashed as canonical
JSON (:func:`digest`); the hash is printed on every page, so a printed form can be checked
against the desk's copy.  Written deterministically (``invariant``): the same content gives
the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from casedesk.core.pdf import cjk_font

PDF_TYPE = "application/pdf"


def digest(content: dict[str, Any]) -> str:
    """SHA-256 of the form's content as canonical JSON (sorted keys, UTF-8, no spaces)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def filename(content: dict[str, Any]) -> str:
    return f"{content['case']}-visit-{content['visit']}-v{content['version']}.pdf"


def _rows(content: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("CASE"), f"{content['case']}  {content['title']}".strip()),
        (_("Customer"), content["customer"]),
        (_("Site"), content["site"] or "—"),
        (_("Engineer"), content["engineer"]),
        (_("Scheduled"), content["scheduled_at"]),
        (_("Checked in"), content["checked_in_at"]),
        (_("Checked out"), content["checked_out_at"]),
    ]


def render(content: dict[str, Any], signature: bytes, sha256: str) -> bytes:
    font = cjk_font()
    text = ParagraphStyle("form", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=text, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=text, fontSize=11, leading=16, spaceBefore=4 * mm)
    title = ParagraphStyle("title", parent=text, fontSize=18, leading=24, spaceAfter=2 * mm)

    def para(value: str, style: ParagraphStyle = text) -> Paragraph:
        return Paragraph(escape(value).replace("\n", "<br/>"), style)

    heading = _("On-site service form")
    if content["version"] > 1:
        heading += " · " + _("version %(version)d (correction)") % {"version": content["version"]}
    about = Table(
        [[para(label), para(value)] for label, value in _rows(content)],
        colWidths=(32 * mm, 140 * mm),
        hAlign="LEFT",
    )
    about.setStyle(
        TableStyle(
            [
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#555555")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#C8D0DA")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    parts = content["parts_used"]
    story: list[Any] = [
        para(heading, title),
        about,
        para(_("Work done"), head),
        para(content["work_done"]),
        para(_("Parts used"), head),
        para(", ".join(parts) if parts else _("none")),
    ]
    if content.get("reason"):
        story += [para(_("Reason for the correction"), head), para(content["reason"])]
    picture = ImageReader(io.BytesIO(signature))
    width, height = picture.getSize()
    scale = min(70 * mm / max(width, 1), 30 * mm / max(height, 1))
    signed = Table(
        [
            [
                para(_("Customer's signature")),
                Image(io.BytesIO(signature), width * scale, height * scale),
            ],
            [para(_("Name")), para(content["customer_name"])],
            [
                para(_("Signed at")),
                para(
                    content["checked_out_at"] if content["version"] == 1 else content["signed_at"]
                ),
            ],
        ],
        colWidths=(32 * mm, 140 * mm),
        hAlign="LEFT",
    )
    signed.setStyle(
        TableStyle(
            [
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#555555")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#9AA7B5")),
            ]
        )
    )
    story += [Spacer(0, 6 * mm), signed, Spacer(0, 6 * mm)]
    story.append(
        para(
            _("SHA-256 of this form's content: %(hash)s") % {"hash": sha256},
            small,
        )
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{heading} {content['case']}",
        author="casedesk",
        invariant=1,
    )
    footer = _footer(content, sha256, font)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _footer(content: dict[str, Any], sha256: str, font: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(
            doc.leftMargin, 9 * mm, f"{content['case']} · v{content['version']} · SHA-256 {sha256}"
        )
        canvas.drawRightString(
            doc.pagesize[0] - doc.rightMargin, 9 * mm, _("Page %(page)d") % {"page": doc.page}
        )
        canvas.restoreState()

    return draw
