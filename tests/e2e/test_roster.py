"""The duty roster in Chromium: a supervisor plans a 7×24 rotation on the roster page, sees
it on the calendar, has someone cover a night, and sees the holes the plan leaves; in
zh-hans and in English."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from casedesk.core import clock
from casedesk.roster import services
from casedesk.roster.models import DutyShift
from tests.accounts.factories import make_user

SHOTS = Path(__file__).resolve().parents[2] / "docs/screenshots/issue-16"


def keep(path: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / name)


def test_a_supervisor_plans_covers_and_sees_the_holes(screens, transactional_db):
    li = make_user("duty_engineer", username="li", last_name="李", first_name="工")
    wang = make_user("duty_engineer", username="wang", last_name="王", first_name="工")
    zhou = make_user("duty_engineer", username="zhou", last_name="周", first_name="工")
    boss = make_user("supervisor", username="boss", last_name="赵", first_name="主管")
    services.rotation_create(name="一线 7×24 值班", pattern="7x24", members=[li, wang], by=boss)
    today = clock.local(clock.now()).date()

    desk = screens(boss)
    desk.goto("/roster/")
    assert "未来两周值班表空档" in desk.body_text()  # nothing planned: all of it is a hole
    desk.page.locator("#id_rotation").select_option(label="一线 7×24 值班")
    desk.page.locator("#id_from_week").fill(today.isoformat())
    desk.page.locator("#id_weeks").fill("1")
    desk.page.get_by_role("button", name="排班", exact=True).click()
    desk.page.wait_for_url("**/roster/?month=*")
    assert DutyShift.objects.count() == 14
    row = desk.page.locator(f"#day-{today.isoformat()}")
    assert "李工" in row.inner_text() or "王工" in row.inner_text()

    night = DutyShift.objects.filter(part="night").order_by("starts_at").last()
    desk.goto(f"/roster/shifts/{night.pk}/")
    desk.page.locator("#id_substitute").select_option(value=str(zhou.pk))
    desk.shot("roster-cover-form")
    desk.page.get_by_role("button", name="代班").click()
    desk.page.wait_for_url("**/roster/?month=*")
    cover = desk.page.locator("#roster .shift.origin-cover")
    assert cover.count() == 1 and "周工" in cover.inner_text()
    assert f"代 {night.user.display_name}" in cover.inner_text()
    if clock.local(night.starts_at).month == today.month:
        desk.goto("/roster/")
    text = desk.body_text()
    assert "未来两周值班表空档" in text  # the second week is not planned
    keep(desk.shot("roster-zh-hans"), "roster-zh-hans.png")

    # 国庆 2026: 1–7 October off for the 5×8 team, Saturday 10 October a working day (调休)
    eng = make_user("engineer", username="eng", tier="first_line", last_name="钱", first_name="明")
    office = services.rotation_create(
        name="一线工程师 5×8", pattern="5x8", members=[eng], duty_engineer=False, by=boss
    )
    services.rotation_plan(rotation=office, from_week=dt.date(2026, 9, 28), weeks=2, by=boss)
    desk.goto("/roster/?month=2026-10")
    assert desk.page.locator("#day-2026-10-01 .daytag.holiday").count() == 1
    assert desk.page.locator("#day-2026-10-10 .daytag.workday").count() == 1
    assert "钱明" in desk.page.locator("#day-2026-10-10").inner_text()
    assert "钱明" not in desk.page.locator("#day-2026-10-02").inner_text()
    keep(desk.shot("roster-holidays-zh-hans"), "roster-holidays-zh-hans.png")

    boss.language = "en"
    boss.save(update_fields=["language"])
    english = screens(boss, locale="en")
    english.goto(f"/roster/?month={clock.local(night.starts_at):%Y-%m}")
    text = english.body_text()
    assert "Holes in the duty roster in the coming two weeks" in text
    assert "covers for" in text
    keep(english.shot("roster-en"), "roster-en.png")

    dashboard = screens(boss, locale="en")
    dashboard.goto("/dashboard/")
    assert "Duty roster: the coming two weeks" in dashboard.body_text()
    keep(dashboard.shot("dashboard-en"), "roster-dashboard-en.png")
