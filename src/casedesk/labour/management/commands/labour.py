"""``casedesk labour report|settlement``: the labour report and the monthly settlement of
work outside the contract, as a table (and, with ``--xlsx FILE``, the console's workbook).

    casedesk labour report --since 2026-12-01 --until 2026-12-31 --by engineer
    casedesk labour settlement --month 2026-12 --xlsx settlement.xlsx

The operator at the console reads as the system (all organizations).  A bad date, month or
grouping is a message and exit status 1; nothing is written but the workbook.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casedesk.core.errors import DomainError
from casedesk.labour import selectors, xlsx


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


def _write(path: str | None, body: bytes) -> str:
    if not path:
        return ""
    try:
        Path(path).write_bytes(body)
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
    return path


class Command(BaseCommand):
    help = "Print the labour report or a month's settlement of work outside the contract."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="report|settlement")
        report = sub.add_parser(
            "report", help="minutes and amount per engineer, organization or CASE"
        )
        report.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
        report.add_argument("--until", required=True, help="last day (included), YYYY-MM-DD")
        report.add_argument("--by", required=True, help="engineer, organization or case")
        report.add_argument("--per-month", action="store_true", help="a row per month too")
        report.add_argument("--xlsx", metavar="FILE", help="also write the workbook to FILE")
        settlement = sub.add_parser("settlement", help="a month's billable work per customer")
        settlement.add_argument("--month", required=True, help="YYYY-MM")
        settlement.add_argument("--xlsx", metavar="FILE", help="also write the workbook to FILE")

    def handle(self, *args, what: str, **options):
        try:
            if what == "report":
                self._report(options)
            else:
                self._settlement(options)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc

    def _report(self, options) -> None:
        since, until, by = _date(options["since"]), _date(options["until"]), options["by"]
        per_month = options["per_month"]
        rows = selectors.labour_rows(
            since=since, until=until, by=by, per_month=per_month, fetched_by=None
        )
        month = f"{'month':<8} " if per_month else ""
        self.stdout.write(f"{month}{by:<24} {'minutes':>9} {'hours':>9} {'amount':>14}")
        for r in rows:
            month = f"{r.month:<8} " if per_month else ""
            self.stdout.write(f"{month}{r.key:<24} {r.minutes:>9} {r.hours:>9} {r.amount:>14}")
        minutes = sum(r.minutes for r in rows)
        amount = sum((r.amount for r in rows), Decimal(0))
        pad = " " * 9 if per_month else ""
        self.stdout.write(
            f"{pad}{'total':<24} {minutes:>9} {selectors.hours(minutes):>9} {amount:>14.2f}"
        )
        if options["xlsx"]:
            labels = {"engineer": "engineer", "organization": "organization", "case": "CASE"}
            body = xlsx.report(rows, by_label=labels[by], per_month=per_month)
            self.stdout.write(f"written {_write(options['xlsx'], body)}")

    def _settlement(self, options) -> None:
        month = options["month"]
        customers = selectors.settlement(month=month, fetched_by=None)
        self.stdout.write(f"{'organization':<14} {'name':<24} {'minutes':>9} {'amount':>14}")
        for s in customers:
            self.stdout.write(f"{s.organization:<14} {s.name:<24} {s.minutes:>9} {s.amount:>14}")
        total = sum((s.amount for s in customers), Decimal(0))
        self.stdout.write(
            f"{'total':<14} {'':<24} {sum(s.minutes for s in customers):>9} {total:>14.2f}"
        )
        if options["xlsx"]:
            body = xlsx.settlement(month, customers)
            self.stdout.write(f"written {_write(options['xlsx'], body)}")
