"""Importing the installed base: the checks of every row, all or nothing, the audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from casedesk.contracts import importing
from casedesk.contracts.import_tables import read
from casedesk.contracts.models import CoverageLine, Equipment
from casedesk.core import audit
from casedesk.core.errors import Conflict, Forbidden
from casedesk.core.models import AuditRecord
from tests.contracts.import_data import csv_of, make_contract, make_desk
from tests.factories import OrganizationFactory, make_user
from tests.racing import race


@pytest.fixture
def desk(db):
    return make_desk()


@pytest.fixture
def csm(db):
    return make_user("cs_manager", username="csm")


def _import(data: bytes, by=None, **kw) -> importing.Checked:
    return importing.equipment_import(table=read(data), by=by, source="t.csv", **kw)


def _problems(checked) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.column, p.code) for p in checked.problems]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-12-07", dt.date(2026, 12, 7)),
        ("2026/12/7", dt.date(2026, 12, 7)),
        ("2026/1/31", dt.date(2026, 1, 31)),
        ("46363", dt.date(2026, 12, 7)),
        (46363, dt.date(2026, 12, 7)),
        (46363.0, dt.date(2026, 12, 7)),
        ("2026-12-07 00:00:00", dt.date(2026, 12, 7)),
        (dt.datetime(2026, 12, 7, 0, 0), dt.date(2026, 12, 7)),
        (dt.date(2026, 12, 7), dt.date(2026, 12, 7)),
        ("25569", dt.date(1970, 1, 1)),  # Excel's day for the Unix epoch
    ],
)
def test_a_day_is_read_in_the_three_formats(value, day):
    assert importing.parse_day(value) == day


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12/07/2026", "bad_date"),
        ("2026-13-01", "bad_date"),
        ("2026-02-30", "bad_date"),
        ("2026-12-07x", "bad_date"),
        ("46363.5", "bad_date"),
        ("明天", "bad_date"),
        ("1800-01-01", "date_range"),
        ("1", "date_range"),
        (True, "bad_date"),
    ],
)
def test_a_day_that_is_not_one_says_why(value, code):
    with pytest.raises(ValueError, match=code):
        importing.parse_day(value)


def test_good_rows_become_equipment_with_coverage_and_audit(desk, csm):
    checked = _import(
        csv_of(
            "fox 1001,ACME,C9300-48P,Cisco,HT-ACME-1,北京市海淀区,2026-12-07",
            "FOX1002,CTBJ,ASR1001-X,Cisco,,,46363",
        ),
        by=csm,
    )
    assert checked.problems == [] and checked.written
    box = Equipment.objects.get(serial_number="FOX1001")
    assert (box.organization, box.model, box.site) == (desk["ACME"], "C9300-48P", "北京市海淀区")
    assert box.warranty_ends_on == dt.date(2026, 12, 7)
    line = CoverageLine.objects.get(equipment=box)
    assert (line.contract, line.service_product, line.starts_on, line.ends_on) == (
        desk["HT-ACME-1"],
        desk["gold"],
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert not CoverageLine.objects.filter(equipment__serial_number="FOX1002").exists()
    made = AuditRecord.objects.filter(action="equipment.import").order_by("seq")
    assert [r.object_repr for r in made] == ["FOX1001", "FOX1002"]
    assert {r.actor for r in made} == {"csm"}
    assert '"line":2' in made[0].data and '"organization":"ACME"' in made[0].data
    covered = AuditRecord.objects.get(action="coverage.import")
    assert covered.object_id == str(line.pk) and '"contract":"HT-ACME-1"' in covered.data


def test_one_bad_row_and_nothing_is_written(desk):
    checked = _import(csv_of("OK1,ACME,C9300,Cisco,,,", "BAD1,NOPE,C9300,Cisco,,,"))
    assert _problems(checked) == [(3, "organization", "unknown_organization")]
    assert not checked.written and checked.bad == 1 and len(checked.good) == 1
    assert not Equipment.objects.exists()
    assert not AuditRecord.objects.filter(action__endswith=".import").exists()


def test_skip_bad_writes_the_good_rows_and_still_names_the_bad(desk):
    checked = _import(csv_of("OK1,ACME,C9300,Cisco,,,", "BAD1,NOPE,C9300,Cisco,,,"), skip_bad=True)
    assert checked.written and checked.bad == 1
    assert list(Equipment.objects.values_list("serial_number", flat=True)) == ["OK1"]


def test_every_problem_of_a_row_is_named_with_its_column(desk):
    checked = _import(csv_of(",ACME,,Cisco,,,明天"))
    assert _problems(checked) == [
        (2, "serial_number", "missing"),
        (2, "model", "missing"),
        (2, "warranty_ends_on", "bad_date"),
    ]


def test_a_known_serial_with_the_same_facts_is_left_as_it_is(desk):
    row = "FOX1,ACME,C9300,Cisco,HT-ACME-1,北京,2026-12-07"
    assert _import(csv_of(row)).written
    again = _import(csv_of(row, "FOX2,ACME,C9300,Cisco,,,"))
    assert again.problems == [] and again.written
    assert (again.new, again.unchanged, again.lines_to_add) == (1, 1, 0)
    assert Equipment.objects.count() == 2 and CoverageLine.objects.count() == 1
    assert AuditRecord.objects.filter(action="equipment.import").count() == 2


def test_a_known_serial_gets_the_coverage_line_its_row_adds(desk):
    assert _import(csv_of("FOX1,ACME,C9300,Cisco,,北京,")).written
    checked = _import(csv_of("FOX1,ACME,C9300,Cisco,HT-ACME-1,北京,"))
    assert checked.written and (checked.new, checked.lines_to_add) == (0, 1)
    assert CoverageLine.objects.get().equipment.serial_number == "FOX1"


def test_a_known_serial_with_other_facts_is_a_bad_row_never_an_update(desk):
    assert _import(csv_of("FOX1,ACME,C9300,Cisco,,北京,")).written
    checked = _import(csv_of("FOX1,CTBJ,C9500,Cisco,,北京,"))
    assert _problems(checked) == [(2, "serial_number", "serial_exists")]
    with translation.override("en"):
        assert "other organization, model;" in checked.problems[0].reason
    box = Equipment.objects.get()
    assert (box.organization.code, box.model) == ("ACME", "C9300")


def test_coverage_overlapping_a_line_of_the_same_product_is_refused(desk):
    assert _import(csv_of("FOX1,ACME,C9300,Cisco,HT-ACME-1,,")).written
    second = make_contract(
        "HT-ACME-2", desk["ACME"], desk["gold"], dt.date(2026, 12, 1), dt.date(2027, 11, 30)
    )
    checked = _import(csv_of(f"FOX1,ACME,C9300,Cisco,{second.number},,"))
    assert _problems(checked) == [(2, "contract", "overlap")]
    assert "HT-ACME-1" in checked.problems[0].reason
    # the next day after the first line's last day is not an overlap
    third = make_contract(
        "HT-ACME-3", desk["ACME"], desk["gold"], dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    )
    assert _import(csv_of(f"FOX1,ACME,C9300,Cisco,{third.number},,")).written
    assert CoverageLine.objects.count() == 2


def test_an_inactive_organization_is_refused(desk):
    OrganizationFactory(code="GONE", is_active=False)
    checked = _import(csv_of("G1,GONE,C9300,Cisco,,,"))
    assert _problems(checked) == [(2, "organization", "inactive_organization")]


def test_only_contract_managers_import(desk):
    engineer = make_user("engineer", username="eng", tier="senior")
    with pytest.raises(Forbidden):
        _import(csv_of("OK1,ACME,C9300,Cisco,,,"), by=engineer)
    with pytest.raises(Forbidden):
        importing.preview(read(csv_of("OK1,ACME,C9300,Cisco,,,")), by=engineer)
    assert not Equipment.objects.exists()


def test_a_preview_writes_nothing(desk, csm):
    checked = importing.preview(read(csv_of("OK1,ACME,C9300,Cisco,HT-ACME-1,,")), by=csm)
    assert (checked.new, checked.lines_to_add, checked.written) == (1, 1, False)
    assert not Equipment.objects.exists()


def test_a_reason_is_worded_in_the_readers_language(desk):
    checked = _import(csv_of("BAD1,NOPE,C9300,Cisco,,,"))
    with translation.override("zh-hans"):
        assert "NOPE" in checked.problems[0].reason and "客户单位" in checked.problems[0].reason
    with translation.override("en"):
        assert checked.problems[0].reason == "No organization has the code NOPE."


def test_an_import_record_reads_as_a_creation_recorded_by_audit_build(desk, csm):
    _import(csv_of("FOX1,ACME,C9300,Cisco,HT-ACME-1,,2026-12-07"), by=csm)
    box = Equipment.objects.get()
    made = AuditRecord.objects.get(action="equipment.import")
    expected = audit.build(
        action="equipment.import",
        obj=box,
        actor=csm,
        after={
            "serial_number": "FOX1",
            "organization": "ACME",
            "model": "C9300",
            "vendor": "Cisco",
            "site": "",
            "installed_on": None,
            "warranty_ends_on": dt.date(2026, 12, 7),
        },
        data={"line": 2, "file": "t.csv"},
    )
    assert (made.object_type, made.object_id, made.object_repr, made.data) == (
        expected.object_type,
        expected.object_id,
        expected.object_repr,
        expected.data,
    )
    line = CoverageLine.objects.get()
    covered = AuditRecord.objects.get(action="coverage.import")
    assert (covered.object_type, covered.object_repr) == ("contracts.coverageline", str(line))
    assert audit.verify().ok


@pytest.mark.postgres
def test_two_imports_of_the_same_serials_at_once_one_wins_the_other_writes_nothing(
    transactional_db,
):
    make_desk()
    data = csv_of(*(f"RACE{n},ACME,C9300,Cisco,HT-ACME-1,," for n in range(300)))

    def one_import():
        return importing.equipment_import(table=read(data), by=None, source="race.csv")

    results, errors = race([one_import, one_import], hold=Equipment)
    assert [r.written for r in results] == [True]
    assert [type(e) for e in errors] == [Conflict]
    assert "本次未导入任何数据" in errors[0].detail  # (the threads speak the desk's language)
    assert Equipment.objects.count() == 300 and CoverageLine.objects.count() == 300
    assert AuditRecord.objects.filter(action="equipment.import").count() == 300
    assert audit.verify().ok
