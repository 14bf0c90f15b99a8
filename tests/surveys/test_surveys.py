"""Closing a CASE mails its caller one survey link (over SMTP); the link answers once,
expires, names nothing but its CASE; a low score opens a complaint for the CS manager."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from casedesk.cases import services as cases
from casedesk.complaints.models import Complaint
from casedesk.core import clock
from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Conflict, InvalidInput, NotFound
from casedesk.notify.models import Notification
from casedesk.notify.services import deliver_due
from casedesk.surveys import selectors, services
from casedesk.surveys.models import Survey
from tests.accounts.factories import ContactFactory
from tests.factories import ApiClient, make_user
from tests.surveys.factories import closed_case, token_of

pytestmark = pytest.mark.django_db


def _text(msg) -> str:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def test_closing_mails_the_contact_a_survey_link_over_smtp(smtp, settings):
    settings.CASEDESK_BASE_URL = "https://desk.example"
    contact = ContactFactory(email="li.ming@example.cn")
    case = closed_case(contact=contact, title="防火墙宕机")
    deliver_due()
    mails = [(m, _text(m)) for m in smtp.to("li.ming@example.cn")]
    [(msg, body)] = [(m, b) for m, b in mails if "/survey/" in b]  # beside the resolved notice
    link = re.search(r"https://desk\.example/survey/([A-Za-z0-9_-]{43})/", body)
    assert link, body
    assert case.number in msg["Subject"]
    survey = Survey.objects.get(case=case)
    token = link.group(1)
    assert survey.token_hash == services.token_hash(token) and token not in survey.token_hash
    assert not Survey.objects.filter(token_hash=token).exists()  # only the hash is kept
    assert AuditRecord.objects.filter(action="survey.send", object_id=str(survey.pk)).exists()
    # Once per closing: the same closing heard again sends nothing.
    closing = case.events.get(kind="closed")
    assert services.survey_send(case=case, closing=closing) is None
    assert Survey.objects.filter(case=case).count() == 1


def test_each_closing_has_its_own_survey():
    case = closed_case()
    desk = make_user("duty_engineer")
    case = cases.case_reopen(case=case, reason="又坏了", by=desk)
    engineer = case.engineer
    case = cases.case_accept(case=case, by=engineer) if case.status == "assigned" else case
    case = cases.case_resolve(case=case, solution="再次更换", by=engineer)
    case = cases.case_confirm(case=case, note="确认", by=desk)
    cases.case_close(case=case, by=desk)
    assert Survey.objects.filter(case=case).count() == 2


def test_a_contact_without_an_address_gets_no_survey():
    case = closed_case(contact=ContactFactory(email=""))
    assert not Survey.objects.filter(case=case).exists()


def test_the_answer_is_kept_once_and_shown_on_the_case():
    case = closed_case()
    token = token_of(case)
    survey = services.survey_answer(token=token, score=5, comment="很及时")
    assert (survey.score, survey.comment, survey.complaint) == (5, "很及时", None)
    with pytest.raises(Conflict):
        services.survey_answer(token=token, score=1, comment="改主意")
    assert Survey.objects.get(pk=survey.pk).score == 5
    staff = make_user("engineer")
    assert selectors.answer_of_case(case=case, fetched_by=staff) == {
        "score": 5,
        "comment": "很及时",
    }
    assert AuditRecord.objects.filter(action="survey.answer").count() == 1


def test_bad_tokens_and_scores_change_nothing():
    case = closed_case()
    token = token_of(case)
    with pytest.raises(NotFound):
        services.survey_answer(token=token[:-1] + ("A" if token[-1] != "A" else "B"), score=4)
    with pytest.raises(NotFound):
        services.survey_answer(token="", score=4)
    for score in (0, 6, -1, True):
        with pytest.raises(InvalidInput):
            services.survey_answer(token=token, score=score)
    assert Survey.objects.get(case=case).answered_at is None


def test_the_link_expires_after_the_settings_days(settings):
    settings.CASEDESK_SURVEY_DAYS = 7
    start = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
    case = closed_case(at=start)
    token = token_of(case)
    assert Survey.objects.get(case=case).expires_at == start + dt.timedelta(days=7)
    with (
        clock.frozen(start + dt.timedelta(days=7, seconds=1)),
        pytest.raises(services.SurveyExpired) as refused,
    ):
        services.survey_answer(token=token, score=4)
    assert refused.value.status == 410
    with clock.frozen(start + dt.timedelta(days=6)):
        assert services.survey_answer(token=token, score=4).score == 4


def test_a_low_score_opens_a_complaint_for_the_cs_manager():
    csm = make_user("cs_manager", username="csm")
    case = closed_case()
    survey = services.survey_answer(token=token_of(case), score=2, comment="等了三天")
    complaint = Complaint.objects.get(pk=survey.complaint_id)
    assert complaint.source == "survey" and complaint.organization_id == case.organization_id
    assert list(complaint.cases.all()) == [case]
    assert list(complaint.engineers.all()) == [case.engineer]
    assert "等了三天" in complaint.description
    [told] = Notification.objects.filter(dedupe_key__startswith="survey_low:")
    assert told.recipient == csm and complaint.number in told.subject
    assert complaint.number.startswith("K")


def test_the_api_answers_without_login_once():
    case = closed_case(title="机密标题-别的客户")
    token = token_of(case)
    anonymous = ApiClient(None)
    bad = anonymous.post(f"/survey/{token}", {"score": 9, "comment": ""})
    assert bad.status_code == 422 and "detail" in bad.json()
    unknown = anonymous.post("/survey/nope", {"score": 3})
    assert unknown.status_code == 404 and unknown.json()["detail"]
    ok = anonymous.post(f"/survey/{token}", {"score": 4, "comment": "好"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["score"] == 4 and ok.json()["case"] == case.number
    assert "机密标题" not in ok.content.decode()
    again = anonymous.post(f"/survey/{token}", {"score": 4})
    assert again.status_code == 409 and again.json()["detail"]
    staff = ApiClient(make_user("engineer"))
    shown = staff.get(f"/cases/{case.number}").json()
    assert shown["survey"] == {"score": 4, "comment": "好"}


def test_an_expired_link_is_410_in_the_api(settings):
    start = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
    case = closed_case(at=start)
    with clock.frozen(start + dt.timedelta(days=31)):
        response = ApiClient(None).post(f"/survey/{token_of(case)}", {"score": 3})
    assert response.status_code == 410 and response.json()["detail"]


def test_a_case_without_an_answer_shows_survey_null():
    case = closed_case()
    shown = ApiClient(make_user("engineer")).get(f"/cases/{case.number}").json()
    assert shown["survey"] is None


def test_results_per_engineer_customer_and_month():
    eng = make_user("engineer", username="eng.a")
    for score in (5, 4, 2):
        services.survey_answer(token=token_of(closed_case(engineer=eng)), score=score)
    found = selectors.results(fetched_by=make_user("cs_manager"))
    assert found.total.count == 3 and found.total.average == pytest.approx(3.67)
    assert found.total.csat == pytest.approx(0.667)
    [row] = [s for s in found.engineers if s.key == "eng.a"]
    assert row.count == 3
    assert [s.score for s in found.low] == [2]
    assert len(found.months) == 1


def test_results_per_team_the_engineers_tier():
    first = make_user("engineer", username="eng.first", tier="first_line")
    other_first = make_user("engineer", username="eng.first2", tier="first_line")
    senior = make_user("engineer", username="eng.se", tier="senior")
    for engineer, score in ((first, 5), (other_first, 1), (senior, 4), (senior, 5)):
        services.survey_answer(token=token_of(closed_case(engineer=engineer)), score=score)
    found = selectors.results(fetched_by=make_user("cs_manager"))
    teams = {s.key: s for s in found.teams}
    assert set(teams) == {"first_line", "senior"}
    assert teams["first_line"].count == 2 and teams["first_line"].csat == pytest.approx(0.5)
    assert teams["senior"].count == 2 and teams["senior"].average == pytest.approx(4.5)
    assert teams["senior"].csat == 1.0
    # Not answered: not counted in any team.
    closed_case(engineer=senior)
    assert sum(s.count for s in selectors.results(fetched_by=make_user("admin")).teams) == 4
