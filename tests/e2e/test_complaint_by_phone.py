"""A complaint taken by phone: the call taker opens "New complaint" from the complaints list,
leaves the organization empty, types the CASE number the caller gives, and files it; the
complaint is the CASE's organization's, from the phone, with its deadlines."""

from __future__ import annotations

from casedesk.complaints.models import Complaint
from tests.accounts.factories import OrganizationFactory, make_user
from tests.cases.factories import make_case


def test_a_call_taker_files_a_complaint_by_phone(screens, transactional_db):
    org = OrganizationFactory(code="HUAXIA", name="华夏银行数据中心")
    OrganizationFactory(code="OTHER", name="另一家客户")
    taker = make_user("call_taker", username="taker")
    case = make_case(org=org, by=taker, title="核心交换机端口闪断")
    desk = screens(taker)
    desk.goto("/complaints/")
    desk.page.get_by_role("link", name="新投诉").click()
    desk.page.wait_for_url("**/complaints/new/")
    assert desk.page.get_by_label("来源").input_value() == "phone"
    desk.page.get_by_label("投诉内容").fill("工程师两天没有回电，客户很不满意。")
    desk.page.locator("#id_case").fill(case.number)
    desk.shot("complaint-by-phone")
    desk.page.get_by_role("button", name="提交投诉").click()
    complaint = Complaint.objects.get()
    desk.page.wait_for_url(f"**/complaints/{complaint.number}/")
    text = desk.body_text()
    assert complaint.number in text and case.number in text and "华夏银行数据中心" in text
    assert complaint.source == "phone" and complaint.organization == org
    assert list(complaint.cases.all()) == [case]
