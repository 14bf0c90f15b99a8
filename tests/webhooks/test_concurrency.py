"""Each (webhook, event) is posted once, even with several senders at once or a dead one."""

import datetime as dt
from collections import Counter

import httpx
import pytest

from casedesk.core import clock
from casedesk.webhooks import services
from casedesk.webhooks.choices import DeliveryStatus
from casedesk.webhooks.models import Webhook, WebhookDelivery
from tests.factories import make_case
from tests.racing import race

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
SENDERS = 4


def test_concurrent_senders_post_each_delivery_exactly_once(transactional_db, receiver, org):
    Webhook.objects.create(name="a", url=receiver.url("/a"), secret="k")
    Webhook.objects.create(name="b", url=receiver.url("/b"), secret="k")
    with clock.frozen(T0):
        for i in range(15):
            make_case(org=org, title=f"并发 {i}")
    assert WebhookDelivery.objects.count() == 30

    def sender():
        with clock.frozen(T0):
            while services.deliver_due(limit=3).sent:
                pass

    _results, errors = race([sender] * SENDERS)
    assert errors == []
    posted = Counter(r.headers["x-casedesk-delivery"] for r in receiver.requests)
    assert len(posted) == 30
    assert set(posted.values()) == {1}
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_dead_senders_rows_are_taken_over_after_the_claim_timeout(receiver, make_hook, org):
    hook = make_hook(receiver.url())
    with clock.frozen(T0):
        make_case(org=org)
    timeout = services.claim_timeout()

    def claimed(ago):
        """A sender claimed the row ``ago`` (real time) and died (kill -9) before posting."""
        WebhookDelivery.objects.update(
            status=DeliveryStatus.SENDING, claimed_at=clock.wall() - ago, claim_token="dead"
        )

    # Claims lapse by the wall clock, whatever the desk's clock reads (a replay a month on).
    claimed(timeout - dt.timedelta(seconds=5))
    with clock.frozen(T0 + dt.timedelta(days=30)):
        assert not services.any_due()
        assert services.deliver_due().sent == 0  # it may still be posting: leave it
    claimed(timeout + dt.timedelta(seconds=1))
    with clock.frozen(T0):
        assert services.any_due()
        assert services.deliver_due().sent == 1
    assert len(receiver.requests) == 1

    # Had the first sender been only slow, it finds the row no longer its own: no post.
    row = WebhookDelivery.objects.get()
    row.claim_token = "dead"
    with httpx.Client() as client:
        assert services._attempt(client, row, hook, "dead") is None
    assert len(receiver.requests) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


@pytest.mark.django_db
def test_deliveries_of_a_deactivated_webhook_wait_for_it(receiver, make_hook, org):
    hook = make_hook(receiver.url())
    with clock.frozen(T0):
        make_case(org=org)
    hook.active = False
    hook.save()
    with clock.frozen(T0):
        assert services.deliver_due().sent == 0
        assert not services.any_due()
    hook.active = True
    hook.save()
    with clock.frozen(T0):
        assert services.any_due()
        assert services.deliver_due().sent == 1


@pytest.mark.django_db
def test_deleting_a_webhook_drops_its_deliveries_even_claimed_ones(receiver, make_hook, org):
    kept, deleted = make_hook(receiver.url("/kept")), make_hook(receiver.url("/deleted"))
    with clock.frozen(T0):
        make_case(org=org)
        rows = services._claim(T0, 10, "tok")
    assert len(rows) == 2
    deleted.delete()
    with httpx.Client() as client:
        outcomes = [
            services._attempt(client, r, kept, "tok") for r in rows if r.webhook_id == kept.pk
        ]
    assert outcomes == [True]
    with clock.frozen(T0):
        assert services.deliver_due().sent == 0
    assert [r.path for r in receiver.requests] == ["/kept"]


@pytest.mark.django_db
def test_claims_are_stamped_in_real_time_whatever_the_desks_clock(receiver, make_hook, org):
    """A replay (``supervise --now`` a month ahead) that dies mid-delivery leaves claims the
    worker takes over after the claim timeout, not a month later."""
    hook = make_hook(receiver.url())
    with clock.frozen(T0):
        make_case(org=org)
    ahead = clock.wall() + dt.timedelta(days=30)
    before = clock.wall()
    with clock.frozen(ahead):
        (row,) = services._claim(ahead, 10, "replay")
        assert before <= row.claimed_at <= clock.wall()
        with httpx.Client() as client:  # renewed just before the post: real time too
            receiver.script = [(500, {"error": "busy"})]
            assert services._attempt(client, row, hook, "replay") is False
    row.refresh_from_db()
    assert before <= row.claimed_at <= clock.wall()


@pytest.mark.django_db
def test_a_claim_stamped_ahead_by_an_old_replay_is_taken_over(receiver, make_hook, org):
    """Claims stamped before they were wall-clock time, a month ahead by a replay."""
    make_hook(receiver.url())
    with clock.frozen(T0):
        make_case(org=org)
    WebhookDelivery.objects.update(
        status=DeliveryStatus.SENDING,
        claimed_at=clock.wall() + dt.timedelta(days=30),
        claim_token="replay",
    )
    assert services.any_due()
    assert services.deliver_due().sent == 1
    assert len(receiver.requests) == 1
