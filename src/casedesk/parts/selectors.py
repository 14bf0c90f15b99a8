"""Reads of locations, parts and stock, for a reader.

Stock on hand is the ledger's sum per location and condition: the moves in less the moves
out.  Summed from the ledger (``ledger_totals``: two index-only scans of ``parts_move_in`` /
``parts_move_out``) a part with tens of thousands of moves takes longer than the 10 ms a
read may (bench/parts_bench.py), so every move keeps the sum in ``StockBalance`` in its own
transaction, and the reads below read that; the tests hold the two equal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import NotFound
from casedesk.sla.models import Deadline

from .choices import NOT_OURS, Condition, LocationKind, RmaStatus
from .models import Location, Part, Rma, StockBalance, StockMove


@dataclass(frozen=True)
class OnHand:
    location: Location
    good: int
    defective: int


def _sums(moves: QuerySet) -> dict[tuple[int, int, str], int]:
    """(part id, location id, condition) → quantity on hand, for the given moves."""
    totals: dict[tuple[int, int, str], int] = defaultdict(int)
    for part, location, condition, total in (
        moves.filter(to_location__isnull=False)
        .values_list("part_id", "to_location_id", "to_condition")
        .annotate(total=Sum("quantity"))
        .order_by()
    ):
        totals[(part, location, condition)] += total
    for part, location, condition, total in (
        moves.filter(from_location__isnull=False)
        .values_list("part_id", "from_location_id", "from_condition")
        .annotate(total=Sum("quantity"))
        .order_by()
    ):
        totals[(part, location, condition)] -= total
    return totals


def ledger_totals(*, part: Part) -> dict[tuple[int, str], int]:
    """(location id, condition) → on hand, summed from the ledger itself (the check of the
    balances, and what they are rebuilt from)."""
    totals = _sums(StockMove.objects.filter(part=part))
    return {(loc, cond): n for (_part, loc, cond), n in totals.items() if n}


def balance_totals(*, part: Part) -> dict[tuple[int, str], int]:
    """The same, as the balances keep it."""
    rows = StockBalance.objects.filter(part=part, quantity__gt=0)
    return {(b.location_id, b.condition): b.quantity for b in rows}


def balance(*, part: Part, location: Location, condition: str) -> int:
    """On hand of ``part`` at ``location`` in ``condition`` (the system's read, for a move)."""
    row = StockBalance.objects.filter(part=part, location=location, condition=condition).first()
    return row.quantity if row is not None else 0


def good_stock(*, part: Part) -> int:
    """Good pieces of ``part`` the desk holds: every location but vendors, customers and
    quarantine (what safety stock counts)."""
    held = StockBalance.objects.filter(part=part, condition=Condition.GOOD).exclude(
        location__kind__in=NOT_OURS
    )
    return held.aggregate(n=Sum("quantity"))["n"] or 0


def _balances(balances: QuerySet) -> dict[tuple[int, int, str], int]:
    return {
        (b.part_id, b.location_id, b.condition): b.quantity for b in balances.filter(quantity__gt=0)
    }


def _rows(totals: dict[tuple[int, int, str], int], locations: dict[int, Location]) -> dict:
    by_part: dict[int, dict[int, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: {Condition.GOOD: 0, Condition.DEFECTIVE: 0})
    )
    for (part, location, condition), n in totals.items():
        if n:
            by_part[part][location][condition] = n
    return {
        part: sorted(
            (
                OnHand(locations[loc], c[Condition.GOOD], c[Condition.DEFECTIVE])
                for loc, c in held.items()
            ),
            key=lambda row: row.location.code,
        )
        for part, held in by_part.items()
    }


def on_hand(*, part: Part, fetched_by, location: Location | None = None) -> list[OnHand]:
    """Where ``part`` is, good and defective, per location (only locations holding it)."""
    balances = policy.visible(fetched_by, StockBalance).filter(part=part)
    if location is not None:
        balances = balances.filter(location=location)
    totals = _balances(balances)
    locations = Location.objects.in_bulk({k[1] for k in totals})
    return _rows(totals, locations).get(part.pk, [])


@dataclass(frozen=True)
class PartStock:
    part: Part
    rows: list[OnHand]
    good: int  # the desk's own good stock (what safety stock counts)

    @property
    def below_safety(self) -> bool:
        return self.good < self.part.safety_stock

    @property
    def short_by(self) -> int:
        return max(self.part.safety_stock - self.good, 0)


def stock_overview(*, fetched_by) -> list[PartStock]:
    """Every part with its stock per location (three queries whatever the number of parts)."""
    parts = list(policy.visible(fetched_by, Part).order_by("part_number"))
    totals = _balances(policy.visible(fetched_by, StockBalance))
    locations = Location.objects.in_bulk({k[1] for k in totals})
    rows = _rows(totals, locations)
    overview = []
    for part in parts:
        held = rows.get(part.pk, [])
        good = sum(r.good for r in held if r.location.kind not in NOT_OURS)
        overview.append(PartStock(part, held, good))
    return overview


def reorder_list(*, fetched_by) -> list[PartStock]:
    """The parts whose good stock is below their safety stock."""
    return [p for p in stock_overview(fetched_by=fetched_by) if p.below_safety]


def part_get(*, part_number: str, fetched_by) -> Part:
    part = policy.visible(fetched_by, Part).filter(part_number=part_number.strip()).first()
    if part is None:
        raise NotFound(_("No such part."))
    return part


def location_get(*, code: str, fetched_by) -> Location:
    location = policy.visible(fetched_by, Location).filter(code=code.strip()).first()
    if location is None:
        raise NotFound(_("No such stock location."))
    return location


def location_list(*, fetched_by) -> list[Location]:
    return list(policy.visible(fetched_by, Location).order_by("code"))


def part_moves(*, part: Part, fetched_by) -> QuerySet[StockMove]:
    """A part's ledger, newest first."""
    return (
        policy.visible(fetched_by, StockMove)
        .filter(part=part)
        .select_related("from_location", "to_location", "by", "case")
        .order_by("-at", "-pk")
    )


# --- Where a CASE's replacement comes from ---------------------------------------------------

# The locations a replacement may ship from: the desk's own.
SOURCES = (LocationKind.VAN, LocationKind.DEPOT, LocationKind.CENTRAL)


def _nearness(location: Location, case: Case, serving: set[int]) -> int:
    """0 the CASE's engineer's van, 1 a depot serving its customer, 2 a central warehouse,
    3 any other depot or van."""
    if (
        location.kind == LocationKind.VAN
        and case.engineer_id
        and location.keeper_id == case.engineer_id
    ):
        return 0
    if location.kind == LocationKind.DEPOT and location.pk in serving:
        return 1
    if location.kind == LocationKind.CENTRAL:
        return 2
    return 3


def _serving(case: Case) -> set[int]:
    return set(
        Location.serves.through.objects.filter(organization_id=case.organization_id).values_list(
            "location_id", flat=True
        )
    )


def sourcing_order(*, part: Part, case: Case) -> list[tuple[Location, int]]:
    """The desk's locations holding good stock of ``part``, nearest to ``case`` first (its
    engineer's van, the depots serving its customer, the central warehouse(s), any other
    depot or van), ties by most stock then code: (location, good on hand).  The system's
    read for ``services.rma_request`` (the caller has checked the reader may request)."""
    held = StockBalance.objects.filter(
        part=part, condition=Condition.GOOD, quantity__gt=0, location__kind__in=SOURCES
    ).select_related("location")
    serving = _serving(case)
    rows = [(b.location, b.quantity) for b in held]
    rows.sort(key=lambda row: (_nearness(row[0], case, serving), -row[1], row[0].code))
    return rows


def backorder_location(*, case: Case) -> Location | None:
    """Where a replacement nobody holds waits: the first depot serving the CASE's customer,
    else the first central warehouse."""
    serving = _serving(case)
    depot = (
        Location.objects.filter(pk__in=serving, kind=LocationKind.DEPOT).order_by("code").first()
    )
    return depot or Location.objects.filter(kind=LocationKind.CENTRAL).order_by("code").first()


# --- RMAs -------------------------------------------------------------------------------------


def case_get(*, number: str, fetched_by) -> Case:
    """The CASE an RMA is for, if the reader may see it."""
    case = policy.visible(fetched_by, Case).filter(number=number.strip().upper()).first()
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    return case


def rma_get(*, number: str, fetched_by) -> Rma:
    rma = (
        policy.visible(fetched_by, Rma)
        .select_related("case", "part", "from_location", "held_at")
        .filter(number=number.strip().upper())
        .first()
    )
    if rma is None:
        raise NotFound(_("No such RMA."))
    return rma


def case_rmas(*, case: Case, fetched_by) -> list[Rma]:
    """A CASE's RMAs, oldest first, each with its deadlines (``rma.deadlines``), in two
    queries: the desk's staff read every one; a customer who may see the CASE reads them
    too (the portal shows them without locations or costs); anyone else none."""
    if fetched_by is not None and not fetched_by.is_customer:
        rmas = policy.visible(fetched_by, Rma)
    elif policy.visible(fetched_by, Case).filter(pk=case.pk).exists():
        rmas = Rma.objects.all()
    else:
        return []
    found = list(
        rmas.filter(case=case)
        .select_related("part", "from_location", "held_at")
        .order_by("created_at", "pk")
    )
    if not found:
        return found
    deadlines: dict[str, list[Deadline]] = defaultdict(list)
    for d in Deadline.objects.filter(case_id=case.pk, key__startswith="rma:").order_by(
        "anchor_at", "pk"
    ):
        deadlines[d.key.split(":")[1]].append(d)
    for rma in found:
        rma.deadlines = deadlines.get(rma.number, [])
    return found


def backordered(*, part: Part) -> QuerySet[Rma]:
    """The RMAs waiting for ``part``, oldest first (the system's read, to fill them)."""
    return Rma.objects.filter(part=part, status=RmaStatus.BACKORDERED).order_by("created_at", "pk")


def rma_deadlines(rma: Rma) -> list[Deadline]:
    """The promises the RMA made on its CASE (defective part back, repair back)."""
    return list(
        Deadline.objects.filter(case_id=rma.case_id, key__startswith=f"rma:{rma.number}:").order_by(
            "anchor_at", "pk"
        )
    )
