"""``casedesk import-equipment FILE [--skip-bad] [--dry-run] [--by USERNAME]``.

Reads a CSV or XLSX of the installed base, reports every bad row (line, column, reason) on
stderr and imports nothing when a row is bad, unless ``--skip-bad``; exits 1 when a row was
bad (even with ``--skip-bad``), 2 when the file cannot be read at all.  A progress bar on
stderr (rich: already installed with the project's tools, it draws nothing when stderr is
not a terminal and needs no threads of its own).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from casedesk.accounts import selectors as accounts
from casedesk.contracts import import_tables, importing
from casedesk.core.errors import DomainError

MAX_SHOWN = 1000  # bad rows printed one by one; past this, their count


class Command(BaseCommand):
    help = "Import equipment (the installed base) from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GBK) or XLSX")
        parser.add_argument(
            "--skip-bad", action="store_true", help="import the good rows even if some are bad"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and write nothing"
        )
        parser.add_argument("--by", default="", help="username recorded as the importer")

    def handle(self, *args, **o):
        path = Path(o["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(problem)s") % {"file": path, "problem": exc.strerror},
                returncode=2,
            ) from exc
        try:
            by = accounts.user_by_username(o["by"]) if o["by"] else None
            table = import_tables.read(data)
            with _bar(table.size) as advance:
                if o["dry_run"]:
                    checked = importing.preview(table, by=by, progress=advance)
                else:
                    checked = importing.equipment_import(
                        table=table,
                        by=by,
                        skip_bad=o["skip_bad"],
                        source=path.name,
                        progress=advance,
                    )
        except DomainError as exc:
            raise CommandError(exc.detail, returncode=2) from exc
        self._report(checked, dry_run=o["dry_run"])
        if any(p.code == "file" for p in checked.problems):
            raise CommandError(_("Nothing was imported."), returncode=2)
        if checked.problems:
            if checked.written:
                message = _("%(bad)d bad rows; the other rows were imported.")
            else:
                message = _("%(bad)d bad rows; nothing was imported.")
            raise CommandError(message % {"bad": checked.bad}, returncode=1)

    def _report(self, checked: importing.Checked, *, dry_run: bool) -> None:
        for problem in checked.problems[:MAX_SHOWN]:
            self.stderr.write(_where(problem) + problem.reason)
        if len(checked.problems) > MAX_SHOWN:
            self.stderr.write(
                _("… and %(more)s more problems.") % {"more": len(checked.problems) - MAX_SHOWN}
            )
        counts = {
            "rows": checked.rows,
            "new": checked.new,
            "lines": checked.lines_to_add,
            "unchanged": checked.unchanged,
            "bad": checked.bad,
        }
        if checked.written:
            summary = _(
                "%(rows)d rows: %(new)d pieces of equipment and %(lines)d coverage lines imported,"
                " %(unchanged)d already known, %(bad)d bad."
            )
        elif dry_run:
            summary = _(
                "Dry run, nothing written. %(rows)d rows: %(new)d new pieces of equipment and"
                " %(lines)d coverage lines to import, %(unchanged)d already known, %(bad)d bad."
            )
        else:
            summary = _("%(rows)d rows, %(bad)d bad: nothing was imported.")
        self.stdout.write(summary % counts)


def _where(problem: importing.Problem) -> str:
    if problem.line is None:
        return ""
    if problem.column:
        return _("line %(line)d, %(column)s: ") % {"line": problem.line, "column": problem.column}
    return _("line %(line)d: ") % {"line": problem.line}


class _bar:
    """A rich progress bar on stderr: rows checked, then rows written."""

    def __init__(self, total: int):
        self.total = total
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self):
        self.progress.start()
        self.tasks["check"] = self.progress.add_task(_("checking"), total=self.total)
        return self.advance

    def advance(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.progress.update(self.tasks["check"], total=self.progress.tasks[0].completed)
            self.tasks[stage] = self.progress.add_task(_("writing"), total=total)
        self.progress.advance(self.tasks[stage], done)

    def __exit__(self, *exc) -> None:
        self.progress.stop()
