"""Test data of ``replies``: reply templates as the admin keeps them."""

from __future__ import annotations

from casedesk.core.services import object_save
from casedesk.replies.models import ReplyTemplate


def make_template(*, name: str = "收到", language: str = "zh-hans", body: str = "", by=None):
    template = ReplyTemplate(
        name=name,
        language=language,
        body=body
        or "您好，{contact}：我们已收到 {number}（{title}），工程师 {engineer} 正在处理。",
    )
    object_save(template, by=by)
    return template
