"""A renewal quote as the files a customer is sent: an XLSX workbook (openpyxl) and a PDF
(ReportLab), worded in the active language.

The PDF writes Chinese in the desk's CJK font (``core.pdf.cjk_font``).
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from casedesk.core.pdf import cjk_font

from .quotes import Quote

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
MONEY_FORMAT = "#,##0.00"


def filename(quote: Quote, ext: str) -> str:
    return f"{quote.number}.{ext}"


def _period(start, end) -> str:
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def _about(quote: Quote) -> list[tuple[str, str]]:
    contract = quote.contract
    return [
        (_("Quote number"), quote.number),
        (_("Date"), f"{quote.issued_on:%Y-%m-%d}"),
        (_("Valid until"), f"{quote.valid_until:%Y-%m-%d}"),
        (_("Customer"), f"{contract.organization.name} ({contract.organization.code})"),
        (_("Contract"), contract.number),
        (_("Current period"), _period(contract.starts_on, contract.ends_on)),
        (_("Renewal period"), _period(quote.starts_on, quote.ends_on)),
        (_("Currency"), _("CNY (yuan)")),
    ]


def _columns() -> list[str]:
    return [
        "#",
        capfirst(_("serial number")),
        capfirst(_("model")),
        capfirst(_("site")),
        capfirst(_("service product")),
        _("Unit price per year"),
        _("Amount"),
    ]


def _tax_label(quote: Quote) -> str:
    return _("VAT %(rate)s%%") % {"rate": f"{(quote.tax_rate * 100).normalize():f}"}


def _totals(quote: Quote) -> list[tuple[str, Decimal]]:
    return [
        (_("Subtotal"), quote.subtotal),
        (_tax_label(quote), quote.tax),
        (_("Total"), quote.total),
    ]


def _notes(quote: Quote) -> list[str]:
    notes = [_("Prices are per covered unit for one year of service.")]
    if quote.unpriced:
        notes.append(
            _("Price on request for %(products)s: those lines are not in the total.")
            % {"products": ", ".join(quote.unpriced)}
        )
    return notes


# --- XLSX ---------------------------------------------------------------------------------------

WIDTHS = (5, 20, 20, 36, 36, 18, 18)  # characters; a CJK character counts two


def to_xlsx(quote: Quote) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Renewal quote")[:31]
    bold = Font(bold=True)
    ws.append([_("Renewal quote")])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value in _about(quote):
        ws.append([label, None, value])
        ws.cell(ws.max_row, 1).font = bold
    ws.append([])
    ws.append(_columns())
    header_row = ws.max_row
    fill = PatternFill("solid", fgColor="DCE6F1")
    for cell in ws[header_row]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for n, line in enumerate(quote.lines, start=1):
        ws.append(
            [
                n,
                line.serial_number,
                line.model,
                line.site,
                f"{line.product_code} {line.product_name}",
                line.unit_price if line.unit_price is not None else _("on request"),
                line.amount,
            ]
        )
    first_total = ws.max_row + 1
    rule = Border(top=Side(style="thin"))
    for label, value in _totals(quote):
        ws.append([None] * 5 + [label, value])
        ws.cell(ws.max_row, 6).font = bold
    for cell in ws[first_total]:
        cell.border = rule
    ws.cell(ws.max_row, 7).font = bold
    for row in ws.iter_rows(min_row=header_row + 1, min_col=6, max_col=7):
        for cell in row:
            if isinstance(cell.value, Decimal | int):
                cell.number_format = MONEY_FORMAT
            cell.alignment = Alignment(horizontal="right")
    ws.append([])
    for note in _notes(quote):
        ws.append([note])
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"  # as invoices in China write yuan


def to_pdf(quote: Quote) -> bytes:
    font = cjk_font()
    text = ParagraphStyle("quote", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=text, fontSize=8.5, leading=11)
    title = ParagraphStyle("title", parent=text, fontSize=18, leading=24, spaceAfter=4 * mm)

    def para(value: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(value), style)

    about = Table(
        [[para(label, text), para(value, text)] for label, value in _about(quote)],
        colWidths=(35 * mm, 120 * mm),
        hAlign="LEFT",
    )
    about.setStyle(TableStyle([("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#555555"))]))
    rows: list[list] = [[para(c) for c in _columns()]]
    for n, line in enumerate(quote.lines, start=1):
        rows.append(
            [
                str(n),
                para(line.serial_number),
                para(line.model),
                para(line.site),
                para(f"{line.product_code} {line.product_name}"),
                _money(line.unit_price) if line.unit_price is not None else para(_("on request")),
                _money(line.amount),
            ]
        )
    body_end = len(rows) - 1
    for label, value in _totals(quote):
        rows.append(["", "", "", "", "", para(label), _money(value)])
    widths = [8 * mm, 34 * mm, 36 * mm, 62 * mm, 62 * mm, 28 * mm, 30 * mm]
    lines = Table(rows, colWidths=widths, repeatRows=1)
    lines.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (5, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, body_end), 0.4, colors.HexColor("#9AA7B5")),
                ("LINEABOVE", (5, body_end + 1), (-1, body_end + 1), 0.8, colors.black),
                ("FONT", (6, -1), (6, -1), font, 10),
                ("LINEBELOW", (5, -1), (-1, -1), 0.8, colors.black),
            ]
        )
    )
    story = [para(_("Renewal quote"), title), about, Spacer(0, 6 * mm), lines, Spacer(0, 5 * mm)]
    story += [para(note, text) for note in _notes(quote)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{_('Renewal quote')} {quote.number}",
        author="casedesk",
    )
    doc.build(story, onLaterPages=_footer(quote, font), onFirstPage=_footer(quote, font))
    return out.getvalue()


def _footer(quote: Quote, font: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(doc.leftMargin, 8 * mm, quote.number)
        page = _("Page %(page)d") % {"page": doc.page}
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 8 * mm, page)
        canvas.restoreState()

    return draw
