"""Demo data of field service: on-site visits of CASEs still being worked — one scheduled for
later today, one engineer on site now, and one done with its service form signed by the
customer (its PDF attached to the CASE) — made through the services at the moments they
happened, after the CASEs are played."""

from __future__ import annotations

import base64
import datetime as dt
import io
import random

from PIL import Image, ImageDraw

from casedesk.cases.models import Case
from casedesk.core import clock

from . import services
from .models import Visit

WORK = {
    "zh": "更换故障板卡，检查光模块与线缆，端口恢复正常；与客户共同验证业务通过。",
    "en": "Replaced the failed line card, checked optics and cabling; ports back up and "
    "service verified with the customer.",
}
PARTS = ("SFP-10G-SR", "PWR-C1-715WAC", "NIM-2T")
TOOLS = "光功率计、笔记本电脑、console 线"


def signature(rng: random.Random) -> str:
    """A hand-drawn-looking stroke as the visit page's canvas sends it (a PNG data URL)."""
    image = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    points = [(30 + i * 40, 80 + rng.randint(-50, 50)) for i in range(11)]
    pen.line(points, fill=(20, 30, 60, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def load(desk) -> None:
    """Three visits on the oldest CASEs still in progress with an engineer."""
    rng = random.Random(f"{desk.seed}:field")
    now = desk.now
    live = list(
        Case.objects.filter(
            status__in=("in_progress", "pending"),
            engineer__isnull=False,
            created_at__lt=now - dt.timedelta(days=1),
        )
        .select_related("engineer", "organization")
        .order_by("created_at", "pk")[:3]
    )
    for n, case in enumerate(live):
        engineer = case.engineer
        if n == 0:  # scheduled for later today
            with clock.frozen(now - dt.timedelta(minutes=40)):
                services.visit_create(
                    case=case,
                    engineer=engineer,
                    scheduled_at=now + dt.timedelta(hours=3),
                    parts=PARTS[:1],
                    tools=TOOLS,
                    by=engineer,
                )
            continue
        start = now - dt.timedelta(hours=5 if n == 1 else 26)
        with clock.frozen(start):
            visit = services.visit_create(
                case=case,
                engineer=engineer,
                scheduled_at=start + dt.timedelta(hours=2),
                parts=PARTS[: 1 + n],
                tools=TOOLS,
                by=engineer,
            )
        arrived = start + dt.timedelta(hours=1, minutes=50)
        with clock.frozen(arrived):
            services.visit_check_in(visit=visit, by=engineer)
        if n == 1:
            continue  # on site now
        with clock.frozen(arrived + dt.timedelta(hours=1, minutes=35)):
            services.visit_check_out(
                visit=visit,
                work_done=WORK["zh"],
                customer_name=case.contact.name,
                signature=signature(rng),
                parts_used=PARTS[: 1 + n],
                by=engineer,
            )


def summary() -> list[str]:
    done = Visit.objects.filter(status="done").count()
    return [f"{Visit.objects.count()} on-site visits ({done} signed)"]
