"""The mail outbox's delivery: a message is the same message however often a crash makes
it go out, each is recorded as sent as soon as the server takes it, and a dead sender's
claims lapse by the wall clock, whatever the desk's clock reads (``supervise --now``).
The crash itself, with real processes killed: tests/chaos/test_mail_outbox.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.apps import apps
from django.db import connection

from casedesk.core import clock
from casedesk.notify import services
from casedesk.notify.models import Notification, NotificationStatus
from tests.conftest import MailSink, free_port
from tests.factories import make_user
from tests.racing import race

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
SENDING, SENT = NotificationStatus.SENDING, NotificationStatus.SENT


def queue(n: int = 1) -> list[Notification]:
    """``n`` messages queued through the outbox, as stored."""
    for i in range(n):
        services.queue_to_address(
            template="mail_reject",
            context={"subject": f"test {i}"},
            reason=f"t:{i}",
            to_email=f"u{i}@example.com",
            language="en",
        )
    return list(Notification.objects.filter(dedupe_key__startswith="t:").order_by("id"))


def claimed(ago: dt.timedelta, **filters) -> None:
    """A sender claimed the rows ``ago`` (real time) and died (kill -9) with them."""
    Notification.objects.filter(**filters).update(
        status=SENDING, claimed_at=clock.wall() - ago, claim_token="dead"
    )


@pytest.mark.django_db
def test_a_message_has_its_message_id_from_the_moment_it_is_queued(smtp):
    user = make_user("engineer", username="eng1")
    with clock.frozen(T0):
        (by_account,) = services.queue(
            template="mail_reject", context={"subject": "x"}, reason="acct", recipients=[user]
        )
        (by_address,) = queue()
    queued = {n.to_email: n.message_id for n in Notification.objects.all()}
    assert queued == {
        by_account.to_email: by_account.message_id,
        "u0@example.com": by_address.message_id,
    }
    assert all(m.startswith("<") and m.endswith("@localhost>") for m in queued.values())
    assert len(set(queued.values())) == 2

    assert services.deliver_due().sent == 2
    assert {m["To"]: m["Message-ID"] for m in smtp.messages} == queued
    assert dict(Notification.objects.values_list("to_email", "message_id")) == queued


@pytest.mark.django_db
def test_a_message_sent_again_after_a_crash_is_the_same_message(smtp):
    (row,) = queue()
    assert row.message_id
    for _ in range(2):
        # Its sender died after the server took it and before recording it: sent again.
        claimed(services.claim_timeout() + dt.timedelta(seconds=1))
        assert services.deliver_due().sent == 1
    assert [m["Message-ID"] for m in smtp.messages] == [row.message_id] * 2


@pytest.mark.django_db
def test_a_row_written_without_a_message_id_gets_one_before_it_goes_out(smtp):
    (row,) = queue()
    Notification.objects.update(message_id="")
    assert services.deliver_due().sent == 1
    row.refresh_from_db()
    assert row.message_id and smtp.messages[0]["Message-ID"] == row.message_id


def test_each_message_is_recorded_as_sent_as_soon_as_the_server_takes_it(
    transactional_db, settings
):
    """While the server receives a message, every message before it is already recorded
    as sent (committed), so a crash there sends no earlier message again."""
    seen: list[int] = []

    def recorded() -> int:
        try:
            return Notification.objects.filter(status=SENT).count()
        finally:
            connection.close()

    class Sink(MailSink):
        async def handle_DATA(self, server, session, envelope):
            seen.append(await asyncio.to_thread(recorded))
            return await super().handle_DATA(server, session, envelope)

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    try:
        queue(5)
        assert services.deliver_due().sent == 5
    finally:
        controller.stop()
    assert seen == [0, 1, 2, 3, 4]


@pytest.mark.django_db
def test_claims_lapse_by_the_wall_clock_whatever_the_desks_clock(smtp):
    with clock.frozen(T0):
        queue()
    timeout = services.claim_timeout()
    claimed(timeout - dt.timedelta(seconds=5))
    with clock.frozen(T0 + dt.timedelta(days=30)):  # a replay a month on
        assert not services.any_due()
        assert services.deliver_due().sent == 0  # its sender may still be sending it
    claimed(timeout + dt.timedelta(seconds=1))
    with clock.frozen(T0):
        assert services.any_due()
        assert services.deliver_due().sent == 1
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_a_replay_that_dies_leaves_claims_stamped_in_real_time(settings):
    """``supervise --now`` a month ahead claims rows in real time: were it killed, the
    worker would take them over after the claim timeout, not a month later."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    (row,) = queue()
    ahead = clock.wall() + dt.timedelta(days=30)
    before = clock.wall()
    with clock.frozen(ahead):
        assert services.deliver_due().failed == 1
    row.refresh_from_db()
    assert before <= row.claimed_at <= clock.wall()
    assert row.status == NotificationStatus.PENDING
    assert row.next_attempt_at == ahead + dt.timedelta(minutes=1)  # the desk's time


@pytest.mark.django_db
def test_a_claim_stamped_ahead_by_an_old_replay_is_taken_over(smtp):
    queue()
    claimed(-dt.timedelta(days=30))  # stamped a month ahead, before claims were real time
    assert services.any_due()
    assert services.deliver_due().sent == 1


def test_a_sender_whose_claim_was_taken_over_does_not_send_the_row(
    transactional_db, settings, monkeypatch
):
    """A sender that stalled past its claim while another sender took a row over leaves
    that row to the other one (it checks, and renews its claim, well before it lapses)."""
    monkeypatch.setattr(services, "claim_timeout", lambda: dt.timedelta(seconds=0.6))
    first, second, third = queue(3)

    def take_over() -> None:
        try:
            Notification.objects.filter(pk=second.pk).update(
                claim_token="other", claimed_at=clock.wall()
            )
        finally:
            connection.close()

    class Sink(MailSink):
        async def handle_DATA(self, server, session, envelope):
            if not self.messages:  # the sender stalls here past its claim: taken over
                await asyncio.sleep(0.7)
                await asyncio.to_thread(take_over)
            return await super().handle_DATA(server, session, envelope)

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    try:
        assert services.deliver_due().sent == 2
    finally:
        controller.stop()
    assert [m["Message-ID"] for m in sink.messages] == [first.message_id, third.message_id]
    second.refresh_from_db()
    assert (second.status, second.claim_token) == (SENDING, "other")


SENDERS = 4


def test_concurrent_senders_send_each_message_exactly_once(transactional_db, smtp):
    queue(30)

    def sender():
        while services.deliver_due(limit=3).sent:
            pass

    _results, errors = race([sender] * SENDERS)
    assert errors == []
    sent = Counter(m["Message-ID"] for m in smtp.messages)
    assert set(sent) == set(Notification.objects.values_list("message_id", flat=True))
    assert set(sent.values()) == {1}
    assert set(Notification.objects.values_list("status", "attempts")) == {(SENT, 1)}


@pytest.mark.django_db
def test_the_migration_gives_each_waiting_message_its_message_id():
    migration = importlib.import_module("casedesk.notify.migrations.0003_message_id_at_queueing")
    waiting, sent = queue(2)
    Notification.objects.filter(pk=waiting.pk).update(message_id="")
    migration.fill_message_ids(apps, None)
    ids = dict(Notification.objects.values_list("pk", "message_id"))
    assert ids[sent.pk] == sent.message_id  # kept
    assert ids[waiting.pk].startswith("<") and ids[waiting.pk].endswith("@localhost>")
    assert ids[waiting.pk] != sent.message_id
