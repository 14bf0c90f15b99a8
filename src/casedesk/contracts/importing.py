"""Importing the installed base: every row of a file checked, then the good ones written in
one operation.  ``casedesk import-equipment`` and the console's upload page both run it.

:func:`preview` checks and writes nothing (the page's preview, the command's ``--dry-run``);
:func:`equipment_import` checks again inside its own transaction — the equipment it adds
coverage to locked, so what was checked is what is written — and writes nothing at all if a
row is bad, unless told to skip the bad rows.  Each piece of equipment and each coverage
line it writes gets its audit record.

A serial number the desk already knows is taken as it is when the row says exactly what the
desk holds (then only a coverage line the row names is added): a file can be imported again
after its bad rows are fixed.  A row that says something else about a known serial is bad —
an import never overwrites equipment or moves it to another organization; that is a change
made and audited on the equipment's own page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.accounts.models import Organization
from casedesk.core import audit, clock, policy
from casedesk.core.errors import Conflict
from casedesk.core.operations import operation

from .import_tables import NotATable, Table, Value
from .models import Contract, CoverageLine, Equipment
from .policy import ContractAction
from .serials import normalize_serial

# (stage "check" or "write", rows done since the last call, the stage's rows in all)
Progress = Callable[[str, int, int], None]

CHUNK = 900  # keys per lookup (SQLite's oldest limit is 999 parameters) and rows per INSERT
TEXT_COLUMNS = {
    "serial_number": Equipment._meta.get_field("serial_number"),
    "organization": Organization._meta.get_field("code"),
    "model": Equipment._meta.get_field("model"),
    "vendor": Equipment._meta.get_field("vendor"),
    "site": Equipment._meta.get_field("site"),
    "contract": Contract._meta.get_field("number"),
}
DATE_COLUMNS = ("warranty_ends_on", "installed_on", "coverage_starts_on", "coverage_ends_on")
# What an existing serial's row is compared on (a difference is a bad row).
COMPARED = ("organization_id", "model", "vendor", "site", "warranty_ends_on", "installed_on")
EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(2199, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's serial dates (its 1900 leap day skipped)
_DAY = re.compile(
    r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)

REASONS = {
    "missing": gettext_lazy("A value is required."),
    "too_long": gettext_lazy("Longer than %(max)d characters."),
    "bad_date": gettext_lazy(
        "Not a date: write 2026-12-07, 2026/12/7 or an Excel date number (%(value)s)."
    ),
    "date_range": gettext_lazy("The date %(value)s is out of range (1970–2199)."),
    "unknown_organization": gettext_lazy("No organization has the code %(value)s."),
    "inactive_organization": gettext_lazy("The organization %(value)s is no longer active."),
    "unknown_contract": gettext_lazy("No contract has the number %(value)s."),
    "other_organization": gettext_lazy(
        "The contract %(value)s belongs to another organization (%(organization)s)."
    ),
    "duplicate_serial": gettext_lazy(
        "The serial number %(value)s is already on line %(first)d of this file."
    ),
    "serial_exists": gettext_lazy(
        "The serial number %(value)s is already in the installed base with other %(fields)s;"
        " change it on the equipment's page."
    ),
    "ends_before_start": gettext_lazy("%(end)s is before %(start)s."),
    "outside_contract": gettext_lazy(
        "The coverage %(start)s–%(end)s is not inside the contract's dates %(from)s–%(to)s."
    ),
    "needs_contract": gettext_lazy("Coverage dates need a contract in the same row."),
    "overlap": gettext_lazy(
        "The serial number %(value)s is already covered by %(product)s from %(start)s to %(end)s"
        " (contract %(contract)s)."
    ),
}

# The facts of a known serial a row may differ on, as a reason names them.
_FIELD_NAMES = {
    f: getattr(Equipment._meta.get_field(f.removesuffix("_id")), "verbose_name", f)
    for f in COMPARED
}


@dataclasses.dataclass(frozen=True)
class Problem:
    """Why one row (or the file) is bad: its line, its column and a reason code with its
    facts, worded when read (:attr:`reason`, in the reader's language)."""

    line: int | None
    column: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def reason(self) -> str:
        if self.code == "file":  # the file as a whole: worded when it was read
            return str(self.params["detail"])
        params = dict(self.params)
        if "fields" in params:  # field codes, named in the reader's language
            params["fields"] = ", ".join(str(_FIELD_NAMES[f]) for f in params["fields"])
        return str(REASONS[self.code]) % params


@dataclasses.dataclass
class Row:
    """One good row, its references resolved."""

    line: int
    serial_number: str
    organization: Organization
    model: str
    vendor: str
    site: str
    warranty_ends_on: dt.date | None
    installed_on: dt.date | None
    contract: Contract | None
    coverage: tuple[dt.date, dt.date] | None
    existing: Equipment | None = None
    covered: bool = False  # the existing equipment already has exactly this coverage line


@dataclasses.dataclass
class Checked:
    """What a file holds: its good rows and every problem of its bad ones."""

    kind: str = ""
    rows: int = 0  # data rows read (blank rows left out)
    good: list[Row] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    # after an import: what was written
    written: bool = False
    created: int = 0
    covered: int = 0

    @property
    def bad(self) -> int:
        """Rows with at least one problem (a problem of the whole file counts as one)."""
        return len({(p.line, p.code == "file") for p in self.problems}) if self.problems else 0

    @property
    def new(self) -> int:
        return sum(1 for r in self.good if r.existing is None)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.good if r.existing is not None)

    @property
    def lines_to_add(self) -> int:
        return sum(1 for r in self.good if r.contract is not None and not r.covered)


def parse_day(value: Value) -> dt.date:
    """A day from ``2026-12-07``, ``2026/12/7``, an Excel serial date or an XLSX date cell;
    ValueError with the reason's code otherwise."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        day = _excel_day(float(value))
    else:
        text = str(value).strip()
        found = _DAY.match(text)
        if found:
            try:
                day = dt.date(int(found[1]), int(found[3]), int(found[4]))
            except ValueError:
                raise ValueError("bad_date") from None
        elif re.fullmatch(r"\d{1,7}(\.0+)?", text):
            day = _excel_day(float(text))
        else:
            raise ValueError("bad_date")
    if not EARLIEST <= day <= LATEST:
        raise ValueError("date_range")
    return day


def _excel_day(number: float) -> dt.date:
    if not number.is_integer() or not 1 <= number <= 2_958_465:
        raise ValueError("bad_date")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an XLSX number cell holding a serial or an order number
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclasses.dataclass
class _Parsed:
    line: int
    values: dict[str, Any]


def _parse(line: int, cells: dict[str, Value], problems: list[Problem]) -> tuple[_Parsed, bool]:
    """The row's values, typed, and whether they are all good (else their problems added)."""
    values: dict[str, Any] = {}
    bad = False
    for column, field in TEXT_COLUMNS.items():
        text = _text(cells.get(column))
        if column == "serial_number":
            text = normalize_serial(text)
        if not text and column in ("serial_number", "organization", "model", "vendor"):
            problems.append(Problem(line, column, "missing"))
            bad = True
        elif field.max_length is not None and len(text) > field.max_length:
            problems.append(Problem(line, column, "too_long", {"max": field.max_length}))
            bad = True
        values[column] = text
    for column in DATE_COLUMNS:
        raw = cells.get(column)
        if raw is None or _text(raw) == "":
            values[column] = None
            continue
        try:
            values[column] = parse_day(raw)
        except ValueError as exc:
            problems.append(Problem(line, column, str(exc), {"value": _text(raw)[:40]}))
            bad = True
    return _Parsed(line, values), not bad


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _organizations(codes: Iterable[str]) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update((o.code, o) for o in Organization.objects.filter(code__in=chunk))
    return found


def _contracts(numbers: Iterable[str]) -> dict[str, Contract]:
    found: dict[str, Contract] = {}
    for chunk in _chunks(sorted(set(numbers))):
        rows = Contract.objects.filter(number__in=chunk).select_related(
            "service_product", "organization"
        )
        found.update((c.number, c) for c in rows)
    return found


def _equipment(serials: list[str], *, lock: bool) -> dict[str, Equipment]:
    """The known equipment among ``serials``, locked (in serial order) when ``lock``."""
    found: dict[str, Equipment] = {}
    for chunk in _chunks(sorted(set(serials))):
        rows = Equipment.objects.filter(serial_number__in=chunk).order_by("serial_number")
        if lock:
            rows = rows.select_for_update()
        found.update((e.serial_number, e) for e in rows)
    return found


def _lines_of(equipment: Iterable[Equipment]) -> dict[int, list[CoverageLine]]:
    by_equipment: dict[int, list[CoverageLine]] = {}
    for chunk in _chunks(sorted(e.pk for e in equipment)):
        rows = CoverageLine.objects.filter(equipment_id__in=chunk).select_related(
            "contract", "service_product"
        )
        for line in rows:
            by_equipment.setdefault(line.equipment_id, []).append(line)
    return by_equipment


def _describe(row: Row) -> dict[str, Any]:
    return {
        "organization_id": row.organization.pk,
        "model": row.model,
        "vendor": row.vendor,
        "site": row.site,
        "warranty_ends_on": row.warranty_ends_on,
        "installed_on": row.installed_on,
    }


def check(table: Table, *, lock: bool = False, progress: Progress | None = None) -> Checked:
    """Every row of ``table`` checked against the file and the desk; nothing written."""
    checked = Checked(kind=table.kind)
    parsed: list[_Parsed] = []
    first_line: dict[str, int] = {}
    try:
        for line, cells in table.rows:
            checked.rows += 1
            row, good = _parse(line, cells, checked.problems)
            if progress is not None and checked.rows % 1000 == 0:
                progress("check", 1000, table.size)
            serial = row.values["serial_number"]
            if serial and serial in first_line:
                checked.problems.append(
                    Problem(
                        line,
                        "serial_number",
                        "duplicate_serial",
                        {"value": serial, "first": first_line[serial]},
                    )
                )
                continue
            if serial:
                first_line.setdefault(serial, line)
            if good:
                parsed.append(row)
    except NotATable as exc:
        checked.problems.append(Problem(exc.line, exc.column, "file", {"detail": exc.detail}))
        return checked
    if progress is not None:
        progress("check", checked.rows % 1000, table.size)
    organizations = _organizations(p.values["organization"] for p in parsed)
    contracts = _contracts(p.values["contract"] for p in parsed if p.values["contract"])
    known = _equipment([p.values["serial_number"] for p in parsed], lock=lock)
    lines = _lines_of(
        known[p.values["serial_number"]]
        for p in parsed
        if p.values["contract"] and p.values["serial_number"] in known
    )
    for p in parsed:
        resolved = _resolve(p, organizations, contracts, checked.problems)
        if resolved is None:
            continue
        resolved.existing = known.get(resolved.serial_number)
        if resolved.existing is None or _same_as_known(resolved, lines, checked.problems):
            checked.good.append(resolved)
    checked.problems.sort(key=lambda p: p.line or 0)  # by line; a line's in column order
    return checked


def _resolve(
    p: _Parsed,
    organizations: dict[str, Organization],
    contracts: dict[str, Contract],
    problems: list[Problem],
) -> Row | None:
    v, line, before = p.values, p.line, len(problems)
    organization = organizations.get(v["organization"])
    if organization is None:
        problems.append(
            Problem(line, "organization", "unknown_organization", {"value": v["organization"]})
        )
    elif not organization.is_active:
        problems.append(
            Problem(line, "organization", "inactive_organization", {"value": v["organization"]})
        )
    if v["installed_on"] and v["warranty_ends_on"] and v["warranty_ends_on"] < v["installed_on"]:
        problems.append(_before(line, "warranty_ends_on", "installed_on", v))
    contract = contracts.get(v["contract"]) if v["contract"] else None
    coverage = None
    if v["contract"] and contract is None:
        problems.append(Problem(line, "contract", "unknown_contract", {"value": v["contract"]}))
    elif contract is not None:
        if organization is not None and contract.organization_id != organization.pk:
            problems.append(
                Problem(
                    line,
                    "contract",
                    "other_organization",
                    {"value": contract.number, "organization": contract.organization.code},
                )
            )
        start = v["coverage_starts_on"] or contract.starts_on
        end = v["coverage_ends_on"] or contract.ends_on
        if end < start:
            problems.append(_before(line, "coverage_ends_on", "coverage_starts_on", v, start, end))
        elif start < contract.starts_on or end > contract.ends_on:
            column = "coverage_starts_on" if start < contract.starts_on else "coverage_ends_on"
            problems.append(
                Problem(
                    line,
                    column,
                    "outside_contract",
                    {
                        "start": start,
                        "end": end,
                        "from": contract.starts_on,
                        "to": contract.ends_on,
                    },
                )
            )
        coverage = (start, end)
    elif v["coverage_starts_on"] or v["coverage_ends_on"]:
        column = "coverage_starts_on" if v["coverage_starts_on"] else "coverage_ends_on"
        problems.append(Problem(line, column, "needs_contract"))
    if len(problems) > before:
        return None
    assert organization is not None
    return Row(
        line=line,
        serial_number=v["serial_number"],
        organization=organization,
        model=v["model"],
        vendor=v["vendor"],
        site=v["site"],
        warranty_ends_on=v["warranty_ends_on"],
        installed_on=v["installed_on"],
        contract=contract,
        coverage=coverage,
    )


def _before(line, column, other, v, start=None, end=None) -> Problem:
    return Problem(
        line,
        column,
        "ends_before_start",
        {
            "end": f"{column} {end or v[column]}",
            "start": f"{other} {start or v[other]}",
        },
    )


def _same_as_known(row: Row, lines: dict[int, list[CoverageLine]], problems: list[Problem]) -> bool:
    """True if the known equipment is what ``row`` says and its coverage line (if any) can
    be added or is there already; else the row's problem is added."""
    known = row.existing
    assert known is not None
    wanted = _describe(row)
    differ = [f for f in COMPARED if getattr(known, f) != wanted[f]]
    if differ:
        problems.append(
            Problem(
                row.line,
                "serial_number",
                "serial_exists",
                {"value": row.serial_number, "fields": differ},
            )
        )
        return False
    if row.contract is None or row.coverage is None:
        return True
    start, end = row.coverage
    for line in lines.get(known.pk, []):
        same = (line.contract_id, line.starts_on, line.ends_on) == (row.contract.pk, start, end)
        if same and line.service_product_id == row.contract.service_product_id:
            row.covered = True
            return True
        if (
            line.service_product_id == row.contract.service_product_id
            and line.starts_on <= end
            and start <= line.ends_on
        ):
            problems.append(
                Problem(
                    row.line,
                    "contract",
                    "overlap",
                    {
                        "value": row.serial_number,
                        "product": line.service_product.code,
                        "start": line.starts_on,
                        "end": line.ends_on,
                        "contract": line.contract.number,
                    },
                )
            )
            return False
    return True


def preview(table: Table, *, by, progress: Progress | None = None) -> Checked:
    """What importing ``table`` would do, and every bad row; nothing is written."""
    policy.require(by, ContractAction.MANAGE_EQUIPMENT)
    return check(table, progress=progress)


@operation
def equipment_import(
    *,
    table: Table,
    by,
    skip_bad: bool = False,
    source: str = "",
    progress: Progress | None = None,
) -> Checked:
    """Import ``table``: nothing if a row is bad (unless ``skip_bad``: then its good rows),
    in this one transaction, each new piece of equipment and coverage line audited."""
    policy.require(by, ContractAction.MANAGE_EQUIPMENT)
    checked = check(table, lock=True, progress=progress)
    if (checked.problems and not skip_bad) or any(p.code == "file" for p in checked.problems):
        return checked
    now = clock.now()
    records: list = []
    try:
        with transaction.atomic():  # a serial another import wrote meanwhile: all undone
            for chunk in _chunks(checked.good, 2000):
                _write(chunk, now, by, source, records)
                if progress is not None:
                    progress("write", len(chunk), len(checked.good))
    except IntegrityError:
        raise Conflict(
            _("Another import wrote some of these serial numbers meanwhile; nothing was imported.")
        ) from None
    audit.record_all(records)
    checked.written = True
    return checked


EQUIPMENT_COLUMNS = (
    "serial_number",
    "organization_id",
    "model",
    "vendor",
    "site",
    "installed_on",
    "warranty_ends_on",
    "created_at",
)
LINE_COLUMNS = ("contract_id", "equipment_id", "service_product_id", "starts_on", "ends_on")


def _write(rows: list[Row], now: dt.datetime, by, source: str, records: list) -> None:
    """Write ``rows``' new equipment and coverage lines, and make their audit records."""
    new = [r for r in rows if r.existing is None]
    keys = _insert(
        Equipment,
        EQUIPMENT_COLUMNS,
        [
            (
                r.serial_number,
                r.organization.pk,
                r.model,
                r.vendor,
                r.site,
                r.installed_on,
                r.warranty_ends_on,
                now,
            )
            for r in new
        ],
    )
    equipment_of = {id(r): pk for r, pk in zip(new, keys, strict=True)}
    for r in new:
        created = {
            "serial_number": r.serial_number,
            "organization": r.organization.code,
            "model": r.model,
            "vendor": r.vendor,
            "site": r.site,
            "installed_on": r.installed_on,
            "warranty_ends_on": r.warranty_ends_on,
        }
        records.append(
            _record(
                "equipment.import",
                Equipment,
                equipment_of[id(r)],
                r.serial_number,
                by,
                created,
                r,
                source,
            )
        )
    covered = [
        r for r in rows if r.contract is not None and r.coverage is not None and not r.covered
    ]
    lines = []
    for r in covered:
        assert r.contract is not None and r.coverage is not None
        equipment = r.existing.pk if r.existing is not None else equipment_of[id(r)]
        lines.append((r.contract.pk, equipment, r.contract.service_product_id, *r.coverage))
    keys = _insert(CoverageLine, LINE_COLUMNS, lines)
    for r, pk in zip(covered, keys, strict=True):
        assert r.contract is not None and r.coverage is not None
        start, end = r.coverage
        created = {
            "contract": r.contract.number,
            "serial_number": r.serial_number,
            "service_product": r.contract.service_product.code,
            "starts_on": start,
            "ends_on": end,
        }
        shown = f"{r.contract.number}: {r.serial_number} {start}–{end}"  # as CoverageLine's str
        records.append(_record("coverage.import", CoverageLine, pk, shown, by, created, r, source))


def _record(
    action: str, model, pk: int, shown: str, by, created: dict[str, Any], row: Row, source: str
):
    """The audit record of a row made: what ``audit.build(obj=…, after=created)`` records
    (each field set, from nothing), built from plain values so it is not made JSON twice."""
    after = {
        k: v.isoformat() if isinstance(v, dt.date) else v
        for k, v in created.items()
        if v is not None
    }
    return audit.build(
        action=action,
        object_type=model._meta.label_lower,
        object_id=pk,
        object_repr=shown,
        actor=by,
        data={
            "before": dict.fromkeys(after),
            "after": after,
            "line": row.line,
            "file": source,
        },
    )


def _insert(model: type[models.Model], columns: tuple[str, ...], values: list[tuple]) -> list[int]:
    """Write rows of ``model`` (``values`` of the fields ``columns``, by attribute name) and
    give back their keys, in order: on PostgreSQL keys drawn from the table's sequence and
    the rows sent by COPY (no statement to build and parse for thousands of parameters, no
    model instance made); elsewhere ``bulk_create``."""
    if not values:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(columns, v, strict=True))) for v in values]
        model._default_manager.bulk_create(objs, batch_size=CHUNK)
        return [obj.pk for obj in objs]
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)  # (attribute names: these models' columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.attname, len(values)],
        )
        keys = [pk for (pk,) in cursor.fetchall()]
        sql = f"COPY {quote(meta.db_table)} ({quote(meta.pk.attname)}, {names}) FROM STDIN"
        # (the raw cursor's errors made Django's: a serial written meanwhile is an IntegrityError)
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for pk, row in zip(keys, values, strict=True):
                copy.write_row((pk, *row))
    return keys
