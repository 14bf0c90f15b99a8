"""The corpus of files customers and vendors send (``corpus/``), through the command
``casedesk import-equipment``: encodings, date formats, duplicates, unknown references, files
that are no table, an XLSX with errors; and a 50,000-row file, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import sys
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import translation

from casedesk import __main__ as cli
from casedesk.contracts import importing
from casedesk.contracts.import_tables import NotATable, read
from casedesk.contracts.models import CoverageLine, Equipment
from casedesk.core.models import AuditRecord
from tests.contracts.import_data import CORPUS, make_desk

DAY = dt.date(2026, 12, 7)


@pytest.fixture
def desk(db):
    return make_desk()


def run(*args: str, language: str = "en") -> tuple[int, str, str]:
    """``casedesk import-equipment ARGS`` in ``language``: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override(language):
            call_command("import_equipment", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def problems_of(name: str) -> list[tuple[int | None, str, str]]:
    try:
        checked = importing.check(read((CORPUS / name).read_bytes()))
    except NotATable as exc:
        return [(exc.line, exc.column, "file")]
    return [(p.line, p.column, p.code) for p in checked.problems]


def serials() -> list[str]:
    return sorted(Equipment.objects.values_list("serial_number", flat=True))


@pytest.mark.parametrize("name", ["good.csv", "good_bom.csv"])
def test_a_good_file_in_utf8_with_or_without_bom(desk, name):
    status, out, _err = run(str(CORPUS / name))
    assert status == 0, out
    assert serials() == ["FOX1001", "FOX1002", "FOX1003"]
    assert set(Equipment.objects.values_list("warranty_ends_on", flat=True)) == {DAY}
    assert Equipment.objects.get(serial_number="FOX1001").site == "北京市海淀区"
    assert CoverageLine.objects.get().contract.number == "HT-ACME-1"
    assert "3 rows: 3 pieces of equipment and 1 coverage lines imported" in out


def test_a_gbk_file_with_chinese_column_names(desk):
    status, out, _err = run(str(CORPUS / "good_gbk.csv"))
    assert status == 0, out
    assert serials() == ["GBK1", "GBK2"]
    box = Equipment.objects.get(serial_number="GBK2")
    assert (box.model, box.vendor, box.site) == ("华为 S5735", "华为", "上海市浦东新区")
    assert box.warranty_ends_on == DAY


def test_dates_in_three_formats_and_the_ones_that_are_not(desk):
    assert problems_of("dates.csv") == [
        (5, "warranty_ends_on", "bad_date"),
        (6, "warranty_ends_on", "bad_date"),
        (7, "warranty_ends_on", "date_range"),
    ]
    status, _out, err = run(str(CORPUS / "dates.csv"), "--skip-bad")
    assert status == 1
    assert "line 5, warranty_ends_on: Not a date" in err and "(12/07/2026)" in err
    assert serials() == ["D1", "D2", "D3"]
    assert set(Equipment.objects.values_list("warranty_ends_on", flat=True)) == {DAY}


def test_duplicate_serials_name_the_first_line(desk):
    assert problems_of("duplicates.csv") == [
        (4, "serial_number", "duplicate_serial"),
        (5, "serial_number", "duplicate_serial"),
    ]
    status, _out, err = run(str(CORPUS / "duplicates.csv"))
    assert status == 1 and "DUP1 is already on line 2" in err
    assert serials() == []


def test_unknown_references(desk):
    assert problems_of("unknown_refs.csv") == [
        (2, "organization", "unknown_organization"),
        (3, "contract", "unknown_contract"),
        (4, "contract", "other_organization"),
    ]
    status, out, err = run(str(CORPUS / "unknown_refs.csv"))
    assert status == 1 and "4 rows, 3 bad: nothing was imported." in out
    assert "HT-CTBJ-1 belongs to another organization (CTBJ)" in err
    assert serials() == []


def test_a_missing_required_column_is_named(desk):
    assert problems_of("missing_column.csv") == [(1, "vendor", "file")]
    status, _out, err = run(str(CORPUS / "missing_column.csv"))
    assert status == 2 and "The required column vendor is missing" in err


def test_missing_and_oversize_values(desk):
    assert problems_of("oversize.csv") == [
        (2, "serial_number", "missing"),
        (3, "serial_number", "too_long"),
        (4, "model", "too_long"),
    ]


def test_coverage_dates_end_before_start_and_outside_the_contract(desk):
    assert problems_of("coverage.csv") == [
        (2, "coverage_ends_on", "ends_before_start"),
        (3, "coverage_starts_on", "outside_contract"),
        (4, "coverage_starts_on", "needs_contract"),
        (5, "warranty_ends_on", "ends_before_start"),
    ]
    status, _out, _err = run(str(CORPUS / "coverage.csv"), "--skip-bad")
    assert status == 1
    line = CoverageLine.objects.get()
    assert (line.equipment.serial_number, line.starts_on, line.ends_on) == (
        "C5",
        dt.date(2026, 3, 1),
        dt.date(2026, 6, 30),
    )


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("binary.csv", "neither a CSV file nor an XLSX workbook"),
        ("old_excel.xls", "old Excel .xls workbook"),
        ("empty.csv", "The file is empty."),
    ],
)
def test_a_file_that_is_no_table_is_refused_whole(desk, name, says):
    status, _out, err = run(str(CORPUS / name))
    assert status == 2 and says in err
    assert serials() == []


def test_an_xlsx_with_errors_names_the_sheets_rows(desk):
    assert problems_of("errors.xlsx") == [
        (5, "organization", "unknown_organization"),
        (6, "warranty_ends_on", "bad_date"),
        (6, "serial_number", "duplicate_serial"),
    ]
    status, _out, _err = run(str(CORPUS / "errors.xlsx"), "--skip-bad")
    assert status == 1
    assert serials() == ["123456789", "X1", "X5"]
    assert Equipment.objects.get(serial_number="123456789").warranty_ends_on == DAY
    assert Equipment.objects.get(serial_number="X5").warranty_ends_on == dt.date(2027, 1, 31)
    assert CoverageLine.objects.get().equipment.serial_number == "X1"


def test_the_command_speaks_the_desks_language(desk):
    status, out, err = run(str(CORPUS / "unknown_refs.csv"), language="zh-hans")
    assert status == 1
    assert "第 2 行，organization：没有代码为 NOPE 的客户单位。" in err
    assert "4 行，3 个错误行：未导入任何数据。" in out


def test_a_damaged_xlsx_names_the_row_it_breaks_at_and_writes_nothing(desk):
    assert problems_of("damaged.xlsx") == [(3, "", "file")]
    status, _out, err = run(str(CORPUS / "damaged.xlsx"), "--skip-bad")
    assert status == 2 and "line 3: The workbook is damaged from this row on." in err
    assert serials() == []


def test_a_dry_run_writes_nothing(desk):
    status, out, _err = run(str(CORPUS / "good.csv"), "--dry-run")
    assert status == 0 and "Dry run, nothing written." in out
    assert serials() == [] and not AuditRecord.objects.filter(action__endswith=".import").exists()


def test_a_file_that_is_not_there(desk):
    status, _out, err = run("/nonexistent/file.csv")
    assert status == 2 and "/nonexistent/file.csv" in err


def test_the_command_is_called_import_equipment(desk, monkeypatch, capsys):
    # (a command run from the command line closes the connections at its end: not the test's)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.setattr(
        sys, "argv", ["casedesk", "import-equipment", str(CORPUS / "duplicates.csv")]
    )
    # The command speaks the desk's language (what a shell gets: nothing is activated).
    with translation.override(settings.LANGUAGE_CODE), pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    assert "第 4 行，serial_number：序列号 DUP1 已出现在本文件第 2 行。" in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", ["casedesk", "import-equipment", str(CORPUS / "good.csv")])
    cli.main()
    assert len(serials()) == 3


def big_file(rows: int, *, bad_at: int | None = None) -> bytes:
    lines = ["serial_number,organization,model,vendor,contract,site,warranty_ends_on"]
    for n in range(rows):
        org = "NOPE" if n == bad_at else ("ACME" if n % 2 else "CTBJ")
        contract = ("HT-ACME-1" if n % 2 else "HT-CTBJ-1") if n % 3 == 0 else ""
        lines.append(f"BIG{n:07d},{org},C9300-48P,Cisco,{contract},北京市第{n}号机房,2026/12/7")
    return ("\n".join(lines) + "\n").encode()


def test_fifty_thousand_rows_import_all_or_nothing(desk, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(big_file(50_000, bad_at=49_999))
    status, out, err = run(str(path))
    assert status == 1 and "line 50001, organization" in err
    assert not Equipment.objects.exists()

    path.write_bytes(big_file(50_000))
    started = time.perf_counter()
    status, out, _err = run(str(path))
    took = time.perf_counter() - started
    assert status == 0, out
    assert Equipment.objects.count() == 50_000
    assert CoverageLine.objects.count() == 16_667
    assert AuditRecord.objects.filter(action="equipment.import").count() == 50_000
    assert took < 120, f"50,000 rows took {took:.0f} s"
