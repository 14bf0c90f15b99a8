"""A CASE's history is worded at read time, in the reader's language, by one presenter
(``cases.presenters``) that the console, the portal, mail and webhooks share; notes the
system writes are stored as a code with parameters, and old sentences are migrated."""

from __future__ import annotations

import importlib

import pytest

from casedesk.accounts.models import User
from casedesk.cases import services
from casedesk.cases.models import CaseEvent, WorkLog
from casedesk.notify import services as outbox
from tests.factories import client_for, make_case, make_user
from tests.factories import page_text as text

migration = importlib.import_module("casedesk.cases.migrations.0007_system_notes_as_data")

ROUTED = {
    "en": "auto-assigned by routing queue 北京网络",
    "zh-hans": "由分派队列 北京网络 自动分派",
}


@pytest.fixture
def routed(contact, call_taker):
    """A CASE a routing queue gave to 王伟, the way ``routing`` assigns (no person)."""
    wang = make_user("engineer", username="wang", tier="senior", first_name="伟", last_name="王")
    wang.email = "wang@desk.cn"
    wang.save(update_fields=["email"])
    case = make_case(contact=contact, by=call_taker, priority="P3")
    services.case_assign(
        case=case, engineer=wang, by=None, system={"code": "routing_assigned", "queue": "北京网络"}
    )
    return case


def test_the_system_note_is_stored_as_data(routed):
    event = CaseEvent.objects.get(case=routed, kind="assigned")
    assert event.data["system"] == {"code": "routing_assigned", "queue": "北京网络"}
    assert "note" not in event.data


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_console_words_the_note_in_the_readers_language(routed, duty, language):
    page = text(client_for(duty, language).get(f"/cases/{routed.number}/"))
    assert ROUTED[language] in page
    other = ROUTED["zh-hans" if language == "en" else "en"]
    assert other not in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_portal_words_it_the_same_way(routed, customer, language):
    page = text(client_for(customer, language).get(f"/portal/cases/{routed.number}/"))
    assert ROUTED[language] in page
    assert {"en": "Assigned to 王伟", "zh-hans": "分派给 王伟"}[language] in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_assignment_mail_words_it_in_the_engineers_language(
    contact, call_taker, smtp, language
):
    wang = make_user("engineer", username="wang", tier="senior", first_name="伟", last_name="王")
    User.objects.filter(pk=wang.pk).update(email="wang@desk.cn", language=language)
    wang.refresh_from_db()
    case = make_case(contact=contact, by=call_taker, priority="P3")
    services.case_assign(
        case=case, engineer=wang, by=None, system={"code": "routing_assigned", "queue": "北京网络"}
    )
    outbox.deliver_due()
    (mail,) = smtp.to("wang@desk.cn")
    assert ROUTED[language] in mail.get_body().get_content()


def old_rows(case, engineer, author):
    """History written the old way: the system's sentences stored in Chinese."""
    assigned = CaseEvent.objects.create(
        case=case,
        at=case.created_at,
        kind="assigned",
        data={
            "engineer": {"before": None, "after": "wang"},
            "note": "由分派队列 北京网络 自动分派",
        },
    )
    chased = CaseEvent.objects.create(
        case=case,
        at=case.created_at,
        kind="assigned",
        data={
            "engineer": {"before": "wang", "after": "wang"},
            "note": "催办时限内无人回电，已改派",
        },
    )
    log = WorkLog.objects.create(
        case=case,
        author=author,
        kind="phone",
        note="已电话通知工程师 王伟 (13900001111)。 已确认接单",
        minutes=2,
        internal=True,
        created_at=case.created_at,
    )
    phoned = CaseEvent.objects.create(
        case=case,
        at=case.created_at,
        actor=author,
        kind="work_logged",
        internal=True,
        data={"worklog": log.pk, "kind": "phone", "minutes": 2, "note": log.note},
    )
    english = CaseEvent.objects.create(
        case=case,
        at=case.created_at,
        actor=author,
        kind="work_logged",
        data={"kind": "note", "minutes": 0, "note": "Phoned engineer se.free."},
    )
    person = CaseEvent.objects.create(
        case=case,
        at=case.created_at,
        actor=author,
        kind="work_logged",
        data={"kind": "note", "minutes": 0, "note": "客户说明天再试"},
    )
    return assigned, chased, phoned, log, english, person


def test_the_migration_turns_stored_sentences_into_data(contact, call_taker, duty):
    wang = make_user("engineer", username="wang", tier="senior", first_name="伟", last_name="王")
    make_user("engineer", username="se.free", tier="senior")
    case = make_case(contact=contact, by=call_taker, priority="P3")
    rows = old_rows(case, wang, duty)

    assert migration.convert(CaseEvent, WorkLog, User) == 4
    assigned, chased, phoned, log, english, person = rows
    for row in rows:
        row.refresh_from_db()
    assert assigned.data["system"] == {"code": "routing_assigned", "queue": "北京网络"}
    assert "note" not in assigned.data
    assert chased.data["system"] == {"code": "chase_reassigned"}
    assert phoned.data["system"] == {
        "code": "phoned_engineer",
        "engineer": "wang",
        "phone": "13900001111",
    }
    assert phoned.data["note"] == log.note == "已确认接单"
    assert english.data["system"]["engineer"] == "se.free" and "note" not in english.data
    assert person.data == {"kind": "note", "minutes": 0, "note": "客户说明天再试"}  # unknown
    assert migration.convert(CaseEvent, WorkLog, User) == 0  # once only

    # The English reader now reads English; the Chinese reader reads what was there.
    page = text(client_for(duty, "en").get(f"/cases/{case.number}/"))
    assert "auto-assigned by routing queue 北京网络" in page
    assert "no callback within the chase time" in page
    assert "Phoned engineer 王伟 (13900001111)." in page and "已确认接单" in page
    assert "由分派队列" not in page and "催办时限" not in page
    page = text(client_for(duty, "zh-hans").get(f"/cases/{case.number}/"))
    assert "由分派队列 北京网络 自动分派" in page and "催办时限内无人回电，已改派" in page
    assert "已电话通知工程师 王伟 (13900001111)。" in page


def test_the_portal_keeps_the_desks_internal_detail_out_of_the_shared_wording(
    contact, call_taker, duty, engineer, senior, customer
):
    """The console and the portal word events alike, but the customer never reads why the
    tier rule was overridden, who had the CASE before, or the vendor's case number."""
    case = make_case(contact=contact, by=call_taker, priority="P2")
    services.case_assign(case=case, engineer=senior, by=duty)
    services.case_assign(
        case=case, engineer=engineer, by=duty, override_reason="高级工程师都在现场"
    )
    services.case_accept(case=case, by=engineer)
    services.case_escalate(case=case, target="senior", reason="需要高级支持", by=engineer)
    services.case_escalate(
        case=case, target="vendor", reason="疑似软件缺陷", vendor_reference="TAC-698812345", by=duty
    )
    console = text(client_for(duty, "en").get(f"/cases/{case.number}/"))
    assert "高级工程师都在现场" in console and "TAC-698812345" in console
    assert "Previously" in console
    portal = text(client_for(customer, "en").get(f"/portal/cases/{case.number}/"))
    assert "Assigned to" in portal and "Escalated to Vendor" in portal
    assert "高级工程师都在现场" not in portal and "TAC-698812345" not in portal
    assert "Previously" not in portal and "Tier rule" not in portal
