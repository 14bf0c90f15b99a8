"""CASE operations publish typed events; their followers subscribe, the operation names none."""

import pytest

from casedesk.cases import services
from casedesk.cases.events import CaseEventsBulkWritten, CaseEventWritten, CaseNumbered
from casedesk.core import events
from casedesk.notify.models import Notification
from casedesk.search.models import CaseDocument
from casedesk.sla.models import Deadline
from casedesk.webhooks.models import Webhook, WebhookDelivery
from tests.factories import make_case


def _followers(event_type):
    return [
        (s.handler.__module__, s.handler.__name__, s.phase)
        for s in events.subscribers(event_type)
        if s.handler.__module__.startswith("casedesk.")
    ]


def test_followers_subscribe_inside_the_transaction_in_todays_order():
    inside = events.Phase.IN_TRANSACTION
    # The order the operation layer called them in by name: deadlines, webhook deliveries,
    # alerts, the outbox's other messages, the search index.
    assert _followers(CaseEventWritten) == [
        ("casedesk.sla.events", "deadlines_follow", inside),
        ("casedesk.webhooks.events", "deliveries_follow", inside),
        ("casedesk.sla.events", "alert_follows", inside),
        ("casedesk.notify.events", "outbox_follows", inside),
        ("casedesk.surveys.events", "survey_on_closing", inside),  # the caller's survey
        ("casedesk.search.events", "index_follows", inside),
        ("casedesk.partners.events", "follow_partner_work", inside),  # its figures
    ]
    assert _followers(CaseNumbered) == [
        ("casedesk.sla.events", "alert_on_opening", inside),
        ("casedesk.replies.events", "acknowledge_new_case", inside),  # the caller's ack
        ("casedesk.partners.events", "subcontract_new_case", inside),  # by its rules
    ]
    assert _followers(CaseEventsBulkWritten) == [
        ("casedesk.webhooks.events", "deliveries_follow_batch", inside)
    ]


def _written():
    return {
        "deadlines": list(Deadline.objects.order_by("pk").values()),
        "outbox": list(Notification.objects.order_by("pk").values()),
        "deliveries": list(WebhookDelivery.objects.order_by("pk").values()),
        "documents": list(CaseDocument.objects.order_by("pk").values()),
    }


def test_a_rolled_back_operation_leaves_no_follower_rows(org, duty, engineer):
    Webhook.objects.create(url="http://127.0.0.1:9/hook", name="hook", secret="s3cret-key")
    case = make_case(org=org, by=duty, priority="P3")
    before = _written()
    assert before["deadlines"] and before["deliveries"] and before["documents"]

    def assign():
        services.case_assign(case=case, engineer=engineer, by=duty, note="请回电")

    subscriber = events.subscribe(CaseEventWritten, order=1000)

    @subscriber
    def fail(published):
        # Every follower has written its rows by now, in the operation's transaction ...
        assert Notification.objects.filter(case=case).exists()
        assert WebhookDelivery.objects.filter(event=published.event).exists()
        assert Deadline.objects.filter(case=case).count() > len(before["deadlines"])
        raise RuntimeError("a later follower fails")

    try:
        with pytest.raises(RuntimeError, match="a later follower fails"):
            assign()
    finally:
        events.unsubscribe(CaseEventWritten, fail)
    # ... and they are gone with it.
    assert _written() == before
    case.refresh_from_db()
    assert case.engineer_id is None

    assign()  # without the failing follower the same operation writes them all
    after = _written()
    assert len(after["outbox"]) > len(before["outbox"])
    assert len(after["deliveries"]) == len(before["deliveries"]) + 1
