"""The labour report and the monthly settlement as XLSX workbooks (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from casedesk.core import clock

from .selectors import Row, Settlement

MONEY = "#,##0.00"
_HEADER = PatternFill("solid", fgColor="DCE6F1")


def _sheet(ws, title: str, header: Sequence[str], rows: Iterable[Sequence], money: set[int]):
    ws.title = title[:31]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), _HEADER
    for row in rows:
        ws.append(list(row))
        for col in money:
            ws.cell(ws.max_row, col).number_format = MONEY
    for n, _h in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = 18
    ws.freeze_panes = "A2"


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report(rows: list[Row], *, by_label: str, per_month: bool) -> bytes:
    wb = Workbook()
    header = ([_("month")] if per_month else []) + [by_label, _("minutes"), _("amount (CNY)")]
    body = [([r.month] if per_month else []) + [r.key, r.minutes, r.amount] for r in rows]
    _sheet(wb.active, _("Labour"), header, body, {len(header)})
    return _bytes(wb)


def settlement(month: str, customers: list[Settlement]) -> bytes:
    wb = Workbook()
    _sheet(
        wb.active,
        _("Settlement"),
        [_("organization"), _("name"), _("minutes"), _("amount (CNY)")],
        [(s.organization, s.name, s.minutes, s.amount) for s in customers],
        {4},
    )
    _sheet(
        wb.create_sheet(),
        _("Work logs"),
        [
            _("organization"),
            _("CASE"),
            _("ended at"),
            _("engineer"),
            _("minutes"),
            _("day minutes"),
            _("night minutes"),
            _("holiday minutes"),
            _("rate card"),
            _("amount (CNY)"),
        ],
        [
            (
                s.organization,
                p.case,
                clock.local(p.created_at).strftime("%Y-%m-%d %H:%M"),
                p.engineer,
                p.minutes,
                p.split.day,
                p.split.night,
                p.split.holiday,
                p.card,
                p.amount,
            )
            for s in customers
            for p in s.logs
        ],
        {10},
    )
    return _bytes(wb)
