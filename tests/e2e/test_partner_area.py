"""The partner area in Chromium: a partner engineer logs in at the one login page, lands on
the CASEs subcontracted to their partner (never another partner's), accepts one and adds a
work log; the desk sees the partner's figures.  Screenshots in zh-hans and en."""

from __future__ import annotations

from casedesk.cases.models import WorkLog
from casedesk.partners import services
from casedesk.partners.models import Subcontract
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.partners.factories import make_partner, make_partner_engineer

PASSWORD = "s3cret-pass-phrase"


def _world():
    keeper = make_user("supervisor", username="sup", last_name="周", first_name="主管")
    duty = make_user("duty_engineer", username="duty")
    bank = OrganizationFactory(code="GDBANK", name="广东某银行数据中心", service_level="gold")
    mall = OrganizationFactory(code="SZMALL", name="深圳某商场", service_level="silver")
    ours = make_partner(by=keeper)
    theirs = make_partner(code="SZNET", name="深圳网服科技", by=keeper)
    services.rule_create(partner=ours, region="广州", by=keeper)
    mine = make_case(
        contact=ContactFactory(organization=bank, name="陈工", address="广州市天河区珠江新城"),
        by=duty,
        title="分行核心交换机端口闪断",
        hardware_platform="Cisco Catalyst 9500",
        priority="P2",
    )
    second = make_case(
        contact=ContactFactory(organization=bank, name="黄工", address="广州市越秀区"),
        by=duty,
        title="防火墙 HA 切换告警",
        priority="P3",
    )
    other = make_case(
        contact=ContactFactory(organization=mall, name="林工"), by=duty, title="商场无线 AP 掉线"
    )
    services.subcontract_open(case=other, partner=theirs, reason="深圳本地", by=duty)
    return keeper, ours, mine, second, other


def _log_in(screen, username, password=PASSWORD):
    screen.goto("/login/")
    screen.page.locator("#id_username").fill(username)
    screen.page.locator("#id_password").fill(password)
    with screen.page.expect_navigation():
        screen.page.locator("form button[type=submit]").first.click()


def test_a_partner_engineer_sees_only_their_cases_accepts_and_logs_work(screens, transactional_db):
    keeper, ours, mine, second, other = _world()
    assert Subcontract.objects.filter(case=mine, rule__isnull=False).exists()  # by the rule
    gz = make_partner_engineer(ours, "gz.li")
    gz.first_name, gz.last_name = "伟", "李"
    gz.set_password(PASSWORD)
    gz.save()

    screen = screens(None, locale="zh-hans")
    _log_in(screen, "gz.li")
    assert screen.page.url.endswith("/partner/")
    text = screen.body_text()
    assert mine.number in text and second.number in text
    assert other.number not in text and "商场" not in text
    screen.shot("partner-area-zh")

    screen.page.get_by_role("link", name=mine.number).click()
    screen.page.wait_for_url(f"**/partner/cases/{mine.number}/")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="接受", exact=True).click()
    assert screen.page.locator("#case-status").inner_text() == "处理中"
    screen.page.get_by_label("类型").select_option("onsite")
    screen.page.get_by_label("分钟").fill("45")
    screen.page.get_by_label("说明").fill("到达现场，更换故障光模块，端口恢复。")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="添加工作记录").click()
    assert "到达现场" in screen.page.locator("#worklogs").inner_text()
    screen.shot("partner-case-zh")
    assert WorkLog.objects.get(case=mine).author == gz
    assert Subcontract.objects.get(case=mine).accepted_by == gz

    # another partner's CASE is not there, not even by its address
    screen.allow_console(r"status of 404")  # the browser's own note of the answer
    screen.goto(f"/partner/cases/{other.number}/", status=404)

    english = screens(gz, locale="en")
    gz.language = "en"
    gz.save(update_fields=["language"])
    english.goto("/partner/")
    english.shot("partner-area-en")
    english.goto(f"/partner/cases/{mine.number}/")
    assert "Work logs" in english.body_text()
    english.shot("partner-case-en")

    keeper.language = "zh-hans"
    keeper.save(update_fields=["language"])
    desk = screens(keeper)
    desk.goto("/partners/")
    assert "广州网联技术服务有限公司" in desk.body_text()
    desk.shot("partner-figures-zh")
    desk.goto(f"/cases/{second.number}/")
    assert "已分包给" in desk.body_text()
    desk.shot("case-partner-panel-zh")
    keeper.language = "en"
    keeper.save(update_fields=["language"])
    desk_en = screens(keeper, locale="en")
    desk_en.goto("/partners/")
    desk_en.shot("partner-figures-en")
