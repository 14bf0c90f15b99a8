"""The demo's surveys and complaints: answered surveys on closed CASEs with a spread of
scores, and a few complaints, one of them overdue."""

from __future__ import annotations

import pytest

from casedesk.complaints import selectors as complaints
from casedesk.complaints.models import Complaint
from casedesk.surveys import selectors
from casedesk.surveys.models import Survey
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_answers_surveys_and_files_complaints():
    from casedesk.demo import load

    load(seed=1, cases=60)
    answered = Survey.objects.filter(answered_at__isnull=False)
    assert answered.count() >= 5
    assert len(set(answered.values_list("score", flat=True))) >= 3
    assert all(s.case.status == "closed" or s.case.reopen_count for s in answered)
    reader = make_user("cs_manager", username="t.csm")
    found = selectors.results(fetched_by=reader)
    assert found.total.count == answered.count() and 0 < found.total.csat <= 1
    assert Complaint.objects.filter(source__in=("phone", "portal")).count() == 4
    listed = complaints.complaint_list(fetched_by=reader)
    assert listed[0].status == "open" and any(c.overdue for c in listed)
    assert Complaint.objects.filter(status="closed").exists()
