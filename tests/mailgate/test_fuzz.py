"""Mutated messages: every one is stored and then processed, ignored or quarantined;
never an exception, never lost."""

import re
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.mailgate import services
from casedesk.mailgate.models import InboundMessage

from .conftest import CORPUS

SEEDS = sorted(p.read_bytes() for p in CORPUS.glob("*.eml"))
FRESH = count()
DONE = {"processed", "quarantined", "ignored", "rejected"}


@st.composite
def mutated(draw):
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate", "header"]))
        if kind == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[at : at + draw(st.integers(1, 200))]
        elif kind == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=60))
        elif kind == "repeat":
            raw[at:at] = raw[at : at + draw(st.integers(1, 400))] * draw(st.integers(1, 5))
        elif kind == "truncate":
            del raw[at:]
        else:  # a hostile header line at the top
            raw[0:0] = draw(
                st.sampled_from(
                    [
                        b"Content-Type: multipart/mixed; boundary=\r\n",
                        b"Subject: =?gb2312?B?!!!?= =?x-unknown?Q?=FF=FE?=\r\n",
                        b"From: <>\r\n",
                        b'From: "\\" <@>,,,;;\r\n',
                        b"Message-ID: <<<>>>\r\n",
                        b"Content-Transfer-Encoding: base64\r\n",
                        b'Content-Type: text/plain; charset="no-such-charset"\r\n',
                        b"References: " + b"<a@b> " * 500 + b"\r\n",
                    ]
                )
            )
    return bytes(raw)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mutated(), fresh=st.integers(0, 3))
def test_a_mutated_message_is_stored_and_settled_never_lost(customers, raw, fresh):
    if fresh:  # mostly a new Message-ID, so that the mutant is processed, not deduplicated
        raw = re.sub(rb"(?im)^message-id: *<", b"Message-ID: <f%d." % next(FRESH), raw, count=1)
    before = set(InboundMessage.objects.values_list("message_id", flat=True))
    message = services.ingest_bytes(raw)  # must not raise
    message.refresh_from_db()
    assert message.status in DONE, (message.status, message.reason)
    if message.message_id not in before:
        assert services.raw_bytes(message) == raw  # this message, byte for byte
    assert InboundMessage.objects.filter(message_id=message.message_id).count() == 1
