"""The survey page at phone size: the caller opens the link from the closing mail (no
login), gives 2 stars and a comment, and is thanked; the low score is a complaint the
customer service manager finds on the complaints list, overdue marked, and acknowledges."""

from __future__ import annotations

from casedesk.complaints.models import Complaint
from casedesk.surveys.models import Survey
from tests.accounts.factories import ContactFactory, make_user
from tests.surveys.factories import closed_case, token_of


def test_a_caller_answers_the_survey_on_a_phone(screens, transactional_db):
    case = closed_case(contact=ContactFactory(email="wang@example.cn"), title="核心交换机宕机")
    token = token_of(case)
    phone = screens(None, phone=True)
    phone.goto(f"/survey/{token}/")
    text = phone.body_text()
    assert case.number in text and "核心交换机宕机" in text and "我们做得怎么样" in text
    phone.page.locator("label:has(input[value='2'])").click()
    phone.page.get_by_label("意见").fill("等了三天才有人回电")
    phone.shot("survey-page")
    phone.page.get_by_role("button", name="提交").click()
    phone.page.wait_for_selector("text=谢谢")
    phone.shot("survey-thanks")
    survey = Survey.objects.get(case=case)
    assert (survey.score, survey.comment) == (2, "等了三天才有人回电")
    phone.goto(f"/survey/{token}/")  # a second visit: answered already, nothing to send
    assert "已经回答过了" in phone.body_text()
    phone.allow_console(r"status of 404")
    phone.goto("/survey/not-a-token/", status=404)
    assert "链接不正确" in phone.body_text()

    complaint = Complaint.objects.get(source="survey")
    manager = make_user("cs_manager", username="csm")
    desk = screens(manager)
    desk.goto("/complaints/")
    assert complaint.number in desk.page.locator("#complaints").inner_text()
    desk.page.get_by_role("link", name=complaint.number).click()
    desk.page.wait_for_url(f"**/complaints/{complaint.number}/")
    assert case.number in desk.body_text()
    desk.page.get_by_label("备注").fill("已电话致歉")
    desk.page.get_by_role("button", name="受理").click()
    desk.page.wait_for_url(f"**/complaints/{complaint.number}/")
    assert "已受理" in desk.page.locator("#complaint-status").inner_text()
    desk.shot("complaint-page")
