"""Field service's test data, made through the services."""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools

from PIL import Image, ImageDraw

from casedesk.accounts.models import User
from casedesk.cases import services as cases
from casedesk.cases.models import Case
from casedesk.core import clock
from casedesk.field import services
from casedesk.field.models import Visit
from tests.accounts.factories import OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.contracts.factories import make_contract, make_equipment, make_product

_seq = itertools.count(1)


def signature_png(width: int = 300, height: int = 120) -> bytes:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 90), (80, 20), (150, 100), (290, 30)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_url(png: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(png or signature_png()).decode()


def entitled_case(*, onsite_hours: int | None = 4, by: User | None = None, **fields) -> Case:
    """An assigned CASE whose equipment is covered by a product promising ``onsite_hours``."""
    n = next(_seq)
    org = OrganizationFactory()
    product = make_product(code=f"FLD-{onsite_hours or 0}H", onsite_hours=onsite_hours)
    contract = make_contract(
        number=f"FLD-HT-{n}", organization=org, product=product,
        starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 12, 31),
    )  # fmt: skip
    box = make_equipment(serial_number=f"FLDSN{n:05d}", contract=contract)
    case = make_case(org=org, serial_number=box.serial_number, **fields)
    owner = make_user("engineer", tier="senior")
    duty = by or make_user("duty_engineer")
    return cases.case_assign(case=case, engineer=owner, by=duty)


def make_visit(
    *,
    case: Case | None = None,
    engineer: User | None = None,
    by: User | None = None,
    scheduled_at: dt.datetime | None = None,
    parts=("SFP-10G-SR",),
) -> Visit:
    case = case or entitled_case()
    by = by or make_user("duty_engineer")
    engineer = engineer or make_user("engineer")
    return services.visit_create(
        case=case,
        engineer=engineer,
        scheduled_at=scheduled_at or clock.now() + dt.timedelta(hours=2),
        parts=parts,
        tools="光功率计",
        by=by,
    )


def signed_visit(**kwargs) -> Visit:
    visit = make_visit(**kwargs)
    visit = services.visit_check_in(visit=visit, by=visit.engineer)
    services.visit_check_out(
        visit=visit,
        work_done="更换光模块，端口恢复正常",
        customer_name="李工",
        signature=data_url(),
        parts_used=["SFP-10G-SR"],
        by=visit.engineer,
    )
    visit.refresh_from_db()
    return visit
