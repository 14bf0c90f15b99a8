"""The rows of an installed-base file as customers and vendors send it: CSV or XLSX.

The format is told by the bytes, never by the file's name: an XLSX is a ZIP holding a
workbook, anything else must be text — UTF-8 (with or without its BOM), UTF-16 with its BOM
(Excel's "Unicode text") or GB18030, the superset of the GBK that Chinese Excel writes.
Every row keeps the line a person finds it at: CSV's header is line 1 (a quoted field that
spans lines counts from where its row starts); in an XLSX it is the sheet's row number.
Columns are named by the header, in English or in Chinese (:data:`HEADERS`).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from casedesk.core.errors import InvalidInput

# A cell as read: text from a CSV; text, a number, a date or a datetime from an XLSX.
Value = str | int | float | dt.date | dt.datetime | None

REQUIRED = ("serial_number", "organization", "model", "vendor")
OPTIONAL = (
    "contract",
    "site",
    "warranty_ends_on",
    "installed_on",
    "coverage_starts_on",
    "coverage_ends_on",
)
COLUMNS = REQUIRED + OPTIONAL

# Header cells as people write them (compared lower-case, spaces and hyphens as "_").
HEADERS = {
    **{name: name for name in COLUMNS},
    "serial": "serial_number",
    "sn": "serial_number",
    "s/n": "serial_number",
    "序列号": "serial_number",
    "设备序列号": "serial_number",
    "org": "organization",
    "客户": "organization",
    "客户代码": "organization",
    "型号": "model",
    "设备型号": "model",
    "厂商": "vendor",
    "品牌": "vendor",
    "合同": "contract",
    "合同号": "contract",
    "地址": "site",
    "安装地址": "site",
    "保修截止": "warranty_ends_on",
    "保修截止日期": "warranty_ends_on",
    "安装日期": "installed_on",
    "保障开始": "coverage_starts_on",
    "保障结束": "coverage_ends_on",
}

# What a damaged XLSX raises while it is opened or read (a ZIP, deflate or XML problem).
_BROKEN = (zipfile.BadZipFile, zlib.error, ElementTree.ParseError, KeyError, OSError, EOFError, ValueError, TypeError)  # fmt: skip
MAX_FIELD = 10_000  # a CSV field longer than this is not an installed-base value
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class NotATable(InvalidInput):
    """The file as a whole cannot be read as an installed-base table (nothing was checked);
    ``line`` and ``column`` say where, when a place is to blame."""

    def __init__(self, detail: str, *, line: int | None = None, column: str = ""):
        super().__init__(detail)
        self.line, self.column = line, column


@dataclasses.dataclass(frozen=True)
class Table:
    """A file's header (canonical column names, in order) and its data rows, read lazily."""

    kind: str  # "csv" or "xlsx"
    columns: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str, Value]]]  # (line, column → value), blank rows left out
    size: int  # data lines at most (a progress bar's total; blank rows included)


def header_of(cells: list[Value], line: int = 1) -> tuple[str, ...]:
    """The canonical column names of a header row; unknown columns are kept as ``""`` (their
    values are ignored).  A missing required column or a column named twice is refused."""
    names = []
    for cell in cells:
        text = re.sub(r"[\s\-]+", "_", str(cell if cell is not None else "").strip().lower())
        names.append(HEADERS.get(text.strip("_"), ""))
    named = [n for n in names if n]
    twice = sorted({n for n in named if named.count(n) > 1})
    if twice:
        raise NotATable(
            _("The column %(column)s appears twice in the header.") % {"column": twice[0]},
            line=line,
            column=twice[0],
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise NotATable(
            _("The required column %(column)s is missing (the header needs %(all)s).")
            % {"column": ", ".join(missing), "all": ", ".join(REQUIRED)},
            line=line,
            column=missing[0],
        )
    return tuple(names)


def read(data: bytes) -> Table:
    """The table in ``data``; :class:`NotATable` when it is neither a CSV nor an XLSX."""
    if not data.strip():
        raise NotATable(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotATable(
            _("This is an old Excel .xls workbook: save it as .xlsx or CSV and upload that.")
        )
    return _csv(_text(data))


def _text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in data[:65536]:
        raise NotATable(_("This is neither a CSV file nor an XLSX workbook."))
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text[:65536])) > 0:
            break
        return text
    raise NotATable(
        _("This is neither a CSV file nor an XLSX workbook (a CSV file must be UTF-8 or GBK text).")
    )


def _csv(text: str) -> Table:
    first = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise NotATable(_("The file has no header line.")) from None
    columns = header_of(list(header))
    size = max(text.count("\n") - 1, 0) + (0 if text.endswith("\n") else 1)

    def rows() -> Iterator[tuple[int, dict[str, Value]]]:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise NotATable(
                    _("This line cannot be read as CSV: %(problem)s") % {"problem": exc},
                    line=start,
                ) from None
            line, start = start, reader.line_num + 1
            if any(len(c) > MAX_FIELD for c in cells):
                raise NotATable(
                    _("This line holds a value longer than %(max)d characters.")
                    % {"max": MAX_FIELD},
                    line=line,
                )
            if not any(c.strip() for c in cells):
                continue
            yield line, {name: cells[i] if i < len(cells) else None for i, name in _named(columns)}

    return Table("csv", columns, rows(), size)


def _named(columns: tuple[str, ...]) -> list[tuple[int, str]]:
    return [(i, name) for i, name in enumerate(columns) if name]


def _xlsx(data: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _BROKEN:
        raise NotATable(_("This is neither a CSV file nor an XLSX workbook.")) from None
    if not book.worksheets:
        raise NotATable(_("The workbook has no sheet."))
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # some writers state a wrong size; read every cell there is
    cells = sheet.iter_rows(values_only=True)
    header: tuple[str, ...] | None = None
    number = 0
    try:
        for number, row in enumerate(cells, start=1):  # noqa: B007  (the header's row number)
            if any(v is not None and str(v).strip() for v in row):
                header = header_of(list(row), number)
                break
    except _BROKEN:
        raise NotATable(_("This is neither a CSV file nor an XLSX workbook.")) from None
    if header is None:
        raise NotATable(_("The file has no header line."))
    columns, first = header, number + 1
    size = max((sheet.max_row or 0) - number, 0)

    def rows() -> Iterator[tuple[int, dict[str, Value]]]:
        broken = first  # the row being read
        try:
            for line, row in enumerate(cells, start=first):
                broken = line + 1
                if not any(v is not None and str(v).strip() for v in row):
                    continue
                yield line, {name: row[i] if i < len(row) else None for i, name in _named(columns)}
        except _BROKEN:
            raise NotATable(_("The workbook is damaged from this row on."), line=broken) from None
        finally:
            book.close()

    return Table("xlsx", columns, rows(), size)
