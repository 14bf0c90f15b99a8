"""The API answers its refusals in English unless the client asks for another language."""

from __future__ import annotations

import pytest

from tests.cases.lifecycle import Cast, bring_to, make_cast
from tests.factories import ApiClient, database_snapshot


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def refused_close(cast: Cast, accept_language: str | None):
    """The duty engineer closes a resolved CASE the customer has not confirmed."""
    case = bring_to("resolved", cast)
    api = ApiClient(cast.duty)
    if accept_language is not None:
        api.headers["Accept-Language"] = accept_language
    before = database_snapshot()
    response = api.post(f"/cases/{case.number}/close")
    assert response.status_code == 409
    assert database_snapshot() == before
    return case, response


def test_a_refusal_is_english_without_an_accept_language_header(cast):
    case, response = refused_close(cast, None)
    assert response.json() == {
        "detail": f"{case.number} cannot be closed before the customer confirms."
    }
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("header", ["zh-hans", "zh-CN", "zh-CN,zh;q=0.9,en;q=0.8"])
def test_the_same_refusal_is_chinese_when_the_client_asks_for_chinese(cast, header):
    case, response = refused_close(cast, header)
    assert response.json() == {"detail": f"客户确认解决之前，不能关闭 {case.number}。"}
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("header", ["en-US,en;q=0.9", "fr", "*"])
def test_a_language_the_desk_does_not_speak_gets_english(cast, header):
    case, response = refused_close(cast, header)
    assert response.json()["detail"] == (
        f"{case.number} cannot be closed before the customer confirms."
    )


def test_an_integration_user_who_reads_chinese_still_gets_english_by_default(cast):
    """The token's user chose Chinese for the pages; the integration parsing the API did not."""
    cast.duty.language = "zh-hans"
    cast.duty.save(update_fields=["language"])
    case, response = refused_close(cast, None)
    assert response.json()["detail"].startswith(case.number + " cannot be closed")


def test_a_forbidden_action_names_the_action_in_the_clients_language(cast):
    closed = bring_to("closed", cast)
    api = ApiClient(cast.customer)
    body = {"reason": "还是不通"}
    english = api.post(f"/cases/{closed.number}/reopen", body)
    api.headers["Accept-Language"] = "zh-hans"
    chinese = api.post(f"/cases/{closed.number}/reopen", body)
    assert (english.status_code, chinese.status_code) == (403, 403)
    assert english.json()["detail"] == (
        f"You may not reopen {closed.number}; please contact the service desk."
    )
    assert (
        chinese.json()["detail"] == f"您无权对 {closed.number} 执行此操作：重新打开。请联系服务台。"
    )


def test_a_wrong_state_names_status_and_action_in_chinese(cast):
    case = bring_to("in_progress", cast)
    api = ApiClient(cast.owner)
    english = api.post(f"/cases/{case.number}/accept")
    api.headers["Accept-Language"] = "zh-hans"
    chinese = api.post(f"/cases/{case.number}/accept")
    assert (english.status_code, chinese.status_code) == (409, 409)
    assert english.json()["detail"] == f"{case.number} is in progress: cannot accept it now."
    assert chinese.json()["detail"] == (
        f"{case.number} 当前状态为“处理中”，现在不能执行此操作：接受。"
    )


def test_unknown_endpoints_and_cases_answer_in_the_asked_language(cast):
    api = ApiClient(cast.duty)
    assert api.get("/nowhere").json() == {"detail": "No such endpoint."}
    assert api.get("/cases/CASE-19990101-0001").json() == {"detail": "No CASE CASE-19990101-0001."}
    api.headers["Accept-Language"] = "zh-CN"
    assert api.get("/nowhere").json() == {"detail": "没有这个接口。"}
    assert api.get("/cases/CASE-19990101-0001").json() == {
        "detail": "没有 CASE CASE-19990101-0001。"
    }


def _open_badly(cast: Cast, accept_language: str | None, body: dict):
    api = ApiClient(cast.call_taker)
    if accept_language is not None:
        api.headers["Accept-Language"] = accept_language
    before = database_snapshot()
    response = api.post("/cases", body)
    assert response.status_code == 422
    assert database_snapshot() == before
    return response.json()["detail"]


def _bad_opening(cast: Cast) -> dict:
    """No title, a priority that does not exist, a contact id that is not a number."""
    return {"organization": cast.org.code, "contact": "x", "priority": "P9", "channel": "phone"}


def test_input_errors_are_english_by_default(cast):
    detail = _open_badly(cast, None, _bad_opening(cast))
    assert "contact: Input should be an integer" in detail
    assert "title: Field required" in detail
    assert "priority: Should be one of 'P1', 'P2', 'P3' or 'P4'" in detail


def test_input_errors_are_chinese_when_the_client_asks_for_chinese(cast):
    detail = _open_badly(cast, "zh-CN", _bad_opening(cast))
    assert "contact: 应为整数" in detail
    assert "title: 必填字段" in detail
    assert "priority: 应为以下之一：'P1', 'P2', 'P3' or 'P4'" in detail


def test_a_too_long_value_names_the_limit_in_the_clients_language(cast):
    body = {**_bad_opening(cast), "contact": cast.contact.pk, "priority": "P3"}
    body["title"] = "x" * 300
    body["serial_number"] = "y" * 200
    assert "serial_number: 最多 64 个字符" in _open_badly(cast, "zh-hans", body)
