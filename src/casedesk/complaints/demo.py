"""Demo data of complaints: a few, about closed CASEs of the demo, filed by phone and in the
portal, at each step — one of them never acknowledged, overdue on the complaints list (the
survey step adds those its low scores open)."""

from __future__ import annotations

import datetime as dt
import random

from casedesk.cases.choices import Status
from casedesk.cases.models import Case
from casedesk.core import clock

from . import services
from .models import Complaint

# (days before now it was filed, source, how far it went, what the customer said)
COMPLAINTS = (
    (40, "phone", "closed", "工程师两次约好上门都迟到了一个多小时，影响了我们的割接窗口。"),
    (12, "portal", "resolved", "问题解决了，但是中间三天没有人联系我们，只能自己一遍遍打电话催。"),
    (6, "phone", "acknowledged", "远程处理时工程师态度不好，说是我们自己配置错了。"),
    (3, "portal", "open", "备件说好第二天到，结果等了一周，业务中断期间没有任何说明。"),
)
RESOLUTIONS = {
    "closed": "已向客户当面致歉；上门预约改为提前一天电话确认，迟到由服务经理跟进。",
    "resolved": "已与客户沟通：P3 以上 CASE 每日更新进展，已提醒负责工程师。",
}


def load(desk) -> None:
    """``desk``: the demo's desk (its ``now``, ``staff``, ``seed``)."""
    rng = random.Random(f"{desk.seed}:complaints")
    closed = list(
        Case.objects.filter(status=Status.CLOSED)
        .select_related("organization", "engineer", "contact__user")
        .order_by("number")
    )
    if not closed:
        return
    taker, csm, gm = desk.staff["taker"], desk.staff["csm"], desk.staff["gm"]
    for days, source, step, text in COMPLAINTS:
        at = desk.now - dt.timedelta(days=days)
        earlier = [c for c in closed if c.closed_at and c.closed_at < at] or closed
        case = rng.choice(earlier)
        login = getattr(case.contact, "user", None) if case.contact_id else None
        by = login if source == "portal" and login is not None else taker
        with clock.frozen(at):
            complaint = services.complaint_file(
                organization=case.organization,
                description=text,
                source=source,
                cases=[case],
                by=by,
            )
        if step in ("acknowledged", "resolved", "closed"):
            with clock.frozen(at + dt.timedelta(hours=3)):
                complaint = services.complaint_acknowledge(
                    complaint=complaint, note="已电话联系客户", by=csm
                )
        if step in ("resolved", "closed"):
            with clock.frozen(at + dt.timedelta(days=2)):
                complaint = services.complaint_resolve(
                    complaint=complaint, resolution=RESOLUTIONS[step], by=csm
                )
        if step == "closed":
            with clock.frozen(at + dt.timedelta(days=3)):
                services.complaint_close(complaint=complaint, by=gm)


def summary() -> list[str]:
    return [f"{Complaint.objects.count()} complaints"]
