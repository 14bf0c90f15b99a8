"""Renewal notices: the supervision pass mails a contract's contacts and the customer
service managers once 60 days before its end and once 30 days before, over real SMTP."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.contracts import services
from casedesk.core import clock
from casedesk.core.models import AuditRecord
from casedesk.notify.services import deliver_due
from casedesk.sla.supervisor import run_pass
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.contracts.factories import make_contract

pytestmark = pytest.mark.django_db

ENDS = dt.date(2027, 3, 31)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock in Shanghai on ``day``, in UTC."""
    return dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC)


@pytest.fixture
def contract(db):
    org = OrganizationFactory(code="ACME", name="艾克米科技")
    ContactFactory(organization=org, name="张伟", email="zhang.wei@acme.example")
    ContactFactory(organization=org, name="无邮箱", email="")
    make_user("cs_manager", username="csm", email="csm@desk.example")
    return make_contract(
        number="HT-RENEW", organization=org, starts_on=dt.date(2026, 4, 1), ends_on=ENDS
    )


def _pass(day: dt.date, smtp) -> list[str]:
    now = _at(day)
    result = run_pass(now=now)
    with clock.frozen(now):
        deliver_due()
    return result.lines


def test_notices_go_once_at_60_and_once_at_30_days(contract, smtp):
    assert _pass(ENDS - dt.timedelta(days=61), smtp) == []
    assert smtp.messages == []

    lines = _pass(ENDS - dt.timedelta(days=60), smtp)
    assert lines == ["renewal notice (60 days): HT-RENEW ends 2027-03-31"]
    assert smtp.recipients() == ["csm@desk.example", "zhang.wei@acme.example"]
    assert all("HT-RENEW" in m["Subject"] for m in smtp.messages)
    [to_customer] = smtp.to("zhang.wei@acme.example")
    assert "2027-03-31" in to_customer["Subject"] and "到期" in to_customer["Subject"]
    assert "张伟" in to_customer.get_content()

    smtp.clear()
    assert _pass(ENDS - dt.timedelta(days=59), smtp) == []  # once per window
    assert _pass(ENDS - dt.timedelta(days=31), smtp) == []
    assert smtp.messages == []

    lines = _pass(ENDS - dt.timedelta(days=30), smtp)
    assert lines == ["renewal notice (30 days): HT-RENEW ends 2027-03-31"]
    assert smtp.recipients() == ["csm@desk.example", "zhang.wei@acme.example"]
    smtp.clear()
    assert _pass(ENDS - dt.timedelta(days=1), smtp) == []
    assert _pass(ENDS + dt.timedelta(days=1), smtp) == []  # expired: nothing more
    assert smtp.messages == []
    assert AuditRecord.objects.filter(action="contract.renewal_notice").count() == 2


def test_the_window_is_the_desk_days(contract, smtp):
    """60 days before the end begins at local midnight in Shanghai."""
    day = ENDS - dt.timedelta(days=60)
    before = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) - dt.timedelta(hours=8, seconds=1)
    assert run_pass(now=before).lines == []
    assert run_pass(now=before + dt.timedelta(seconds=1)).lines != []


def test_a_contract_first_seen_inside_30_days_gets_one_notice(contract, smtp):
    assert _pass(ENDS - dt.timedelta(days=20), smtp) == [
        "renewal notice (30 days): HT-RENEW ends 2027-03-31"
    ]
    assert _pass(ENDS - dt.timedelta(days=10), smtp) == []
    assert len(smtp.to("zhang.wei@acme.example")) == 1


def test_an_extension_is_noticed_again_before_its_new_end(contract, smtp):
    _pass(ENDS - dt.timedelta(days=30), smtp)
    with clock.frozen(_at(ENDS - dt.timedelta(days=25))):
        services.contract_amend(
            contract=contract,
            effective_on=ENDS - dt.timedelta(days=25),
            ends_on=dt.date(2028, 3, 31),
            reason="续约一年",
            by=make_user("cs_manager"),
        )
    smtp.clear()
    assert _pass(ENDS, smtp) == []
    assert _pass(dt.date(2028, 3, 31) - dt.timedelta(days=60), smtp) == [
        "renewal notice (60 days): HT-RENEW ends 2028-03-31"
    ]
    assert "2028-03-31" in smtp.to("zhang.wei@acme.example")[0]["Subject"]
