"""Demo data of surveys: closing the demo's CASEs mailed their callers survey links; about
two in three answer, mostly satisfied, a few not (a score of 2 or less opens a complaint).
The CS manager works those complaints as a desk does: the older ones acknowledged within
the working day, resolved within days and closed; the last few days' still on the list."""

from __future__ import annotations

import datetime as dt
import random
import re

from casedesk.complaints import services as complaints
from casedesk.core import clock
from casedesk.notify.models import Notification

from . import services
from .models import Survey

SCORES = (5,) * 14 + (4,) * 8 + (3,) * 3 + (2,)  # a low score is rare: about 1 in 26
COMMENTS = {
    5: ("响应很快，工程师很专业。", "一次解决，非常满意。", ""),
    4: ("处理得不错，就是回电稍慢。", ""),
    3: ("问题解决了，但是过程有点长。", ""),
    2: (
        "等了很久才有人联系，希望改进。",
        "约好 15 分钟回电，结果过了一个多小时才打过来。",
        "问题过两天又出现了，第一次没有找到根本原因。",
        "工程师对我们的设备型号不熟悉，来回折腾了半天。",
        "",
    ),
    1: (
        "反复沟通多次才解决，很不满意。",
        "业务中断了一上午，中间没有任何进展通知。",
    ),
}
# How the CS manager answered a low score, by what the caller said (the default last).
RESOLUTIONS = (
    ("回电", "已致电客户致歉；回电时限由值班工程师盯守，超时自动升级，已在周会通报。"),
    ("根本原因", "已安排高级工程师复查，确认为软件缺陷，升级至推荐版本后观察一周未复现。"),
    ("不熟悉", "已向客户致歉；该型号的排障手册已补充到知识库，并安排相关工程师培训。"),
    ("", "已电话回访客户，说明处理过程并致歉；负责工程师已沟通改进，客户表示理解。"),
)
WORKED_AFTER_DAYS = 3  # complaints filed longer ago than this have been worked
LINK = re.compile(r"/survey/([A-Za-z0-9_-]+)/")


def load(desk) -> None:
    """``desk``: the demo's desk (its ``now``, ``seed``)."""
    rng = random.Random(f"{desk.seed}:surveys")
    mailed = {
        key.split(":")[1]: body
        for key, body in Notification.objects.filter(dedupe_key__startswith="survey:")
        .order_by("pk")
        .values_list("dedupe_key", "body")
    }
    for survey in Survey.objects.filter(answered_at__isnull=True).order_by("sent_at", "pk"):
        found = LINK.search(mailed.get(str(survey.closing), ""))
        if found is None or rng.random() > 0.66:
            continue
        at = survey.sent_at + dt.timedelta(hours=rng.randint(1, 72))
        if at >= min(desk.now, survey.expires_at):
            continue
        score = rng.choice(SCORES)
        with clock.frozen(at):
            services.survey_answer(
                token=found.group(1), score=score, comment=rng.choice(COMMENTS[score])
            )
    _work_complaints(desk, rng)


def _work_complaints(desk, rng: random.Random) -> None:
    """The CS manager acknowledges, resolves and closes the low scores' older complaints."""
    csm, gm = desk.staff["csm"], desk.staff["gm"]
    for survey in (
        Survey.objects.filter(complaint__isnull=False, complaint__status="open")
        .select_related("complaint")
        .order_by("answered_at", "pk")
    ):
        complaint, filed = survey.complaint, survey.complaint.created_at
        if filed > desk.now - dt.timedelta(days=WORKED_AFTER_DAYS):
            continue  # still on the CS manager's list
        with clock.frozen(filed + dt.timedelta(hours=rng.randint(1, 6))):
            complaint = complaints.complaint_acknowledge(
                complaint=complaint, note="已电话联系客户，了解情况", by=csm
            )
        resolved_at = filed + dt.timedelta(days=rng.randint(1, 3), hours=2)
        if resolved_at >= desk.now:
            continue  # acknowledged, being worked
        resolution = next(text for word, text in RESOLUTIONS if word in survey.comment)
        with clock.frozen(resolved_at):
            complaint = complaints.complaint_resolve(
                complaint=complaint, resolution=resolution, by=csm
            )
        if resolved_at + dt.timedelta(days=1) < desk.now:
            with clock.frozen(resolved_at + dt.timedelta(days=1)):
                complaints.complaint_close(complaint=complaint, by=gm)


def summary() -> list[str]:
    answered = Survey.objects.filter(answered_at__isnull=False).count()
    return [f"{Survey.objects.count()} satisfaction surveys sent, {answered} answered"]
