"""The event bus: publishers never name subscribers; phases keep the transaction honest."""

import dataclasses

import pytest
from django.db import transaction

from casedesk.core import events

pytestmark = pytest.mark.django_db(transaction=True)


@dataclasses.dataclass(frozen=True)
class Happened(events.Event):
    what: str


@dataclasses.dataclass(frozen=True)
class HappenedLoudly(Happened):
    pass


@pytest.fixture
def heard():
    log: list[tuple[str, str]] = []

    def inside(event):
        log.append(("inside", event.what))

    def first(event):
        log.append(("first", event.what))

    def after(event):
        log.append(("after", event.what))

    def broken(event):
        raise RuntimeError("receiver down")

    events.subscribe(Happened)(inside)
    events.subscribe(Happened, order=10)(first)
    events.subscribe(Happened, phase=events.Phase.AFTER_COMMIT)(broken)
    events.subscribe(Happened, phase=events.Phase.AFTER_COMMIT)(after)
    yield log
    for handler in (inside, first, after, broken):
        events.unsubscribe(Happened, handler)


def test_in_transaction_subscribers_run_in_order_and_after_commit_ones_at_commit(heard):
    with transaction.atomic():
        events.publish(Happened("x"))
        assert heard == [("first", "x"), ("inside", "x")]
    # The broken receiver is logged, and the next one still hears the event.
    assert heard == [("first", "x"), ("inside", "x"), ("after", "x")]


def test_a_rolled_back_publication_reaches_no_after_commit_subscriber(heard):
    with pytest.raises(ValueError), transaction.atomic():
        events.publish(Happened("y"))
        raise ValueError
    assert ("after", "y") not in heard


def test_subclasses_reach_the_base_class_subscribers(heard):
    with transaction.atomic():
        events.publish(HappenedLoudly("z"))
    assert ("inside", "z") in heard and ("after", "z") in heard


def test_subscribing_twice_keeps_one_subscription(heard):
    before = len(events.subscribers(Happened))

    def inside(event):  # the same qualified name as the fixture's: a re-import
        pass

    inside.__qualname__ = "heard.<locals>.inside"
    events.subscribe(Happened)(inside)
    assert len(events.subscribers(Happened)) == before
