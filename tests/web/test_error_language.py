"""A refused action on the CASE page reads in the user's own language, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.lifecycle import Cast, bring_to, make_cast
from tests.factories import database_snapshot
from tests.factories import page_text as text


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def post(user, case, action: str, data: dict | None = None, *, language: str):
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client.post(f"/cases/{case.number}/do/{action}/", data or {})


def test_a_chinese_duty_engineer_reads_why_a_case_cannot_be_closed_in_chinese(cast):
    case = bring_to("resolved", cast)  # the customer has not confirmed
    before = database_snapshot()
    response = post(cast.duty, case, "close", language="zh-hans")
    assert response.status_code == 409
    body = text(response)
    assert f"客户确认解决之前，不能关闭 {case.number}。" in body
    assert "cannot be closed" not in body
    assert database_snapshot() == before


def test_the_same_refusal_in_english_for_an_english_user(cast):
    case = bring_to("resolved", cast)
    response = post(cast.duty, case, "close", language="en")
    assert response.status_code == 409
    assert f"{case.number} cannot be closed before the customer confirms." in text(response)


def test_a_forbidden_action_names_the_action_in_chinese(cast):
    case = bring_to("in_progress", cast)
    before = database_snapshot()
    response = post(cast.first_line, case, "resolve", {"solution": "重启"}, language="zh-hans")
    assert response.status_code == 403
    assert f"您无权对 {case.number} 执行此操作：解决。" in text(response)
    assert database_snapshot() == before


def test_an_action_the_state_does_not_allow_names_state_and_action_in_chinese(cast):
    case = bring_to("pending", cast)
    before = database_snapshot()
    response = post(cast.owner, case, "pend", {"reason": "vendor"}, language="zh-hans")
    assert response.status_code == 409
    assert f"{case.number} 当前状态为“挂起”，现在不能执行此操作：挂起。" in text(response)
    assert database_snapshot() == before


def test_a_conflict_with_the_case_names_it_in_chinese(cast):
    case = bring_to("in_progress", cast, priority="P2")
    before = database_snapshot()
    response = post(cast.owner, case, "set_priority", {"priority": "P2"}, language="zh-hans")
    assert response.status_code == 409
    assert f"{case.number} 已经是 P2 级别。" in text(response)
    assert database_snapshot() == before
