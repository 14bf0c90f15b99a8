"""Helpers shared by the routing tests."""

from __future__ import annotations

from django.utils import translation

from casedesk.cases import services
from casedesk.routing.selectors import recommendations
from tests.factories import make_case


def ranked(case, *, everyone: bool = False, **kwargs) -> list[str]:
    """Usernames best first: engineers only, unless ``everyone`` (duty engineers too)."""
    return [
        r.engineer.username
        for r in recommendations(case, fetched_by=None, **kwargs)
        if everyone or r.engineer.role == "engineer"
    ]


def reasons(case, username: str) -> dict[str, str]:
    """``{code: text}`` of one engineer's reasons for ``case``, in English."""
    with translation.override("en"):
        found = recommendations(case, fetched_by=None, limit=50)
    for r in found:
        if r.engineer.username == username:
            return {x.code: x.text for x in r.reasons}
    raise AssertionError(f"{username} not recommended")


def give(engineer, by, *, priority: str = "P3", count: int = 1, **fields) -> None:
    """``count`` live CASEs of ``priority`` for ``engineer`` (assigned by ``by``)."""
    for _ in range(count):
        case = make_case(priority=priority, title="例行配置咨询", **fields)
        services.case_assign(case=case, engineer=engineer, by=by, override_reason="测试负载")


def solve(case, engineer, by, *, confirm: bool = True, close: bool = False) -> None:
    """Take ``case`` through assign → accept → resolve (→ confirm → close) to ``engineer``."""
    services.case_assign(case=case, engineer=engineer, by=by)
    services.case_accept(case=case, by=engineer)
    services.case_resolve(case=case, solution="已处理", by=engineer)
    if confirm or close:
        services.case_confirm(case=case, by=by, note="客户电话确认")
    if close:
        services.case_close(case=case, by=by)
