"""Writes the import corpus beside it: `python tests/contracts/corpus/make_corpus.py`.

The files are committed; this script says how each was made (encodings, BOM, the XLSX's
cells), so a changed one can be made again.  The desk they name is made by
``tests/contracts/import_data.py``: organizations ACME and CTBJ, contract HT-ACME-1 of ACME
(2026-01-01–2026-12-31) and HT-CTBJ-1 of CTBJ.
"""

import codecs
import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = "serial_number,organization,model,vendor,contract,site,warranty_ends_on"


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


FILES = {
    # Three good rows, the three date formats, one with a contract (a coverage line).
    "good.csv": lines(
        HEADER,
        "FOX1001,ACME,C9300-48P,Cisco,HT-ACME-1,北京市海淀区,2026-12-07",
        "fox 1002,ACME,C9300-48P,Cisco,,北京市朝阳区,2026/12/7",
        "FOX1003,CTBJ,ASR1001-X,Cisco,,,46363",
    ),
    # Dates: three good formats, then a US date, a month 13 and a date out of range.
    "dates.csv": lines(
        HEADER,
        "D1,ACME,C9300,Cisco,,,2026-12-07",
        "D2,ACME,C9300,Cisco,,,2026/12/7",
        "D3,ACME,C9300,Cisco,,,46363",
        "D4,ACME,C9300,Cisco,,,12/07/2026",
        "D5,ACME,C9300,Cisco,,,2026-13-01",
        "D6,ACME,C9300,Cisco,,,1800-01-01",
    ),
    # The same serial twice (once with a space and lower case), and a third time.
    "duplicates.csv": lines(
        HEADER,
        "DUP1,ACME,C9300,Cisco,,,",
        "OK1,ACME,C9300,Cisco,,,",
        "dup 1,ACME,C9300,Cisco,,,",
        "DUP1,CTBJ,C9300,Cisco,,,",
    ),
    # An unknown organization, an unknown contract, another organization's contract.
    "unknown_refs.csv": lines(
        HEADER,
        "REF1,NOPE,C9300,Cisco,,,",
        "REF2,ACME,C9300,Cisco,HT-NONE,,",
        "REF3,ACME,C9300,Cisco,HT-CTBJ-1,,",
        "REF4,ACME,C9300,Cisco,HT-ACME-1,,",
    ),
    # No vendor column at all.
    "missing_column.csv": lines(
        "serial_number,organization,model,site",
        "M1,ACME,C9300,北京",
    ),
    # Missing required values, values longer than the desk keeps.
    "oversize.csv": lines(
        HEADER,
        "," + "ACME,C9300,Cisco,,,",
        "S" * 65 + ",ACME,C9300,Cisco,,,",
        "O2,ACME," + "M" * 101 + ",Cisco,,,",
        "O3,ACME,C9300,Cisco,,,",
    ),
    # Coverage dates: end before start, outside the contract, dates without a contract;
    # a warranty ending before the installation.
    "coverage.csv": lines(
        "serial_number,organization,model,vendor,contract,coverage_starts_on,coverage_ends_on,installed_on,warranty_ends_on",
        "C1,ACME,C9300,Cisco,HT-ACME-1,2026-06-01,2026-05-01,,",
        "C2,ACME,C9300,Cisco,HT-ACME-1,2025-12-01,2026-05-01,,",
        "C3,ACME,C9300,Cisco,,2026-06-01,,,",
        "C4,ACME,C9300,Cisco,,,,2026-06-01,2026-05-31",
        "C5,ACME,C9300,Cisco,HT-ACME-1,2026-03-01,2026-06-30,2026-02-01,2029-02-01",
    ),
    "empty.csv": "",
}


def main() -> None:
    for name, text in FILES.items():
        (HERE / name).write_text(text, encoding="utf-8", newline="")
    # The good rows again, with Excel's UTF-8 BOM and CRLF line ends.
    (HERE / "good_bom.csv").write_bytes(
        codecs.BOM_UTF8 + FILES["good.csv"].replace("\n", "\r\n").encode("utf-8")
    )
    # Chinese Excel's "CSV": GBK, Chinese column names.
    gbk = lines(
        "序列号,客户代码,型号,厂商,合同号,安装地址,保修截止日期",
        "GBK1,ACME,C9300-48P,思科,HT-ACME-1,北京市海淀区中关村,2026-12-07",
        "GBK2,CTBJ,华为 S5735,华为,,上海市浦东新区,2026/12/7",
    )
    (HERE / "good_gbk.csv").write_bytes(gbk.encode("gbk"))
    # Not a table at all: a PNG's first bytes under a .csv name.
    (HERE / "binary.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
    )
    # An old binary Excel workbook (its OLE2 signature).
    (HERE / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    book = Workbook()
    sheet = book.active
    sheet.title = "设备清单"
    sheet.append(
        ["serial_number", "organization", "model", "vendor", "contract", "site", "warranty_ends_on"]
    )
    sheet.append(["X1", "ACME", "C9300", "Cisco", "HT-ACME-1", "北京", dt.date(2026, 12, 7)])
    sheet.append([123456789, "ACME", "C9300", "Cisco", None, None, 46363])
    sheet.append([None] * 7)  # a blank row: skipped, the row numbers below stay the sheet's
    sheet.append(["X3", "NOPE", "C9300", "Cisco", None, None, "2026/12/7"])
    sheet.append(["X1", "ACME", "C9300", "Cisco", None, None, "someday"])
    sheet.append(["X5", "CTBJ", "ASR1001-X", "Cisco", None, None, dt.datetime(2027, 1, 31, 0, 0)])
    book.save(HERE / "errors.xlsx")
    # A workbook whose sheet breaks off in its third row (a download cut short, re-zipped).
    with (
        zipfile.ZipFile(HERE / "errors.xlsx") as whole,
        zipfile.ZipFile(HERE / "damaged.xlsx", "w", zipfile.ZIP_DEFLATED) as damaged,
    ):
        for item in whole.infolist():
            content = whole.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: content.index(b'<row r="3"') + 40]
            damaged.writestr(item, content)


if __name__ == "__main__":
    main()
