"""The CASE page offers one-click actions only as the operation layer allows them, and each
click shows its effect: escalate to the vendor by opening a vendor case (the vendors panel)
with its case number, pend for the customer
(the resolution clock pauses), resume; a refused action says why and changes nothing."""

from django.utils import translation
from django.utils.translation import gettext

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.vendors import services as vendors
from tests.factories import ContactFactory, OrganizationFactory, database_snapshot, make_case
from tests.factories import make_user as _make_user


def make_user(*args, **kwargs):
    user = _make_user(*args, **kwargs)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def offered(screen) -> set[str]:
    """The action buttons and forms the CASE page shows."""
    actions = screen.page.locator(".case-actions")
    ids = actions.locator("details.action").evaluate_all("els => els.map(e => e.id)")
    buttons = actions.locator(".action-list button").all_inner_texts()
    return {i.removeprefix("action-") for i in ids} | {b.strip() for b in buttons}


def do(screen, action: str, **fields) -> None:
    """Unfold an action's form, fill it (label → value) and submit it."""
    details = screen.page.locator(f"#action-{action}")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    for label, value in fields.items():
        field = details.get_by_label(label)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with screen.page.expect_navigation():
        details.locator("button[type=submit]").click()
    screen.check()


def label(msgid: str) -> str:
    with translation.override("en"):
        return gettext(msgid)


def test_escalate_to_the_vendor_pend_and_resume_from_the_case_page(screens, transactional_db):
    org = OrganizationFactory(code="CMB", name="招商银行", service_level="gold")
    contact = ContactFactory(organization=org, name="王五")
    duty = make_user("duty_engineer", username="duty")
    senior = make_user("engineer", username="se.zhao", tier="senior")
    first_line = make_user("engineer", username="eng.li", tier="first_line")
    case = make_case(contact=contact, by=duty, title="ASR 1002-X 反复重启", priority="P2")
    services.case_assign(case=case, engineer=senior, by=duty)
    services.case_accept(case=case, by=senior)
    vendors.vendor_create(
        code="CISCO", name="Cisco TAC", update_hours=4, by=make_user("supervisor", username="sup")
    )

    # Someone with no part in the CASE may look but not act.
    bystander = screens(first_line)
    bystander.goto(f"/cases/{case.number}/")
    assert offered(bystander) == set()
    assert bystander.page.get_by_text("Nothing you can do on this CASE now.").is_visible()

    owner = screens(senior)
    owner.goto(f"/cases/{case.number}/")
    before = offered(owner)
    assert {"log_work", "pend", "resolve"} <= before
    assert "escalate_vendor" not in before  # one way to the vendor: the vendor case panel
    assert "resume" not in before and "Accept" not in before and "Close" not in before
    owner.shot("01-in-progress")

    panel = owner.page.locator("#vendor-case-open")
    panel.get_by_label("vendor", exact=True).select_option("CISCO")
    panel.get_by_label("vendor case number").fill("698765432")
    panel.get_by_label("what was sent").fill("RMA needed")
    with owner.page.expect_navigation():
        panel.get_by_role("button").click()
    owner.check()
    badges = owner.page.locator(".case-badges").inner_text()
    assert label("Escalated to the vendor") in badges
    assert "698765432" in owner.page.locator(".case-owner").inner_text()
    assert "698765432" in owner.page.locator("#timeline").inner_text()

    # Waiting for the customer stops the resolution clock (the default policy).
    do(owner, "pend", **{"Waiting for": "customer", "Note": "等待客户安排停机窗口"})
    assert label("Pending") in owner.page.locator(".case-badges").inner_text()
    assert "pend" not in offered(owner) and "resume" in offered(owner)
    resolution = owner.page.locator(".deadline", has_text=label("Resolution")).first
    assert resolution.locator(".countdown.paused").is_visible()
    owner.shot("02-pending-clock-paused")

    do(owner, "resume", Note="客户已安排停机窗口")
    assert label("In progress") in owner.page.locator(".case-badges").inner_text()
    assert "resume" not in offered(owner) and "pend" in offered(owner)
    assert not owner.page.locator(".countdown.paused").count()
    owner.shot("03-resumed")

    # A refused action (resolving without a solution) says why and changes nothing.
    snapshot = database_snapshot()
    details = owner.page.locator("#action-resolve")
    details.locator("summary").click()
    details.get_by_label(label("Solution")).evaluate("e => e.removeAttribute('required')")
    owner.allow_console(r"status of 4\d\d")
    with owner.page.expect_navigation() as nav:
        details.locator("button[type=submit]").click()
    assert 400 <= nav.value.status < 500
    assert owner.page.get_by_role("alert").is_visible()
    assert database_snapshot() == snapshot
    owner.shot("04-refused")

    assert Case.objects.get(pk=case.pk).vendor_reference == "698765432"
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-4:] == ["escalated", "work_logged", "pended", "resumed"]


def test_closing_from_a_stale_page_after_the_customer_reopened_is_refused(
    screens, transactional_db
):
    """The duty engineer's page still shows "Close", but the customer has just said "not
    fixed" in the portal: the click is refused with the operation's reason, nothing changes."""
    org = OrganizationFactory(code="CMB", name="招商银行", service_level="gold")
    contact = ContactFactory(organization=org, name="王五")
    duty = make_user("duty_engineer", username="duty")
    senior = make_user("engineer", username="se.zhao", tier="senior")
    customer = make_user("customer", username="cust.cmb", org=org)
    customer.contact = contact
    customer.save(update_fields=["contact"])
    case = make_case(contact=contact, by=duty, title="网银登录缓慢", priority="P3")
    services.case_assign(case=case, engineer=senior, by=duty)
    services.case_log_work(case=case, kind="callback", note="回呼", minutes=5, by=senior)
    services.case_resolve(case=case, solution="调整负载均衡策略", by=senior)
    services.case_confirm(case=case, by=customer)

    desk = screens(duty)
    desk.goto(f"/cases/{case.number}/")
    close = desk.page.get_by_role("button", name=label("Close"), exact=True)
    assert close.is_visible()

    portal = screens(customer)
    portal.goto(f"/portal/cases/{case.number}/")
    assert not portal.page.get_by_role("button", name=label("Yes, it is solved")).count()
    portal.page.locator("#reopen-reason").fill("问题再次出现")
    with portal.page.expect_navigation():
        portal.page.get_by_role("button", name=label("It is not fixed")).click()
    assert Case.objects.get(pk=case.pk).reopen_count == 1

    snapshot = database_snapshot()
    desk.allow_console(r"status of 4\d\d")
    with desk.page.expect_navigation() as nav:
        close.click()
    assert nav.value.status == 409
    alert = desk.page.get_by_role("alert")
    assert alert.is_visible() and case.number in alert.inner_text()
    assert database_snapshot() == snapshot
    assert Case.objects.get(pk=case.pk).status == "assigned"
    desk.shot("stale-close-refused")
