"""Chaos: the process delivering the mail outbox is killed with SIGKILL mid-delivery, three
times, and restarted; every message still arrives, at most one twice per kill, and a
message sent twice is the same message (the same ``Message-ID``, fixed when it was queued).

400 messages are queued through the outbox and sent to a real SMTP server (aiosmtpd, in
this process).  The first sender is ``casedesk supervise --now`` a month ahead (a replay),
the others ``casedesk worker``.  The server kills the sender at its 60th, 170th and 290th
message: twice while it holds the message unanswered (the sender dies not knowing it was
delivered: the one message a crash may send twice), once just after answering it.
Whatever a killed sender had claimed must be taken over once its claim lapses in real
time, also the claim of the replay, stamped while its clock read a month ahead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter, defaultdict
from email import message_from_bytes, policy

from django.db import transaction

from casedesk.core import clock
from casedesk.notify import services
from casedesk.notify.models import Notification, NotificationStatus
from tests.conftest import free_port

N = 400
KILLS = {60: "unanswered", 170: "answered", 290: "unanswered"}


class Sink:
    """The SMTP server's handler: keeps (recipient, Message-ID) and kills on cue."""

    def __init__(self, senders):
        self.senders = senders
        self.received: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.rcpt_tos[0], str(msg["Message-ID"])))
        cue = KILLS.get(len(self.received))
        if cue == "unanswered":
            self.senders.kill()
        elif cue == "answered":
            asyncio.get_running_loop().call_soon(self.senders.kill)
        return "250 OK"


def queue_mail() -> dict[str, str]:
    """N messages through the outbox, in one transaction; their addresses' Message-IDs."""
    with transaction.atomic():
        for i in range(N):
            services.queue_to_address(
                template="mail_reject",
                context={"subject": f"测试 {i}"},
                reason=f"chaos:{i}",
                to_email=f"user{i}@example.com",
                language="zh-hans" if i % 2 else "en",
            )
    return dict(Notification.objects.values_list("to_email", "message_id"))


def test_kill_9_while_delivering_mail_sends_each_message_once_but_one_per_kill(senders):
    from aiosmtpd.controller import Controller

    sink = Sink(senders)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        senders.env |= {
            "CASEDESK_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(controller.port),
        }
        queued = queue_mail()
        assert len(queued) == N
        # The Message-ID is the message's from the moment it is queued.
        assert all(mid.startswith("<") and mid.endswith(">") for mid in queued.values())
        assert len(set(queued.values())) == N

        replay = clock.iso_utc(clock.now() + dt.timedelta(days=30))
        senders.start("supervise", "--now", replay)
        sent = Notification.objects.filter(status=NotificationStatus.SENT)
        senders.wait_until(lambda: sent.count() == N, 90, "every message sent")
        senders.stop()
    finally:
        controller.stop()

    assert len(senders.killed) == len(KILLS)
    got: dict[str, list[str]] = defaultdict(list)
    for address, message_id in sink.received:
        got[address].append(message_id)
    # Every message arrived, and one sent twice is the same message.
    assert set(got) == set(queued)
    assert {a: set(ids) for a, ids in got.items()} == {a: {m} for a, m in queued.items()}
    # At most one message twice per kill, never a batch.
    twice = {a: n for a, n in Counter(a for a, _ in sink.received).items() if n > 1}
    assert len(sink.received) - N <= len(KILLS), twice
    assert max(twice.values(), default=1) <= 2, twice
    # The outbox agrees, and still holds the Message-IDs it was queued with.
    assert dict(Notification.objects.values_list("to_email", "message_id")) == queued
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
