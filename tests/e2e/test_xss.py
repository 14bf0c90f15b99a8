"""A CASE title that is markup renders as text everywhere a user reads it.

Browser pages (duty board, list, CASE page, dashboard, portal) must show the literal text
and never run it (a dialog fails the test, see conftest); e-mail carries it as plain text.
"""

import datetime as dt

import pytest

from casedesk import clock
from casedesk.cases import services
from casedesk.notify.services import deliver_due
from tests.factories import make_case, make_user

TITLES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def _text_parts(message):
    return [part for part in message.walk() if not part.is_multipart()]


@pytest.mark.parametrize("title", TITLES)
def test_notification_mail_carries_the_title_as_plain_text(db, smtp, org, contact, title):
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="eng1", tier="senior")
    engineer.language = "en"
    engineer.save(update_fields=["language"])
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, title=title, priority="P2")
        services.case_assign(case=case, engineer=engineer, by=duty)
        deliver_due()
    (assigned,) = smtp.to("eng1@desk.example")
    parts = _text_parts(assigned)
    assert [p.get_content_type() for p in parts] == ["text/plain"]
    body = parts[0].get_content()
    assert f"title: {title}" in body
    assert "&lt;" not in body  # plain text: neither run nor mangled

    # The supervisor's deadline mail (the 45-minute first work log) says the same.
    smtp.clear()
    from casedesk.sla.supervisor import run_pass

    with clock.frozen(T0 + dt.timedelta(minutes=46)):
        run_pass()
        deliver_due()
    assert smtp.messages, "no deadline mail was sent"
    for message in smtp.messages:
        parts = _text_parts(message)
        assert [p.get_content_type() for p in parts] == ["text/plain"]
        assert title in parts[0].get_content()


@pytest.mark.parametrize("title", ["<img src=x onerror=alert(1)>", "AT&T 线路中断"])
def test_mail_subject_carries_the_title_as_typed(db, smtp, org, contact, title):
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="eng1", tier="senior")
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, title=title, priority="P2")
        services.case_assign(case=case, engineer=engineer, by=duty)
        deliver_due()
    (assigned,) = smtp.to("eng1@desk.example")
    assert title in assigned["Subject"]
