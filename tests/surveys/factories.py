"""Test data of surveys: a CASE closed through ``cases.services`` (which mails its survey)."""

from __future__ import annotations

import re

from casedesk.cases import services as cases
from casedesk.core import clock
from casedesk.notify.models import Notification
from tests.accounts.factories import ContactFactory
from tests.factories import make_case, make_user


def closed_case(*, contact=None, engineer=None, title="核心交换机故障", at=None):
    """A CASE taken to closed; its survey was sent at its closing."""
    contact = contact or ContactFactory()
    dispatcher = make_user("duty_engineer")
    engineer = engineer or make_user("engineer")
    with clock.frozen(at or clock.now()):
        case = make_case(contact=contact, by=dispatcher, title=title)
        case = cases.case_assign(case=case, engineer=engineer, by=dispatcher)
        case = cases.case_accept(case=case, by=engineer)
        case = cases.case_resolve(case=case, solution="更换光模块", by=engineer)
        case = cases.case_confirm(case=case, note="客户确认", by=dispatcher)
        case = cases.case_close(case=case, by=dispatcher)
    return case


def token_of(case) -> str:
    """The token of the survey link mailed about ``case`` (read from its outbox row: the
    desk keeps only the token's hash)."""
    row = Notification.objects.filter(case=case, dedupe_key__startswith="survey:").latest("pk")
    found = re.search(r"/survey/([A-Za-z0-9_-]+)/", row.body)
    assert found, row.body
    return found.group(1)
