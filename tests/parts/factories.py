"""The parts domain's test data, made through its services."""

from __future__ import annotations

from casedesk.accounts.models import User
from casedesk.parts import services
from casedesk.parts.models import Location, Part, StockMove
from tests.accounts.factories import make_user


def keeper() -> User:
    return User.objects.filter(role="cs_manager", is_active=True).first() or make_user("cs_manager")


def make_location(
    code: str = "WH-BJ", *, kind: str = "central", name: str = "", **near
) -> Location:
    """``near``: a van's ``keeper`` (a user), a depot's ``serves`` (organizations)."""
    return Location.objects.filter(code=code).first() or services.location_create(
        code=code, name=name or f"{code} 仓", kind=kind, by=keeper(), **near
    )


def make_part(
    part_number: str = "PSU-750W",
    *,
    description: str = "750W 电源模块",
    safety_stock: int = 0,
    serial_tracked: bool = False,
    vendor: str = "华为",
) -> Part:
    return services.part_create(
        part_number=part_number,
        description=description,
        safety_stock=safety_stock,
        serial_tracked=serial_tracked,
        vendor=vendor,
        by=keeper(),
    )


def receive(part: Part, location: Location, quantity: int, serials=(), **kw) -> StockMove:
    return services.stock_move(
        part=part,
        kind="receipt",
        quantity=quantity,
        to_location=location,
        serial_numbers=serials,
        by=keeper(),
        **kw,
    )
