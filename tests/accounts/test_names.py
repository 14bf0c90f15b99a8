"""A person's name comes from one place (``User.display_name``), in the order of the name's
language: 王建国 (family name first, no space) for a Chinese name, "Wei Wang" otherwise, the
login when no name is recorded.  Every page, mail and webhook that names a person uses it,
and history that stores logins is worded with names when it is read."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from casedesk.accounts.models import User
from casedesk.cases import services
from casedesk.cases.models import CaseEvent
from casedesk.core import clock
from casedesk.notify.models import Notification
from casedesk.sla.models import SlaPolicy
from casedesk.sla.selectors import config_changed
from casedesk.sla.supervisor import run_pass
from tests.factories import ContactFactory, OrganizationFactory, client_for, make_case, make_user
from tests.factories import page_text as text

# Monday 2026-11-23 10:00 in Shanghai.
T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def test_the_order_follows_the_script_of_the_name():
    def name(first="", last="", username="login"):
        return User(username=username, first_name=first, last_name=last).display_name

    assert name("建国", "王") == "王建国"
    assert name(" 建国 ", " 王 ") == "王建国"
    assert name("Wei", "Wang") == "Wei Wang"
    assert name("吴建华") == "吴建华"  # a whole name in one field stays whole
    assert name("David Miller") == "David Miller"
    assert name("민준", "김") == "김민준"
    assert name("ひろし", "山田") == "山田ひろし"
    assert name(username="w.wang") == "w.wang"
    user = User(username="w", first_name="建国", last_name="王")
    assert user.get_full_name() == user.get_short_name() == "王建国"


@pytest.fixture
def people(db):
    class People:
        org = OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")
        contact = ContactFactory(organization=org, name="张三")
        duty = make_user("duty_engineer", username="duty", first_name="静", last_name="陈")
        wang = make_user(
            "engineer", username="eng.wang", tier="first_line", first_name="建国", last_name="王"
        )
        zhao = make_user(
            "engineer", username="se.zhao", tier="senior", first_name="刚", last_name="赵"
        )
        li = make_user(
            "engineer", username="eng.li", tier="first_line", first_name="Ming", last_name="Li"
        )
        csm = make_user("cs_manager", username="csm", first_name="婷", last_name="郭")

    return People


def test_the_admin_welcomes_a_chinese_name_family_name_first(db):
    admin = make_user("admin", username="root", first_name="理员", last_name="管")
    html = client_for(admin, "zh-hans").get("/admin/").content.decode()
    assert "<strong>管理员</strong>" in html
    assert "<strong>理员</strong>" not in html


def test_the_case_page_and_its_history_name_people(people):
    with clock.frozen(T0):
        case = make_case(contact=people.contact, by=people.duty)
        services.case_assign(case=case, engineer=people.wang, by=people.duty)
        services.case_add_helper(case=case, helper=people.li, by=people.duty)
        services.case_assign(case=case, engineer=people.zhao, by=people.duty)
        body = text(client_for(people.duty, "zh-hans").get(f"/cases/{case.number}/"))
    timeline = body[body.index('id="timeline"') :]
    assert "分派给 王建国" in timeline
    assert "分派给 赵刚" in timeline
    assert "原工程师 王建国" in timeline
    assert "已添加协助人: Ming Li" in timeline
    assert "陈静" in timeline  # who did it
    for login in ("eng.wang", "se.zhao", "eng.li"):
        assert f"> {login}" not in body and f" {login}<" not in body, login
    owner = body[body.index('class="case-owner"') : body.index("</dl>")]
    assert "赵刚" in owner and "Ming Li" in owner and "eng.li<" not in owner


def test_the_engineer_filter_offers_names(people):
    body = text(client_for(people.duty, "zh-hans").get("/cases/"))
    assert '<option value="eng.wang">王建国</option>' in body
    assert '<option value="eng.li">Ming Li</option>' in body
    body = text(client_for(people.duty, "zh-hans").get("/cases/?engineer=se.zhao"))
    assert '<option value="se.zhao" selected>赵刚</option>' in body


def test_the_dashboard_names_engineers(people):
    with clock.frozen(T0):
        case = make_case(contact=people.contact, by=people.duty)
        services.case_assign(case=case, engineer=people.wang, by=people.duty)
    body = text(client_for(people.csm, "zh-hans").get("/dashboard/"))
    assert "王建国 (eng.wang)" in body  # the engineer filter
    assert '<a href="/cases/?engineer=eng.wang">王建国</a>' in body  # the load table


def test_mail_greets_by_name_family_name_first(people):
    with clock.frozen(T0):
        case = make_case(contact=people.contact, by=people.duty)
        services.case_assign(case=case, engineer=people.wang, by=people.duty)
    mail = Notification.objects.get(recipient=people.wang)
    assert mail.body.startswith("王建国，您好：")


def test_webhooks_and_the_api_carry_the_name_beside_the_login(people, api):
    from casedesk.webhooks.services import event_payload

    with clock.frozen(T0):
        case = make_case(contact=people.contact, by=people.duty)
        services.case_assign(case=case, engineer=people.wang, by=people.duty)
    case.refresh_from_db()
    event = CaseEvent.objects.filter(case=case, kind="assigned").get()
    payload = event_payload(case, event)
    assert payload["case"]["engineer"] == {"username": "eng.wang", "name": "王建国"}
    assert payload["event"]["actor"] == {"username": "duty", "name": "陈静"}
    client = api(people.duty)
    got = client.get(f"/cases/{case.number}").json()
    assert (got["engineer"], got["engineer_name"]) == ("eng.wang", "王建国")
    events = client.get(f"/cases/{case.number}/events").json()
    assert (events[-1]["actor"], events[-1]["actor_name"]) == ("duty", "陈静")


@pytest.mark.parametrize("action", ["reassign", "propose"])
def test_the_chase_names_the_engineer_in_its_mail_and_in_the_history(people, action):
    if action == "propose":
        SlaPolicy.objects.filter(service_level="gold").update(chase_action="propose")
        config_changed()
    people.li.is_active = False  # leave 赵刚 the only engineer to chase to
    people.li.save(update_fields=["is_active"])
    with clock.frozen(T0):
        case = make_case(contact=people.contact, by=people.duty, priority="P4")
        services.case_assign(case=case, engineer=people.wang, by=people.duty)
    run_pass(now=T0 + dt.timedelta(minutes=50))
    mail = Notification.objects.filter(
        recipient=people.csm, deadline__kind="callback_reassign"
    ).get()
    assert mail.body.startswith("郭婷，您好：")
    assert "赵刚" in mail.body and "se.zhao" not in mail.body
    with clock.frozen(T0 + dt.timedelta(minutes=51)):
        body = text(client_for(people.duty, "zh-hans").get(f"/cases/{case.number}/"))
    timeline = body[body.index('id="timeline"') :]
    assert re.search(r"已通知：[^<]*陈静", timeline), timeline
    assert ("已改派给 赵刚" if action == "reassign" else "赵刚") in timeline
    assert "se.zhao" not in timeline.replace('title="se.zhao"', "")


def test_the_demo_desk_keeps_family_and_given_names_apart(db):
    from casedesk import demo

    desk = demo.Desk(seed=1, now=T0)
    demo.accounts.load(desk)
    users = {u.username: u for u in User.objects.all()}
    assert (users["se.zhao"].last_name, users["se.zhao"].first_name) == ("赵", "刚")
    assert users["se.zhao"].display_name == "赵刚"
    assert (users["cust.ctbj"].last_name, users["cust.ctbj"].first_name) == ("张", "伟")
    assert users["cust.ctbj"].display_name == "张伟"
    assert (users["cust.northwind"].first_name, users["cust.northwind"].last_name) == (
        "David",
        "Miller",
    )
    assert users["cust.northwind"].display_name == "David Miller"
    assert users["admin"].display_name == "管理员"
