"""CASE numbers: ``C`` + YYMM of the desk's local month + a serial that restarts monthly.

The serial grows a digit past 999 and never wraps; a rolled-back opening gives its serial
back (the sequence row is written in the same transaction as the CASE).
"""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from casedesk.cases.models import Case, CaseEvent, CaseNumberSequence
from casedesk.cases.numbering import format_number, next_number, period_of
from casedesk.core import clock
from casedesk.core.errors import InvalidInput
from tests.factories import make_case

UTC = dt.UTC
NUMBER = re.compile(r"^C(\d{4})(\d{3,})$")


def at(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).replace(tzinfo=UTC)


def open_at(iso: str, contact, **fields) -> Case:
    with clock.frozen(at(iso)):
        return make_case(contact=contact, **fields)


def serial_of(number: str) -> int:
    match = NUMBER.match(number)
    assert match, number
    return int(match.group(2))


def last_serial(period: str) -> int | None:
    row = CaseNumberSequence.objects.filter(period=period).first()
    return row.last_serial if row else None


# --- format and first numbers ------------------------------------------------------------


def test_first_case_of_a_month_is_001_and_the_next_002(contact):
    first = open_at("2026-11-22T02:00:00", contact)
    second = open_at("2026-11-22T02:05:00", contact)

    assert (first.number, second.number) == ("C2611001", "C2611002")
    assert Case.objects.get(pk=first.pk).number == "C2611001"
    assert last_serial("2611") == 2
    opened = CaseEvent.objects.get(case=first, kind="opened")
    assert opened.data["number"] == "C2611001"


def test_numbers_have_the_documented_shape(contact):
    numbers = [open_at(f"2026-03-0{d}T04:00:00", contact).number for d in range(1, 6)]

    assert numbers == ["C2603001", "C2603002", "C2603003", "C2603004", "C2603005"]
    assert all(NUMBER.match(n) for n in numbers)


# --- the month is the desk's local month ---------------------------------------------------


def test_month_boundary_follows_desk_local_time_not_utc(contact, settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    # 2026-11-30 23:59 in Shanghai: still November.
    late_november = open_at("2026-11-30T15:59:00", contact)
    # 2026-12-01 00:00 in Shanghai, but 30 November in UTC: December.
    midnight = open_at("2026-11-30T16:00:00", contact)
    # 2026-12-01 00:10 in Shanghai: the example.
    after_midnight = open_at("2026-11-30T16:10:00", contact)

    assert late_november.number.startswith("C2611")
    assert (midnight.number, after_midnight.number) == ("C2612001", "C2612002")
    # The instant is stored in UTC; only the number uses local time.
    assert after_midnight.created_at == at("2026-11-30T16:10:00")


def test_serial_restarts_every_month_and_year(contact):
    nov = [open_at("2026-11-10T03:00:00", contact).number for _ in range(3)]
    dec = [open_at("2026-12-10T03:00:00", contact).number for _ in range(2)]
    # 2027-01-01 00:00 in Shanghai is 2026-12-31 16:00 UTC.
    jan = open_at("2026-12-31T16:00:00", contact).number
    last_dec = open_at("2026-12-31T15:59:59", contact).number

    assert nov == ["C2611001", "C2611002", "C2611003"]
    assert dec == ["C2612001", "C2612002"]
    assert jan == "C2701001"
    assert last_dec == "C2612003"
    assert {s.period: s.last_serial for s in CaseNumberSequence.objects.all()} == {
        "2611": 3,
        "2612": 3,
        "2701": 1,
    }


def test_desk_time_zone_setting_changes_the_month(contact, settings):
    settings.TIME_ZONE = "UTC"
    assert open_at("2026-11-30T16:10:00", contact).number == "C2611001"
    assert open_at("2026-12-01T00:00:00", contact).number == "C2612001"

    settings.TIME_ZONE = "America/New_York"
    # 2026-12-01 03:00 UTC is 30 November 22:00 in New York.
    assert open_at("2026-12-01T03:00:00", contact).number == "C2611002"

    settings.TIME_ZONE = "Asia/Shanghai"
    assert open_at("2026-11-30T16:10:00", contact).number == "C2612002"


def test_period_of_uses_the_desk_zone(settings):
    assert period_of(at("2026-11-30T16:10:00")) == "2612"
    settings.TIME_ZONE = "UTC"
    assert period_of(at("2026-11-30T16:10:00")) == "2611"


# --- past 999: grow a digit, never wrap ------------------------------------------------------


def test_after_999_the_serial_grows_a_digit_and_never_wraps(contact):
    CaseNumberSequence.objects.create(period="2612", last_serial=998)

    numbers = [open_at("2026-12-15T06:00:00", contact).number for _ in range(3)]

    assert numbers == ["C2612999", "C26121000", "C26121001"]
    assert last_serial("2612") == 1001
    assert [serial_of(n) for n in numbers] == [999, 1000, 1001]
    # The next month still starts at 001.
    assert open_at("2027-01-15T06:00:00", contact).number == "C2701001"


def test_next_number_directly_around_999_and_9999(db):
    CaseNumberSequence.objects.create(period="2612", last_serial=999)
    CaseNumberSequence.objects.create(period="2701", last_serial=9999)

    with transaction.atomic():
        assert next_number(at("2026-12-02T00:00:00")) == "C26121000"
        assert next_number(at("2026-12-02T00:00:00")) == "C26121001"
        assert next_number(at("2027-01-02T00:00:00")) == "C270110000"


def test_a_number_is_unique_in_the_database(contact):
    case = open_at("2026-11-22T02:00:00", contact)
    # Someone resets the sequence by hand: the unique constraint refuses the duplicate
    # instead of silently reusing a number.
    CaseNumberSequence.objects.filter(period="2611").update(last_serial=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        open_at("2026-11-22T02:10:00", contact)
    assert Case.objects.filter(number=case.number).count() == 1


@given(
    a=st.tuples(st.integers(0, 99), st.integers(1, 12), st.integers(1, 10**6)),
    b=st.tuples(st.integers(0, 99), st.integers(1, 12), st.integers(1, 10**6)),
)
def test_format_number_is_injective_and_parses_back(a, b):
    def number(yy_mm_serial):
        yy, mm, serial = yy_mm_serial
        return format_number(f"{yy:02d}{mm:02d}", serial)

    for yy, mm, serial in (a, b):
        match = NUMBER.match(number((yy, mm, serial)))
        assert match
        assert (match.group(1), int(match.group(2))) == (f"{yy:02d}{mm:02d}", serial)
    assert (number(a) == number(b)) == (a == b)


# --- transactions ----------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_a_rolled_back_opening_gives_its_serial_back(contact):
    first = open_at("2026-11-22T02:00:00", contact)

    with pytest.raises(Boom), transaction.atomic():
        doomed = open_at("2026-11-22T02:01:00", contact)
        assert doomed.number == "C2611002"
        raise Boom

    assert not Case.objects.filter(number="C2611002").exists()
    assert last_serial("2611") == 1
    # The serial is reused: no gap, and no duplicate.
    again = open_at("2026-11-22T02:02:00", contact)
    assert again.number == "C2611002"
    assert list(Case.objects.order_by("number").values_list("number", flat=True)) == [
        first.number,
        again.number,
    ]


def test_a_rolled_back_first_opening_of_a_month_leaves_no_sequence_row(contact):
    with pytest.raises(Boom), transaction.atomic():
        open_at("2026-12-01T01:00:00", contact)
        raise Boom

    assert last_serial("2612") is None
    assert open_at("2026-12-01T01:01:00", contact).number == "C2612001"


def test_rejected_input_takes_no_number(contact):
    open_at("2026-11-22T02:00:00", contact)
    with pytest.raises(InvalidInput):
        open_at("2026-11-22T02:01:00", contact, title="   ")
    with pytest.raises(InvalidInput):
        open_at("2026-11-22T02:01:00", contact, priority="P9")

    assert last_serial("2611") == 1
    assert open_at("2026-11-22T02:02:00", contact).number == "C2611002"


@pytest.mark.django_db(transaction=True)
def test_next_number_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_number(at("2026-11-22T02:00:00"))
    assert not CaseNumberSequence.objects.exists()
