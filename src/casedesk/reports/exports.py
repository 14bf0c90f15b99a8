"""The dashboard's tables as CSV and XLSX: the very numbers its charts draw.

CSV is UTF-8 with a byte-order mark, so Excel opens Chinese names correctly.  Text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is written as text:
a customer's name never becomes a formula in a manager's spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .selectors import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "text":
        text = str(value)
        return "'" + text if text.startswith(FORMULA_START) else text
    return value


def to_csv(table: Table) -> bytes:
    """One table as CSV: a header row of the column labels, then the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(c.label) for c in table.columns])
    kinds = [c.kind for c in table.columns]
    for row in table.rows:
        writer.writerow([_csv_value(v, k) for v, k in zip(row, kinds, strict=True)])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _sheet_name(title: str, used: set[str]) -> str:
    name = SHEET_NAME_BAD.sub(" ", title).strip()[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _cell(ws, value, kind: str = "", *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, even when it starts with "="
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif kind == "percent" and value is not None:
        cell.number_format = "0.0"
    if bold:
        cell.font = Font(bold=True)
    return cell


def to_xlsx(
    tables: Sequence[Table], *, about_title: str = "", about: Sequence[tuple[str, str]] = ()
) -> bytes:
    """Tables as one workbook, a sheet each; first, a sheet ``about_title`` of (label,
    value) rows saying what was filtered."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    if about:
        ws = wb.create_sheet(_sheet_name(str(about_title), used))
        for label, value in about:
            ws.append([_cell(ws, str(label), bold=True), _cell(ws, str(value))])
    for table in tables:
        ws = wb.create_sheet(_sheet_name(str(table.title), used))
        ws.append([_cell(ws, str(c.label), bold=True) for c in table.columns])
        kinds = [c.kind for c in table.columns]
        for row in table.rows:
            ws.append([_cell(ws, v, k) for v, k in zip(row, kinds, strict=True)])
        if table.note:
            ws.append([])
            ws.append([_cell(ws, str(table.note))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
