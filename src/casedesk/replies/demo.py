"""Demo data of replies: the reply templates an administrator keeps, and a few CASEs in
progress whose engineer wrote to the caller from one of them (the CASEs' own
acknowledgements are queued as the demo opens them)."""

from __future__ import annotations

import datetime as dt

from casedesk.cases.choices import WorkLogKind
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core import clock
from casedesk.core.errors import DomainError
from casedesk.core.services import object_save

from . import services
from .models import ReplyTemplate

REPLIES = 3  # CASEs in progress whose engineer asks the caller for logs

TEMPLATES = (
    (
        "已收到，正在处理",
        "zh-hans",
        "{contact}，您好：\n\n我们已收到您的问题 {number}（{title}），工程师 {engineer}"
        " 正在处理，有进展会第一时间告诉您。",
    ),
    (
        "请提供日志",
        "zh-hans",
        "{contact}，您好：\n\n为进一步分析 {number}，请回复本邮件并附上设备的"
        " show tech-support 输出和最近的系统日志。",
    ),
    (
        "Please send logs",
        "en",
        "Dear {contact},\n\nTo look further into {number} ({title}), please reply to this"
        " e-mail with the device's show tech-support output and its recent logs.",
    ),
)


def load(desk) -> None:
    """``desk``: the demo's desk (its ``start`` and ``staff``)."""
    with clock.frozen(desk.start):
        for name, language, body in TEMPLATES:
            object_save(
                ReplyTemplate(name=name, language=language, body=body), by=desk.staff["admin"]
            )
    _replies(desk)


def summary() -> list[str]:
    replies = WorkLog.objects.filter(kind=WorkLogKind.REPLY).count()
    return [f"{ReplyTemplate.objects.count()} reply templates, {replies} replies to callers"]


def _replies(desk) -> None:
    asking = ReplyTemplate.objects.get(name="请提供日志")
    cases = (
        Case.objects.filter(status="in_progress", engineer__isnull=False)
        .exclude(caller_email="")
        .select_related("engineer", "organization")
        .order_by("number")
    )
    sent = 0
    for case in cases:
        if sent == REPLIES:
            break
        last = CaseEvent.objects.filter(case=case).order_by("-at").first()
        at = (last.at if last else case.created_at) + dt.timedelta(minutes=10)
        if at >= desk.now:
            continue
        with clock.frozen(at):
            try:
                services.case_reply(
                    case=case, body=services.template_text(asking, case), by=case.engineer
                )
            except DomainError:  # a caller the loop guard keeps mail from: not this one
                continue
        sent += 1
