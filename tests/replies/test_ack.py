"""Every new CASE whose caller has an e-mail address is acknowledged once, with its number,
in the caller's language, whatever the channel; a CASE the gateway opened from a mail keeps
the gateway's own acknowledgement (threaded under that mail), never a second one."""

from __future__ import annotations

from email.utils import make_msgid

import pytest

from casedesk.cases import services as cases
from casedesk.mailgate import services as gateway
from casedesk.notify import services as outbox
from casedesk.notify.models import Notification, root_id
from tests.accounts.factories import ContactFactory
from tests.cases.factories import make_case
from tests.factories import client_for

from .conftest import DESK


def _to_caller(case):
    return Notification.objects.filter(case=case, recipient=None)


@pytest.mark.django_db
def test_a_phone_case_is_acknowledged_once_over_smtp(smtp, zhang, desk_staff):
    case = make_case(contact=zhang, by=desk_staff["taker"], title="防火墙告警", channel="phone")
    outbox.deliver_due()
    (mail,) = smtp.to("zhang@acme.cn")
    assert mail["Message-ID"] == root_id(case.number)  # the root every later mail names
    subject = mail["Subject"].strip()
    assert subject == f"[{case.number}] 我们已收到您的请求：防火墙告警"  # the desk's language
    body = mail.get_content()
    assert f"CASE {case.number}" in body and f"/portal/cases/{case.number}/" in body
    # Later changes mail the caller nothing more of this kind.
    cases.case_set_priority(case=case, priority="P2", by=desk_staff["duty"])
    assert _to_caller(case).count() == 1


@pytest.mark.django_db
def test_the_acknowledgement_speaks_the_callers_portal_language(zhang, desk_staff):
    from casedesk.accounts import services as people

    people.user_create(
        username="zhang-en", role="customer", organization=zhang.organization, contact=zhang,
        email=zhang.email, language="en",
    )  # fmt: skip
    case = make_case(contact=zhang, by=desk_staff["taker"], title="VPN down")
    (ack,) = _to_caller(case)
    assert ack.subject == f"[{case.number}] We have received your request: VPN down"
    assert ack.language == "en"


@pytest.mark.django_db
def test_an_api_case_is_acknowledged(api, zhang, desk_staff):
    response = api(desk_staff["taker"]).post(
        "/cases",
        {
            "organization": "ACME",
            "contact": zhang.pk,
            "title": "API 建单",
            "priority": "P3",
            "channel": "api",
        },
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    (ack,) = Notification.objects.filter(case__number=number, recipient=None)
    assert ack.to_email == "zhang@acme.cn" and ack.dedupe_key.startswith(f"ack:{number}:")


@pytest.mark.django_db
def test_a_portal_case_is_acknowledged(zhang, zhang_login):
    client = client_for(zhang_login, "zh-hans")
    response = client.post(
        "/portal/cases/new/",
        {"title": "打印机无法连接", "description": "从昨天开始", "priority": "P4"},
    )
    assert response.status_code == 302, response.content[:500]
    (ack,) = Notification.objects.filter(recipient=None, to_email="zhang@acme.cn")
    assert ack.case.channel == "web" and ack.case.number in ack.subject


@pytest.mark.django_db
def test_a_mail_case_gets_exactly_one_acknowledgement(smtp, zhang):
    raw = (
        "From: 张三 <zhang@acme.cn>\r\n"
        f"To: {DESK}\r\n"
        "Subject: 核心交换机掉线\r\n"
        f"Message-ID: {make_msgid(domain='acme.cn')}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n昨晚开始掉线。\r\n"
    ).encode()
    message = gateway.ingest_bytes(raw)
    case = message.case
    (ack,) = _to_caller(case)
    assert ack.dedupe_key.startswith(f"mail-ack:{case.number}:")  # the gateway's, threaded
    assert ack.in_reply_to == message.message_id
    outbox.deliver_due()
    (mail,) = smtp.to("zhang@acme.cn")
    assert mail["Message-ID"] == root_id(case.number)


@pytest.mark.django_db
def test_no_address_or_a_looping_one_gets_no_acknowledgement(acme, desk_staff):
    silent = make_case(contact=ContactFactory(organization=acme, email=""), by=desk_staff["taker"])
    own = make_case(contact=ContactFactory(organization=acme, email=DESK), by=desk_staff["taker"])
    daemon = make_case(
        contact=ContactFactory(organization=acme, email="MAILER-DAEMON@acme.cn"),
        by=desk_staff["taker"],
    )
    for case in (silent, own, daemon):
        assert not _to_caller(case).exists()


@pytest.mark.django_db
def test_a_rolled_back_opening_mails_nothing(zhang, desk_staff):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(contact=zhang, by=desk_staff["taker"])
        raise RuntimeError("the caller's transaction fails")
    assert not Notification.objects.exists()
