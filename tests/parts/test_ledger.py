"""The stock ledger: on hand is the sum of the moves, never negative; a refused move changes
nothing; the balances the reads use equal the ledger's sum; serial numbers keep to their
pieces; concurrent moves of the last piece: one wins."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.core.errors import Conflict, DomainError, InvalidInput
from casedesk.core.models import AuditRecord
from casedesk.parts import selectors, services
from casedesk.parts.models import Part, PartUnit, StockMove
from tests.parts.factories import keeper, make_location, make_part, receive
from tests.racing import race

CODES = ("WH", "DP", "VAN", "QT")
KINDS = ("receipt", "transfer", "loss", "correction", "shipment")
move_strategy = st.tuples(
    st.sampled_from(KINDS),
    st.sampled_from(CODES),
    st.sampled_from(CODES),
    st.integers(min_value=-2, max_value=6),
    st.sampled_from(("good", "defective")),
)


def _ledger_sum(part: Part) -> dict[tuple[str, str], int]:
    totals: dict[tuple[str, str], int] = {}
    for m in StockMove.objects.filter(part=part).select_related("from_location", "to_location"):
        if m.to_location:
            key = (m.to_location.code, m.to_condition)
            totals[key] = totals.get(key, 0) + m.quantity
        if m.from_location:
            key = (m.from_location.code, m.from_condition)
            totals[key] = totals.get(key, 0) - m.quantity
    return {k: v for k, v in totals.items() if v}


def _reported(part: Part, reader) -> dict[tuple[str, str], int]:
    out = {}
    for row in selectors.on_hand(part=part, fetched_by=reader):
        for condition, n in (("good", row.good), ("defective", row.defective)):
            if n:
                out[(row.location.code, condition)] = n
    return out


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=st.lists(move_strategy, max_size=25))
def test_on_hand_is_the_sum_of_the_moves_and_never_negative(moves):
    with transaction.atomic():
        by = keeper()
        locations = {
            c: make_location(c, kind=k)
            for c, k in zip(CODES, ("central", "depot", "van", "quarantine"), strict=True)
        }
        part = make_part("PROP-1")
        for kind, src, dst, quantity, condition in moves:
            sides = {
                "receipt": {"to_location": locations[dst]},
                "transfer": {"from_location": locations[src], "to_location": locations[dst]},
                "loss": {"from_location": locations[src]},
                "correction": {"from_location": locations[src]},
                "shipment": {"from_location": locations[src]},
            }[kind]
            before = (_ledger_sum(part), AuditRecord.objects.count())
            try:
                services.stock_move(
                    part=part, kind=kind, quantity=quantity, condition=condition, by=by, **sides
                )
            except DomainError:
                assert (_ledger_sum(part), AuditRecord.objects.count()) == before
            totals = _ledger_sum(part)
            assert all(n > 0 for n in totals.values())
            assert _reported(part, by) == totals
            # the balances the reads use are the ledger's sum, kept move by move
            assert selectors.balance_totals(part=part) == selectors.ledger_totals(part=part)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_serial_numbers_keep_to_their_pieces_through_every_move():
    part = make_part("DISK-1T", serial_tracked=True)
    central, van = make_location("WH"), make_location("VAN-1", kind="van")
    quarantine, vendor = make_location("QT", kind="quarantine"), make_location("VD", kind="vendor")
    receive(part, central, 2, serials=["SN-A", "SN-B"])
    with pytest.raises(Conflict):  # the same serial received twice
        receive(part, central, 1, serials=["SN-A"])
    with pytest.raises(InvalidInput):  # one serial per piece
        receive(part, central, 2, serials=["SN-C"])
    by = keeper()
    services.stock_move(
        part=part,
        kind="transfer",
        quantity=1,
        from_location=central,
        to_location=van,
        serial_numbers=["SN-A"],
        by=by,
    )
    with pytest.raises(Conflict):  # SN-A is on the van now, not in the warehouse
        services.stock_move(
            part=part,
            kind="transfer",
            quantity=1,
            from_location=central,
            to_location=van,
            serial_numbers=["SN-A"],
            by=by,
        )
    services.stock_move(
        part=part,
        kind="defective_return",
        quantity=1,
        to_location=quarantine,
        serial_numbers=["SN-X"],
        by=by,
    )
    services.stock_move(
        part=part,
        kind="to_repair",
        quantity=1,
        from_location=quarantine,
        to_location=vendor,
        serial_numbers=["SN-X"],
        by=by,
    )
    services.stock_move(
        part=part,
        kind="from_repair",
        quantity=1,
        from_location=vendor,
        to_location=central,
        serial_numbers=["SN-X"],
        by=by,
    )
    units = {u.serial_number: (u.location.code, u.condition) for u in PartUnit.objects.all()}
    assert units == {"SN-A": ("VAN-1", "good"), "SN-B": ("WH", "good"), "SN-X": ("WH", "good")}
    assert [m.serial_numbers for m in StockMove.objects.order_by("pk")] == [
        ["SN-A", "SN-B"],
        ["SN-A"],
        ["SN-X"],
        ["SN-X"],
        ["SN-X"],
    ]
    assert _reported(part, by) == {("VAN-1", "good"): 1, ("WH", "good"): 2}


@pytest.mark.django_db
def test_each_move_is_audited_with_who_why_and_what():
    part, central = make_part(), make_location()
    move = receive(part, central, 3, reason="采购单 PO-17")
    record = AuditRecord.objects.get(action="stock.move")
    assert record.actor == keeper().username and record.object_id == str(move.pk)
    after = record.changes["after"]
    assert after["quantity"] == 3 and after["to"] == "WH-BJ" and after["kind"] == "receipt"
    assert record.reason == "采购单 PO-17"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_moves_of_the_last_piece_one_wins():
    part, central = make_part("LAST-1"), make_location()
    vans = [make_location(f"VAN-{i}", kind="van") for i in (1, 2)]
    receive(part, central, 1)
    by = keeper()

    def take(van):
        return lambda: services.stock_move(
            part=part, kind="transfer", quantity=1, from_location=central, to_location=van, by=by
        )

    results, errors = race([take(v) for v in vans], hold=StockMove)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert selectors.balance(part=part, location=central, condition="good") == 0
    assert StockMove.objects.filter(kind="transfer").count() == 1
