"""What the gateway writes for a mail without a subject or too long to keep whole is data,
worded when read in the reader's language: a CASE without a title reads "(no subject)" /
"（无主题）", a shortened text says so in English or Chinese.  Rows stored as sentences
before are migrated."""

from __future__ import annotations

import importlib
from email.utils import make_msgid

import pytest
from django.urls import reverse

from casedesk.cases import services as cases
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.mailgate import services
from casedesk.notify.models import Notification
from casedesk.webhooks import formats
from tests.factories import client_for, make_case, make_user
from tests.factories import page_text as text

migration = importlib.import_module("casedesk.mailgate.migrations.0003_stored_sentences_as_data")

NO_SUBJECT = {"en": "(no subject)", "zh-hans": "（无主题）"}
SHORTENED = {
    "en": "[… shortened: the whole message is kept with the CASE&#x27;s e-mail]",
    "zh-hans": "[……内容已截短：完整邮件随 CASE 的邮件一并保存]",
}


def _mail(*, subject: str | None, body: str, frm: str = "zhang@acme.cn", in_reply_to: str = ""):
    headers = [f"From: {frm}", "To: support@casedesk.example"]
    if subject is not None:
        headers.append(f"Subject: {subject}")
    headers += [
        f"Message-ID: {make_msgid(domain='acme.cn')}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


@pytest.fixture
def duty(db):
    return make_user("duty_engineer", username="duty")


@pytest.fixture
def customer(customers):
    """A portal user of ACME, whose contact 张喆 wrote the mails."""
    return make_user("customer", username="acme.portal", org=customers["zhang"].organization)


@pytest.mark.parametrize("subject", [None, "", "Re: 回复："])
def test_a_mail_without_a_subject_opens_a_case_without_a_title(customers, subject):
    case = services.ingest_bytes(_mail(subject=subject, body="核心交换机端口告警")).case
    assert case.title == ""
    assert CaseEvent.objects.get(case=case, kind="opened").data["title"] == ""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_reader_sees_no_subject_in_their_language(customers, duty, customer, language):
    case = services.ingest_bytes(_mail(subject=None, body="核心交换机端口告警")).case
    shown = NO_SUBJECT[language]
    console = client_for(duty, language)
    assert f'<h1 class="case-title">{shown}</h1>' in text(
        console.get(reverse("web:case_detail", args=[case.number]))
    )
    assert f'data-label="{"Title" if language == "en" else "标题"}">{shown}</td>' in text(
        console.get(reverse("web:case_list"))
    )
    portal = client_for(customer, language)
    assert f'<span class="title">{shown}</span>' in text(
        portal.get(reverse("portal:case", args=[case.number]))
    )


def test_mail_and_bots_word_no_subject_too(customers):
    engineer = make_user("engineer", username="se1", tier="senior", email="se1@desk.cn")
    engineer.language = "en"
    engineer.save()
    case = services.ingest_bytes(_mail(subject=None, body="核心交换机端口告警")).case
    cases.case_assign(case=case, engineer=engineer, by=None)
    mail = Notification.objects.get(recipient=engineer, subject__contains="Assigned to you")
    assert mail.subject == f"[{case.number}] Assigned to you: P3 (no subject)"
    case_data = {
        "number": case.number,
        "title": "",
        "priority": "P3",
        "status": "assigned",
        "organization": {"name": "ACME"},
    }
    heading, rows, _url = formats.message({"event": {"kind": "assigned"}, "case": case_data})
    assert heading.endswith(": （无主题）")  # the bots speak the desk's language
    assert ("标题", "（无主题）") in rows


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_long_mail_is_shortened_and_says_so_in_each_readers_language(
    customers, duty, settings, language
):
    settings.CASEDESK_TEXT_MAX = 300
    case = services.ingest_bytes(_mail(subject="端口告警", body="端口告警。" * 100)).case
    assert len(case.description) == 300 and case.description.endswith("…")
    assert "shortened" not in case.description and "截短" not in case.description
    opened = CaseEvent.objects.get(case=case, kind="opened")
    assert opened.data["system"] == {"code": "mail_shortened"}
    reply = _mail(subject=f"Re: [{case.number}] 端口告警", body="补充日志：" + "x" * 400)
    assert services.ingest_bytes(reply).status == "processed"
    note = CaseEvent.objects.get(case=case, kind="work_logged")
    assert note.data["system"] == {"code": "mail_shortened"}
    assert WorkLog.objects.get(case=case).note == note.data["note"]
    assert note.data["note"].endswith("…") and len(note.data["note"]) == 300

    page = text(client_for(duty, language).get(reverse("web:case_detail", args=[case.number])))
    assert page.count(SHORTENED[language]) == 2  # the opening and the note
    other = "zh-hans" if language == "en" else "en"
    assert SHORTENED[other] not in page


def test_the_migration_turns_the_stored_sentences_into_data(customers, duty):
    sentence = {
        "en": "\n\n[… shortened: the whole message is kept with the CASE's e-mail]",
        "zh-hans": "\n\n[……内容已截短：完整邮件随 CASE 的邮件一并保存]",
    }
    old = [services.ingest_bytes(_mail(subject="告警", body="端口告警")).case for _ in range(3)]
    Case.objects.filter(pk=old[0].pk).update(
        title="（无主题）", description="端口" + sentence["zh-hans"]
    )
    Case.objects.filter(pk=old[1].pk).update(title="(no subject)")
    for case, title in ((old[0], "（无主题）"), (old[1], "(no subject)")):
        opened = CaseEvent.objects.get(case=case, kind="opened")
        opened.data = {**opened.data, "title": title}
        opened.save()
    log = cases.case_log_work(
        case=old[2], kind="note", note="补充" + sentence["en"], minutes=0, by=duty
    )
    phoned = make_case(title="(no subject)")  # a person may type that: left as it is

    assert migration.convert(Case, CaseEvent, WorkLog) == 4
    assert [Case.objects.get(pk=c.pk).title for c in old] == ["", "", "告警"]
    assert Case.objects.get(pk=phoned.pk).title == "(no subject)"
    assert Case.objects.get(pk=old[0].pk).description == "端口…"
    first = CaseEvent.objects.get(case=old[0], kind="opened").data
    assert (first["title"], first["system"]) == ("", {"code": "mail_shortened"})
    assert CaseEvent.objects.get(case=old[1], kind="opened").data["title"] == ""
    note = CaseEvent.objects.get(case=old[2], kind="work_logged").data
    assert (note["note"], note["system"]) == ("补充…", {"code": "mail_shortened"})
    assert WorkLog.objects.get(pk=log.pk).note == "补充…"
    assert migration.convert(Case, CaseEvent, WorkLog) == 0  # once only
