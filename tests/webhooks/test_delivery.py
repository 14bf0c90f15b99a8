"""CASE events reach registered URLs: signed, retried with backoff, never lost, sent once."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.db import transaction

from casedesk.cases import services as cases
from casedesk.cases.choices import EventKind, WorkLogKind
from casedesk.core import clock
from casedesk.core.errors import TransitionNotAllowed
from casedesk.webhooks import services
from casedesk.webhooks.choices import DeliveryStatus, WebhookFormat
from casedesk.webhooks.models import WebhookDelivery
from casedesk.webhooks.tasks import deliver_webhooks
from tests.factories import make_case

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def deliver(at):
    with clock.frozen(at):
        return services.deliver_due()


def rows():
    return list(WebhookDelivery.objects.order_by("id"))


def test_generic_delivery_is_signed_and_describes_the_event(
    receiver, make_hook, org, duty, engineer
):
    make_hook(receiver.url(), secret="top-secret")
    with clock.frozen(T0):
        case = make_case(org=org, title="核心交换机故障", priority="P1")
        cases.case_assign(
            case=case, engineer=engineer, by=duty, note="请尽快回电", override_reason="客户指定"
        )
    assert [r.event_kind for r in rows()] == ["opened", "assigned"]

    before = int(clock.wall().timestamp())
    result = deliver(T0)
    after = int(clock.wall().timestamp())

    assert (result.sent, result.failed) == (2, 0)
    opened, assigned = receiver.requests
    for received, row in zip(receiver.requests, rows(), strict=True):
        timestamp = received.headers["x-casedesk-timestamp"]
        expected = hmac.new(
            b"top-secret", timestamp.encode() + b"." + received.body, hashlib.sha256
        ).hexdigest()
        assert received.headers["x-casedesk-signature"] == f"sha256={expected}"
        # Signed in real time, whatever the desk's clock reads: the receiver checks the
        # timestamp against its own clock (DingTalk and Feishu refuse one an hour off).
        assert before <= int(timestamp) <= after
        assert received.headers["x-casedesk-delivery"] == str(row.pk)
        assert received.headers["content-type"] == "application/json; charset=utf-8"
        assert row.status == DeliveryStatus.SENT
        assert (row.attempts, row.last_status_code, row.sent_at) == (1, 200, T0)
    assert opened.headers["x-casedesk-event"] == "opened"
    document = assigned.json()
    assert document["event"]["kind"] == "assigned"
    assert document["event"]["actor"] == {"username": "duty", "name": "duty"}
    assert document["event"]["data"]["note"] == "请尽快回电"
    assert document["case"]["number"] == case.number
    assert document["case"]["title"] == "核心交换机故障"
    assert document["case"]["priority"] == "P1"
    assert document["case"]["status"] == "assigned"
    assert document["case"]["engineer"]["username"] == "eng1"
    assert document["case"]["organization"] == {"code": "ACME", "name": "中国电信北京分公司"}
    assert document["case"]["url"] == f"http://127.0.0.1:8000/cases/{case.number}/"
    # A tampered body no longer matches its signature.
    forged = hmac.new(
        b"top-secret",
        assigned.headers["x-casedesk-timestamp"].encode()
        + b"."
        + assigned.body.replace(b"P1", b"P4"),
        hashlib.sha256,
    ).hexdigest()
    assert assigned.headers["x-casedesk-signature"] != f"sha256={forged}"

    assert deliver(T0 + MINUTE).sent == 0  # delivered once, never again
    assert len(receiver.requests) == 2


def test_failures_are_retried_with_growing_waits_until_delivered(receiver, make_hook, org):
    make_hook(receiver.url())
    receiver.script = [(500, {"error": "busy"}), (503, b"down for maintenance")]
    with clock.frozen(T0):
        make_case(org=org)

    deliver(T0)
    (row,) = rows()
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    assert row.last_error == "HTTP 500"
    assert row.response_excerpt == '{"error": "busy"}'
    assert row.next_attempt_at == T0 + MINUTE

    assert deliver(T0 + MINUTE - dt.timedelta(seconds=1)).sent == 0  # not due yet
    assert len(receiver.requests) == 1

    deliver(T0 + MINUTE)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 2, 503)
    assert row.next_attempt_at == T0 + 3 * MINUTE  # then 2 minutes

    deliver(T0 + 3 * MINUTE)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (
        "sent",
        3,
        T0 + 3 * MINUTE,
        "",
    )
    assert len(receiver.requests) == 3
    assert len({r.headers["x-casedesk-delivery"] for r in receiver.requests}) == 1


def test_a_receiver_that_is_down_loses_nothing_and_is_given_up_on_after_max_attempts(
    receiver, make_hook, org, settings
):
    settings.CASEDESK_WEBHOOK_MAX_ATTEMPTS = 4
    hook = make_hook("http://127.0.0.1:9/hook")  # discard port: connection refused
    with clock.frozen(T0):
        case = make_case(org=org)
    at = T0
    for attempt in range(1, 4):
        result = deliver(at)
        assert (result.sent, result.failed) == (0, 1)
        (row,) = rows()
        assert (row.status, row.attempts) == ("pending", attempt)
        assert "ConnectError" in row.last_error
        assert row.last_status_code is None
        assert row.next_attempt_at == at + MINUTE * 2 ** (attempt - 1)
        at = row.next_attempt_at
    deliver(at)
    (row,) = rows()
    assert (row.status, row.attempts) == ("failed", 4)
    assert deliver(at + dt.timedelta(days=1)).failed == 0  # given up: no more attempts

    # The administrator fixes the address and retries: it goes out, exactly once.
    hook.url = receiver.url()
    hook.save()
    with clock.frozen(at + dt.timedelta(days=1)):
        assert services.delivery_retry(deliveries=WebhookDelivery.objects.all()) == 1
    deliver(at + dt.timedelta(days=1))
    (row,) = rows()
    assert (row.status, row.attempts) == ("sent", 1)
    assert [r.json()["case"]["number"] for r in receiver.requests] == [case.number]


def test_bots_answer_errors_with_http_200_and_those_count_as_failures(receiver, make_hook, org):
    make_hook(receiver.url("/robot/send?access_token=abc"), format=WebhookFormat.DINGTALK)
    receiver.script = [(200, {"errcode": 310000, "errmsg": "sign not match"})]
    with clock.frozen(T0):
        make_case(org=org)
    deliver(T0)
    (row,) = rows()
    assert (row.status, row.last_status_code) == ("pending", 200)
    assert row.last_error == "errcode 310000: sign not match"
    deliver(T0 + MINUTE)
    (row,) = rows()
    assert row.status == "sent"


def test_redirects_are_not_followed(receiver, make_hook, org):
    make_hook(receiver.url())
    receiver.script = [(302, {})]
    with clock.frozen(T0):
        make_case(org=org)
    deliver(T0)
    (row,) = rows()
    assert (row.status, row.last_error) == ("pending", "HTTP 302")
    assert [r.path for r in receiver.requests] == ["/hook"]


def test_event_kind_and_organization_filters(receiver, make_hook, org, other_org, duty, engineer):
    assigned_only = make_hook(receiver.url("/a"), event_kinds=[EventKind.ASSIGNED])
    other_customer = make_hook(receiver.url("/b"), organization=other_org)
    everything_acme = make_hook(receiver.url("/c"), organization=org)
    make_hook(receiver.url("/d"), active=False)
    with clock.frozen(T0):
        case = make_case(org=org)
        cases.case_assign(case=case, engineer=engineer, by=duty)
        make_case(org=other_org)
    sent_to = {(r.webhook_id, r.event_kind) for r in rows()}
    assert sent_to == {
        (assigned_only.pk, "assigned"),
        (other_customer.pk, "opened"),
        (everything_acme.pk, "opened"),
        (everything_acme.pk, "assigned"),
    }


def test_internal_events_go_only_where_allowed(make_hook, org, duty, engineer):
    public = make_hook("http://127.0.0.1:9/public")
    staff = make_hook("http://127.0.0.1:9/staff", include_internal=True)
    with clock.frozen(T0):
        case = make_case(org=org)
        cases.case_assign(case=case, engineer=engineer, by=duty)
        cases.case_accept(case=case, by=engineer)
        cases.case_log_work(
            case=case, kind=WorkLogKind.NOTE, note="内部备注", minutes=5, by=engineer, internal=True
        )
    internal = WebhookDelivery.objects.filter(event__internal=True)
    assert [r.webhook_id for r in internal] == [staff.pk]
    assert WebhookDelivery.objects.filter(webhook=public).count() == 3


def test_a_refused_or_rolled_back_operation_queues_nothing(
    make_hook, org, duty, engineer, django_capture_on_commit_callbacks
):
    make_hook("http://127.0.0.1:9/hook")
    with clock.frozen(T0):
        case = make_case(org=org, priority="P3")
        with django_capture_on_commit_callbacks() as callbacks:
            with pytest.raises(TransitionNotAllowed):
                cases.case_set_priority(case=case, priority="P3", by=duty)
            with pytest.raises(RuntimeError), transaction.atomic():
                cases.case_assign(case=case, engineer=engineer, by=duty)
                assert len(rows()) == 2  # queued with the event ...
                raise RuntimeError("the caller's transaction fails after the operation")
    assert [r.event_kind for r in rows()] == ["opened"]  # ... and gone with it
    assert callbacks == []  # no delivery asked for


def test_an_edit_to_the_webhooks_applies_to_the_next_event_at_once(make_hook, org):
    with clock.frozen(T0):
        make_case(org=org)
        assert rows() == []  # no webhooks yet
        hook = make_hook("http://127.0.0.1:9/hook")
        make_case(org=org)
        assert len(rows()) == 1
        hook.active = False
        hook.save()
        make_case(org=org)
        assert len(rows()) == 1
        hook.active = True
        hook.event_kinds = [EventKind.CLOSED]
        hook.save()
        make_case(org=org)
        assert len(rows()) == 1


def test_the_task_runs_after_commit_and_delivers(
    receiver, make_hook, org, django_capture_on_commit_callbacks
):
    make_hook(receiver.url())
    with django_capture_on_commit_callbacks() as callbacks, clock.frozen(T0):
        make_case(org=org)
        make_case(org=org)
    # Both openings ran in the test's one transaction: one delivery task for both.
    kicks = [c for c in callbacks if c.__name__ == "_kick_delivery"]
    assert len([c for c in kicks if c.__module__ == "casedesk.webhooks.services"]) == 1
    with clock.frozen(T0):
        assert deliver_webhooks.call() == 2
    assert len(receiver.requests) == 2


def test_events_written_in_bulk_are_queued_in_one_go(receiver, make_hook, org, settings):
    """The supervisor writes its batch's events with bulk_create and hands them over at once."""
    from casedesk.cases.models import CaseEvent

    public = make_hook(receiver.url("/public"))
    staff = make_hook(
        receiver.url("/cgi-bin/webhook/send?key=k"),
        format=WebhookFormat.WECOM,
        secret="",
        include_internal=True,
    )
    with clock.frozen(T0):
        first, second = make_case(org=org, priority="P1"), make_case(org=org, priority="P2")
        events = CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=case,
                    at=T0,
                    kind=EventKind.DEADLINE_FIRED,
                    internal=True,
                    data={"deadline": "escalation", "key": "P1-30"},
                )
                for case in (first, second)
            ]
        )
        services.on_events([(first, events[0]), (second, events[1])])
        services.on_events([(first, events[0])])  # again: nothing more
        fired = WebhookDelivery.objects.filter(event_kind=EventKind.DEADLINE_FIRED)
        assert sorted(r.webhook_id for r in fired) == [staff.pk, staff.pk]
        assert WebhookDelivery.objects.filter(webhook=public).count() == 2  # the openings
        services.deliver_due()
    alarm = [r for r in receiver.requests if r.path == "/cgi-bin/webhook/send"][-1]
    content = alarm.json()["markdown"]["content"]
    assert "> 事件: 时限已到" in content.splitlines()
    assert "> 时限: 升级" in content.splitlines()


def test_the_workers_sweep_asks_for_a_delivery_only_when_one_is_due(make_hook, org):
    from django_tasks_db.models import DBTaskResult

    from casedesk.webhooks.tasks import sweep

    hook = make_hook("http://127.0.0.1:9/hook")
    with clock.frozen(T0):
        sweep()
        assert DBTaskResult.objects.count() == 0  # nothing waits
        make_case(org=org)
        sweep()
        (task,) = DBTaskResult.objects.all()
        assert task.task_path == "casedesk.webhooks.tasks.deliver_webhooks"
    WebhookDelivery.objects.update(next_attempt_at=T0 + MINUTE)
    hook.save()
    with clock.frozen(T0):
        sweep()
    assert DBTaskResult.objects.count() == 1  # the retry is not due yet


def test_a_receiver_slower_than_the_timeout_counts_as_a_failure(receiver, make_hook, org, settings):
    settings.CASEDESK_WEBHOOK_TIMEOUT = 0.3
    make_hook(receiver.url())
    receiver.script = [(200, {}, 1.0)]
    with clock.frozen(T0):
        make_case(org=org)
    assert deliver(T0).failed == 1
    (row,) = rows()
    assert (row.status, row.last_status_code) == ("pending", None)
    assert row.last_error.startswith("ReadTimeout")
    assert deliver(T0 + MINUTE).sent == 1


def test_only_the_start_of_a_large_answer_is_read_and_kept(receiver, make_hook, org):
    make_hook(receiver.url())
    receiver.script = [(200, b"x" * 5_000_000)]
    with clock.frozen(T0):
        make_case(org=org)
    assert deliver(T0).sent == 1
    (row,) = rows()
    assert row.response_excerpt == "x" * services.EXCERPT


def test_the_supervisors_alarms_reach_hooks_that_take_internal_events(receiver, make_hook, org):
    """A deadline fired by the supervisor pass is a CASE event like any other."""
    from casedesk.sla.supervisor import run_pass

    public = make_hook(receiver.url("/public"))
    staff = make_hook(receiver.url("/staff"), include_internal=True)
    with clock.frozen(T0):
        case = make_case(org=org, priority="P1")
    run_pass(now=T0 + 20 * MINUTE)  # the 15-minute callback promise is broken
    fired = WebhookDelivery.objects.filter(event_kind=EventKind.DEADLINE_FIRED)
    assert fired.exists()
    assert {r.webhook_id for r in fired} == {staff.pk}
    assert {r.case_id for r in fired} == {case.pk}
    assert not WebhookDelivery.objects.filter(webhook=public).exclude(event_kind="opened").exists()
    run_pass(now=T0 + 20 * MINUTE)  # again: nothing more
    assert (
        WebhookDelivery.objects.filter(event_kind=EventKind.DEADLINE_FIRED).count() == fired.count()
    )
