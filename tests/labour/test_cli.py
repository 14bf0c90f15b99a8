"""``casedesk labour report|settlement``: a table on stdout, the console's workbook with
``--xlsx``; a bad date, month or grouping is a message and exit status 1."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from tests.labour.factories import make_small_desk

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("labour", *args, stdout=out)
    return out.getvalue()


def test_the_report_by_organization_and_its_workbook(tmp_path):
    make_small_desk()
    book = tmp_path / "labour.xlsx"
    out = run(
        "report",
        "--since",
        "2026-12-01",
        "--until",
        "2026-12-31",
        "--by",
        "organization",
        "--xlsx",
        str(book),
    )
    lines = out.splitlines()
    assert lines[0].split() == ["organization", "minutes", "hours", "amount"]
    assert lines[1].split() == ["ACME", "90", "1.50", "350.00"]
    assert lines[2].split() == ["BETA", "60", "1.00", "400.00"]
    assert lines[3].split() == ["total", "150", "2.50", "750.00"]
    rows = list(load_workbook(book).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["ACME", "BETA"]


def test_the_report_per_month_by_engineer():
    make_small_desk()
    out = run(
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-12-31",
        "--by",
        "engineer",
        "--per-month",
    )
    assert out.splitlines()[1].split() == ["2026-12", "zhao", "150", "2.50", "750.00"]


def test_the_settlement_of_a_month(tmp_path):
    covered, uncovered, beta_case = make_small_desk()
    book = tmp_path / "s.xlsx"
    out = run("settlement", "--month", "2026-12", "--xlsx", str(book))
    lines = out.splitlines()
    assert lines[1].split() == ["ACME", "艾克米", "30", "150.00"]
    assert lines[2].split() == ["BETA", "贝塔", "60", "400.00"]
    assert lines[3].split() == ["total", "90", "550.00"]
    logs = list(load_workbook(book).worksheets[1].iter_rows(values_only=True))
    assert [r[1] for r in logs[1:]] == [uncovered.number, beta_case.number]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("report", "--since", "2026-13-01", "--until", "2026-12-31", "--by", "case"),
            "not a date",
        ),
        (
            ("report", "--since", "2026-12-31", "--until", "2026-12-01", "--by", "case"),
            "ends before",
        ),
        (
            ("report", "--since", "2026-12-01", "--until", "2026-12-31", "--by", "contract"),
            "grouping",
        ),
        (("settlement", "--month", "2026-13"), "YYYY-MM"),
        (("settlement", "--month", "december"), "YYYY-MM"),
    ],
)
def test_bad_input_is_a_message(args, says):
    with translation.override("en"), pytest.raises(CommandError, match=says):
        run(*args)


def test_the_command_exits_1_with_the_message(tmp_path):
    """The real command line: a bad month is a message on stderr and exit status 1."""
    r = subprocess.run(
        [sys.executable, "-m", "casedesk", "labour", "settlement", "--month", "2026-13"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"},
        timeout=120,
    )
    assert r.returncode == 1 and "YYYY-MM" in r.stderr
