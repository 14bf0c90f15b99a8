"""An engineer on site works a CASE from a phone: 390 px wide, touch, nothing off-screen."""

from django.utils import translation
from django.utils.translation import gettext

from casedesk.cases import services
from casedesk.cases.models import WorkLog
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def t(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def test_an_engineer_logs_on_site_work_from_a_phone(screens, transactional_db):
    org = OrganizationFactory(code="CMB", name="招商银行", service_level="gold")
    contact = ContactFactory(organization=org, name="王五", phone="13500135000")
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="eng.li", tier="first_line")
    case = make_case(
        contact=contact,
        by=duty,
        title="分行防火墙频繁重启",
        priority="P3",
        hardware_platform="Cisco ASA 5525-X",
        serial_number="FCH2222X0AB",
    )
    services.case_assign(case=case, engineer=engineer, by=duty)

    phone = screens(engineer, phone=True)
    phone.goto("/mine/")
    assert phone.page.evaluate(FITS), "my CASEs scrolls sideways on a phone"
    # The console's links fold behind one button on a small screen.
    menu = phone.page.get_by_role("button", name=t("Menu"))
    assert menu.is_visible()
    assert not phone.page.get_by_role("link", name=t("Duty board")).is_visible()
    menu.tap()
    assert phone.page.get_by_role("link", name=t("Duty board")).is_visible()
    phone.shot("01-my-cases-menu-open")
    menu.tap()

    phone.page.get_by_role("link", name=case.number).first.tap()
    phone.page.wait_for_url(f"**/cases/{case.number}/")
    assert phone.page.evaluate(FITS), "the CASE page scrolls sideways on a phone"
    # What the engineer needs on site is there: the caller to phone and the equipment.
    body = phone.body_text()
    assert "13500135000" in body and "FCH2222X0AB" in body and "Cisco ASA 5525-X" in body
    assert phone.page.locator('a[href="tel:13500135000"]').count() >= 1
    phone.shot("02-case-page")

    accept = phone.page.get_by_role("button", name=t("Accept"))
    with phone.page.expect_navigation():
        accept.tap()
    log_work = phone.page.locator("#action-log_work")
    if not log_work.evaluate("d => d.open"):
        log_work.locator("summary").tap()
    log_work.get_by_label(t("Kind")).select_option("onsite")
    log_work.get_by_label(t("Note")).fill("现场更换电源模块，设备运行正常")
    log_work.get_by_label(t("Minutes")).fill("90")
    assert phone.page.evaluate(FITS), "the work-log form scrolls sideways on a phone"
    phone.shot("03-log-work-form")
    with phone.page.expect_navigation():
        log_work.get_by_role("button", name=t("Log work")).tap()
    assert "现场更换电源模块，设备运行正常" in phone.page.locator("#timeline").inner_text()
    phone.shot("04-work-logged")
    worklog = WorkLog.objects.get(case=case, kind="onsite")
    assert (worklog.minutes, worklog.author) == (90, engineer)
