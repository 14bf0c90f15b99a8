"""The demo desk carries reply templates, and its CASEs were acknowledged: those opened by
mail once by the gateway, the others once each when their caller has an address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from casedesk import demo
from casedesk.cases.models import Case
from casedesk.core import clock
from casedesk.notify.models import Notification
from casedesk.replies.models import ReplyTemplate

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_has_templates_and_acknowledged_cases():
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=30, now=NOW)
    assert any("reply templates" in line for line in summary.more)
    assert set(ReplyTemplate.objects.values_list("language", flat=True)) == {"zh-hans", "en"}
    acks = Notification.objects.filter(recipient=None).filter(dedupe_key__regex=r"^(mail-)?ack:")
    per_case = dict(acks.values_list("case__number").annotate(n=Count("id")))
    with_address = Case.objects.exclude(caller_email="")
    assert with_address.exists()
    assert {c.number: 1 for c in with_address} == per_case
