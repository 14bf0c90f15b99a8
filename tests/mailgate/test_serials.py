"""A CASE opened from a mail takes the serial number the mail names (labelled: "Serial:",
"S/N:", "SN:", "序列号："), so its entitlement is decided as for any channel."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.core import clock
from casedesk.mailgate import services
from casedesk.mailgate.serials import named_serial
from tests.contracts.factories import make_contract, make_equipment

from .conftest import corpus

NOW = dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("subject", "text", "serial"),
    [
        ("", "Serial: FOC1234X0AB\n", "FOC1234X0AB"),
        ("", "Model: C9300\nS/N: jae12345abc\n", "JAE12345ABC"),
        ("", "SN:FDO2131X0AB, thanks", "FDO2131X0AB"),
        ("", "Serial Number: ABC-1234", "ABC-1234"),
        ("", "序列号：FOC2231X1AB", "FOC2231X1AB"),  # full-width colon
        ("", "序列号: FOC2231X1AB", "FOC2231X1AB"),
        ("", "设备序列号 FDO2345X0YZ 的端口", "FDO2345X0YZ"),  # a Chinese label needs no colon
        ("", "序列号：ＦＯＣ２２３１Ｘ１ＡＢ", "FOC2231X1AB"),  # typed with the IME's full width
        ("", "香港序號：FOC7777A1BC", "FOC7777A1BC"),
        ("Switch down, SN: FOC1111A1AA", "Serial: FOC2222B2BB", "FOC1111A1AA"),  # subject first
        ("", "SN: FOC1111A1AA\nSN: FOC2222B2BB", "FOC1111A1AA"),  # the first wins
        ("", "SN: unknown\nSerial: FOC3333C3CC", "FOC3333C3CC"),  # no digit: not a serial
    ],
)
def test_a_labelled_serial_number_is_found(subject, text, serial):
    assert named_serial(subject, text) == serial


@pytest.mark.parametrize(
    "text",
    [
        "Our console runs on serial 9600 baud.",  # a Latin label needs its colon
        "FOC1234X0AB is down",  # not labelled
        "DNSN: FOC1234X0AB",  # a label inside a word
        "Serial:\nFOC1234X0AB",  # the value on another line
        "Serial: " + "A1" * 40,  # longer than a serial number field holds
        "",
    ],
)
def test_nothing_unlabelled_or_impossible_is_taken_for_a_serial(text):
    assert named_serial("", text) == ""


def test_a_chinese_mail_naming_a_covered_box_opens_a_covered_case(customers):
    acme = customers["zhang"].organization
    with clock.frozen(NOW):
        contract = make_contract(
            number="HT-MAIL-1",
            organization=acme,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 3, 31),
        )
        make_equipment(serial_number="FOC2231X1AB", contract=contract)
        message = services.ingest_bytes(corpus("foxmail_serial_fullwidth.eml"))
    assert message.status == "processed", message.reason
    case = message.case
    assert case.title == "接入交换机反复重启" and "序列号" in case.description
    assert case.serial_number == "FOC2231X1AB"  # the first named, not the spare below it
    assert case.entitlement["reason"] == "covered"
    assert case.entitlement["contract"] == "HT-MAIL-1"


def test_a_mail_naming_an_unknown_box_still_opens_a_case_flagged_uncovered(customers):
    with clock.frozen(NOW):
        message = services.ingest_bytes(corpus("outlook_serial_subject.eml"))
    case = message.case
    assert message.status == "processed" and case.organization.code == "NW"
    assert case.serial_number == "JAE21345ABC"  # the subject's, before the body's
    assert case.entitlement == {
        **case.entitlement,
        "entitled": False,
        "reason": "unknown_serial",
    }


def test_a_mail_naming_no_box_keeps_no_serial(customers):
    message = services.ingest_bytes(corpus("gmail_rfc2231.eml"))
    assert message.case.serial_number == ""
