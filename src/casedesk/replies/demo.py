"""Demo data of replies: the reply templates an administrator keeps (the CASEs' own
acknowledgements are queued as the demo opens them)."""

from __future__ import annotations

from casedesk.core import clock
from casedesk.core.services import object_save

from .models import ReplyTemplate

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


def summary() -> list[str]:
    return [f"{ReplyTemplate.objects.count()} reply templates"]
