"""Issue 6: every way a CASE becomes urgent tells, at once, the people ``sla.ALERTS``
names — over SMTP to a real server, through every intake path, once per person per event.

- a new P1/P2 on any channel (phone, web portal, e-mail, fax, API): the duty engineers on
  shift;
- a reopened CASE (the customer in the portal or by a "not fixed" mail, or the desk): its
  engineer and the duty engineers;
- a severity raised to P1/P2: its engineer and the duty engineers;
- the customer's reply on a CASE waiting for them (portal or mail): its engineer.

Whoever made it urgent is not told.  Chat groups get these events through their webhooks
(internal events included or not: these events are public).
"""

import datetime as dt
from email.utils import make_msgid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.core import clock
from casedesk.mailgate import services as mailgate
from casedesk.notify.models import Notification
from casedesk.notify.services import deliver_due
from casedesk.roster.models import DutyShift
from casedesk.webhooks.models import Webhook, WebhookDelivery
from tests.factories import (
    ApiClient,
    ContactFactory,
    OrganizationFactory,
    make_case,
    make_user,
)

ZHANG = "zhang@acme.cn"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Desk:
    def __init__(self):
        self.org = OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")
        self.contact = ContactFactory(organization=self.org, name="张喆", email=ZHANG)
        self.customer = make_user("customer", username="cust", org=self.org)
        self.taker = make_user("call_taker", username="taker")
        self.duty = make_user("duty_engineer", username="duty")
        self.duty2 = make_user("duty_engineer", username="duty2")
        self.eng = make_user("engineer", username="eng1", tier="first_line")
        self.se = make_user("engineer", username="se1", tier="senior")
        self.csm = make_user("cs_manager", username="csm")

    def resolved(self, priority="P3"):
        case = make_case(contact=self.contact, by=self.taker, priority=priority)
        services.case_assign(case=case, engineer=self.se, by=self.duty)
        services.case_accept(case=case, by=self.se)
        return services.case_resolve(case=case, solution="更换了电源模块。", by=self.se)

    def pending(self):
        case = make_case(contact=self.contact, by=self.taker, priority="P3")
        services.case_assign(case=case, engineer=self.se, by=self.duty)
        services.case_accept(case=case, by=self.se)
        return services.case_pend(case=case, reason="customer", by=self.se, note="请提供日志")


@pytest.fixture
def desk(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Desk()


def alerted(smtp) -> list[str]:
    """Who received an alert since the last call (usernames, sorted), then forget all mail."""
    deliver_due()
    rows = Notification.objects.filter(dedupe_key__startswith="alert:", status="sent")
    sent = {n.to_email for n in rows}
    names = sorted(r.split("@")[0] for r in smtp.recipients() if r in sent)
    smtp.clear()
    Notification.objects.filter(status="sent").update(status="done")
    return names


def mail(subject: str, body: str, in_reply_to: str = "") -> bytes:
    headers = [
        f"From: 张喆 <{ZHANG}>",
        "To: support@casedesk.example",
        f"Subject: {subject}",
        f"Message-ID: {make_msgid(domain='acme.cn')}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def portal(desk) -> Client:
    client = Client()
    client.force_login(desk.customer)
    return client


# --- a new P1/P2, on every channel --------------------------------------------------------


def open_by_phone(desk, priority):
    client = Client()
    client.force_login(desk.taker)
    r = client.post(
        reverse("web:case_new"),
        {"contact": desk.contact.pk, "priority": priority, "title": "核心交换机宕机",
         "channel": "phone"},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]


def open_in_the_portal(desk, priority):
    r = portal(desk).post(
        reverse("portal:case_new"),
        {"title": "全网中断", "priority": priority, "description": "所有业务中断。"},
    )
    assert r.status_code == 302


def open_by_mail(desk, priority, settings):
    settings.CASEDESK_MAIL_PRIORITY = priority
    message = mailgate.ingest_bytes(mail("全网中断，请立即处理", "所有业务中断。"))
    assert message.status == "processed", message.reason


def open_by_fax(desk, priority):
    r = ApiClient(desk.taker).client.post(
        "/api/v1/intake/fax",
        {
            "organization": "ACME",
            "contact": desk.contact.pk,
            "title": "传真：机房 UPS 告警",
            "priority": priority,
            "scan": SimpleUploadedFile("fax.pdf", PDF, "application/pdf"),
        },
        headers=ApiClient(desk.taker).headers,
    )
    assert r.status_code == 201, r.content


def open_by_api(desk, priority):
    r = ApiClient(desk.taker).post(
        "/cases",
        {"organization": "ACME", "contact": desk.contact.pk, "title": "监控告警：核心链路中断",
         "priority": priority, "channel": "api"},
    )  # fmt: skip
    assert r.status_code == 201, r.content


OPENERS = {
    "phone": open_by_phone,
    "web": open_in_the_portal,
    "email": open_by_mail,
    "fax": open_by_fax,
    "api": open_by_api,
}


@pytest.mark.parametrize("priority", ["P1", "P2"])
@pytest.mark.parametrize("channel", list(OPENERS))
def test_a_new_p1_or_p2_alerts_the_duty_engineers_at_once(desk, smtp, settings, channel, priority):
    opener = OPENERS[channel]
    opener(desk, priority, settings) if channel == "email" else opener(desk, priority)
    case = Case.objects.get()
    assert (case.channel, case.priority) == (channel, priority)
    assert alerted(smtp) == ["duty", "duty2"]  # not the call taker, the engineers, managers
    [msg] = [m for m in Notification.objects.filter(dedupe_key__startswith="alert:")][:1]
    assert msg.subject.startswith(f"[{case.number}] 新的紧急CASE: {priority}")
    assert case.number in msg.body and "请确保工程师立即受理" in msg.body
    assert alerted(smtp) == []  # once


@pytest.mark.parametrize("priority", ["P3", "P4"])
def test_a_new_p3_or_p4_alerts_nobody(desk, smtp, priority):
    open_in_the_portal(desk, priority)
    assert alerted(smtp) == []


def test_only_the_duty_engineers_on_shift_are_alerted_and_in_their_language(desk, smtp):
    now = clock.now()
    DutyShift.objects.create(
        user=desk.duty2, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=7)
    )
    desk.duty2.language = "en"
    desk.duty2.save()
    open_in_the_portal(desk, "P1")
    assert alerted(smtp) == ["duty2"]
    alert = Notification.objects.get(dedupe_key__startswith="alert:")
    assert "New urgent CASE: P1" in alert.subject
    assert "came in by Web portal" in alert.body


def test_the_duty_engineer_who_opens_a_p1_is_not_alerted(desk, smtp):
    make_case(contact=desk.contact, by=desk.duty, priority="P1")
    assert alerted(smtp) == ["duty2"]


# --- reopened --------------------------------------------------------------------------


def test_a_customer_reopening_in_the_portal_alerts_the_engineer_and_the_duty_engineers(desk, smtp):
    case = desk.resolved()
    alerted(smtp)
    r = portal(desk).post(
        reverse("portal:case_reopen", args=[case.number]), {"reason": "问题又出现了"}
    )
    assert r.status_code == 302
    assert alerted(smtp) == ["duty", "duty2", "se1"]
    alert = Notification.objects.filter(dedupe_key__startswith="alert:").get(
        to_email="se1@desk.example"
    )
    assert "已重新打开" in alert.body and "问题又出现了" in alert.body


def test_a_not_fixed_mail_alerts_the_engineer_and_the_duty_engineers(desk, smtp):
    case = desk.resolved()
    alerted(smtp)
    message = mailgate.ingest_bytes(mail(f"Re: [{case.number}] 已解决", "问题依旧，还是不通。"))
    assert message.status == "processed", message.reason
    case.refresh_from_db()
    assert case.reopen_count == 1
    assert alerted(smtp) == ["duty", "duty2", "se1"]


def test_the_desk_reopening_alerts_the_engineer_and_the_other_duty_engineers(desk, smtp):
    case = desk.resolved()
    services.case_confirm(case=case, by=desk.customer)
    services.case_close(case=case, by=desk.duty)
    alerted(smtp)
    r = ApiClient(desk.duty).post(f"/cases/{case.number}/reopen", {"reason": "客户来电：复发"})
    assert r.status_code == 200, r.content
    assert alerted(smtp) == ["duty2", "se1"]


def test_a_reopened_case_without_an_engineer_alerts_the_duty_engineers(desk, smtp):
    case = desk.resolved()
    desk.se.is_active = False
    desk.se.save()
    alerted(smtp)
    services.case_reopen(case=case, reason="问题依旧", by=desk.customer)
    assert alerted(smtp) == ["duty", "duty2"]


# --- priority raised ----------------------------------------------------------------------


@pytest.mark.parametrize(("before", "after"), [("P3", "P1"), ("P4", "P2"), ("P2", "P1")])
def test_a_severity_raised_to_p1_or_p2_alerts_the_engineer_and_the_duty_engineers(
    desk, smtp, before, after
):
    case = make_case(contact=desk.contact, by=desk.taker, priority=before)
    services.case_assign(case=case, engineer=desk.se, by=desk.duty)
    alerted(smtp)
    r = ApiClient(desk.taker).post(
        f"/cases/{case.number}/priority", {"priority": after, "reason": "客户来电：全网中断"}
    )
    assert r.status_code == 200, r.content
    assert alerted(smtp) == ["duty", "duty2", "se1"]
    alert = Notification.objects.filter(dedupe_key__startswith="alert:").first()
    assert f"从 {before} 提高到 {after}" in alert.body and "全网中断" in alert.body


def test_the_engineer_raising_it_alerts_the_duty_engineers(desk, smtp):
    case = make_case(contact=desk.contact, by=desk.taker, priority="P3")
    services.case_assign(case=case, engineer=desk.se, by=desk.duty)
    alerted(smtp)
    services.case_set_priority(case=case, priority="P1", by=desk.se)
    assert alerted(smtp) == ["duty", "duty2"]


@pytest.mark.parametrize(("before", "after"), [("P1", "P2"), ("P1", "P3"), ("P4", "P3")])
def test_lowering_or_a_change_below_p2_alerts_nobody(desk, smtp, before, after):
    case = make_case(contact=desk.contact, by=desk.duty, priority=before)
    services.case_assign(case=case, engineer=desk.se, by=desk.duty)
    alerted(smtp)
    services.case_set_priority(case=case, priority=after, by=desk.duty)
    assert alerted(smtp) == []


# --- the customer's reply on a CASE waiting for them ---------------------------------------


def test_a_customers_reply_in_the_portal_on_a_pending_case_alerts_its_engineer_once(desk, smtp):
    case = desk.pending()
    alerted(smtp)
    r = portal(desk).post(
        reverse("portal:case_add", args=[case.number]),
        {
            "note": "日志已上传，请查看",
            "files": [
                SimpleUploadedFile("show_tech.txt", b"show tech\n", "text/plain"),
                SimpleUploadedFile("log.txt", b"%SYS-5-RESTART\n", "text/plain"),
            ],
        },
    )
    assert r.status_code == 302
    assert alerted(smtp) == ["se1"]  # one message for the note and its two files
    alert = Notification.objects.get(dedupe_key__startswith="alert:")
    assert "客户已回复" in alert.subject and "日志已上传，请查看" in alert.body


def test_a_customers_mail_reply_on_a_pending_case_alerts_its_engineer(desk, smtp):
    case = desk.pending()
    alerted(smtp)
    message = mailgate.ingest_bytes(mail(f"Re: [{case.number}] 请提供日志", "日志见下：..."))
    assert message.status == "processed", message.reason
    assert alerted(smtp) == ["se1"]


def test_a_customers_note_on_a_case_being_worked_alerts_nobody(desk, smtp):
    case = desk.pending()
    services.case_resume(case=case, by=desk.se)
    alerted(smtp)
    services.case_log_work(case=case, kind="note", note="补充", minutes=0, by=desk.customer)
    assert alerted(smtp) == []


def test_staff_notes_on_a_pending_case_alert_nobody(desk, smtp):
    case = desk.pending()
    alerted(smtp)
    services.case_log_work(case=case, kind="phone", note="催客户", minutes=3, by=desk.duty)
    assert alerted(smtp) == []


# --- the engineer asks the desk to act -----------------------------------------------------


def test_an_engineers_escalation_request_alerts_the_duty_engineers(desk, smtp):
    """[S0]: the first-line engineer requests escalation → the duty engineer is e-mailed."""
    case = make_case(contact=desk.contact, by=desk.taker, priority="P3")
    services.case_assign(case=case, engineer=desk.eng, by=desk.duty)
    alerted(smtp)
    services.case_escalate(case=case, target="senior", reason="需要 SE 支持", by=desk.eng)
    assert alerted(smtp) == ["duty", "duty2"]
    alert = Notification.objects.get(dedupe_key__startswith="alert:", to_email="duty@desk.example")
    assert "请将其转派给一位高级工程师" in alert.body and "需要 SE 支持" in alert.body


def test_an_escalation_handed_to_a_senior_engineer_mails_them_the_assignment(desk, smtp):
    case = make_case(contact=desk.contact, by=desk.taker, priority="P3")
    services.case_assign(case=case, engineer=desk.eng, by=desk.duty)
    alerted(smtp)
    services.case_escalate(
        case=case, target="senior", reason="转 SE", engineer=desk.se, by=desk.duty
    )
    assert alerted(smtp) == []  # the duty engineer did it; the SE gets "assigned to you"
    assert Notification.objects.filter(to_email="se1@desk.example").exists()


def test_a_reassignment_request_alerts_the_duty_engineers(desk, smtp):
    case = make_case(contact=desk.contact, by=desk.taker, priority="P3")
    services.case_assign(case=case, engineer=desk.eng, by=desk.duty)
    alerted(smtp)
    services.case_request_reassignment(case=case, reason="我在外地", by=desk.eng)
    assert alerted(smtp) == ["duty", "duty2"]


# --- chat groups ------------------------------------------------------------------------------


def test_a_chat_group_with_internal_events_gets_every_urgent_event_once(desk, smtp):
    hook = Webhook.objects.create(
        name="值班群",
        url="http://127.0.0.1:9/hook",
        format="generic",
        secret="s3cret",
        include_internal=True,
    )
    open_in_the_portal(desk, "P1")
    raised = make_case(contact=desk.contact, by=desk.taker, priority="P3")
    services.case_set_priority(case=raised, priority="P2", by=desk.duty)
    reopened = desk.resolved()
    services.case_reopen(case=reopened, reason="问题依旧", by=desk.customer)
    pending = desk.pending()
    services.case_log_work(case=pending, kind="note", note="日志", minutes=0, by=desk.customer)
    kinds = list(
        WebhookDelivery.objects.filter(webhook=hook).values_list("case__number", "event_kind")
    )
    first = Case.objects.filter(channel="web").get()
    for want in (
        (first.number, "opened"),
        (raised.number, "priority_changed"),
        (reopened.number, "reopened"),
        (pending.number, "work_logged"),
    ):
        assert kinds.count(want) == 1, want
