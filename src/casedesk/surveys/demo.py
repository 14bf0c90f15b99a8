"""Demo data of surveys: closing the demo's CASEs mailed their callers survey links; about
two in three answer, mostly satisfied, a few not (a score of 2 or less opens a complaint)."""

from __future__ import annotations

import datetime as dt
import random
import re

from casedesk.core import clock
from casedesk.notify.models import Notification

from . import services
from .models import Survey

SCORES = (5,) * 14 + (4,) * 8 + (3,) * 3 + (2,)  # a low score is rare: about 1 in 26
COMMENTS = {
    5: ("响应很快，工程师很专业。", "一次解决，非常满意。", ""),
    4: ("处理得不错，就是回电稍慢。", ""),
    3: ("问题解决了，但是过程有点长。", ""),
    2: ("等了很久才有人联系，希望改进。",),
    1: ("反复沟通多次才解决，很不满意。",),
}
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


def summary() -> list[str]:
    answered = Survey.objects.filter(answered_at__isnull=False).count()
    return [f"{Survey.objects.count()} satisfaction surveys sent, {answered} answered"]
