"""Each group bot receives its own message format, signed by its documented algorithm."""

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import quote_plus

from casedesk.cases import services as cases
from casedesk.core import clock
from casedesk.webhooks import services
from casedesk.webhooks.choices import WebhookFormat
from casedesk.webhooks.models import WebhookDelivery
from tests.factories import make_case, make_user

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def assign_p1(org, duty, title="核心交换机故障"):
    engineer = make_user("engineer", username="wang", tier="first_line")
    engineer.first_name = "王伟"
    engineer.save()
    with clock.frozen(T0):
        case = make_case(org=org, title=title, priority="P1")
        cases.case_assign(case=case, engineer=engineer, by=duty, override_reason="客户指定")
        services.deliver_due()
    return case


def test_wecom_gets_markdown_in_chinese_with_the_case_link(receiver, make_hook, org, duty):
    make_hook(
        receiver.url("/cgi-bin/webhook/send?key=k-123"), format=WebhookFormat.WECOM, secret=""
    )
    case = assign_p1(org, duty)
    opened, assigned = receiver.requests
    assert assigned.path == "/cgi-bin/webhook/send"
    assert assigned.query == {"key": "k-123"}
    body = assigned.json()
    assert list(body) == ["msgtype", "markdown"]
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith(f"**［{case.number}］ 分派给 王伟: 核心交换机故障**\n")
    for line in [
        f"> CASE: {case.number}",
        "> 标题: 核心交换机故障",
        "> 级别: P1 – 网络中断",
        "> 状态: 已分派",
        "> 事件: 已分派",
        "> 工程师: 王伟",
        "> 客户: 中国电信北京分公司",
        f"[打开 CASE](http://127.0.0.1:8000/cases/{case.number}/)",
    ]:
        assert line in content.splitlines(), (line, content)
    assert "工程师: 尚未分派" in opened.json()["markdown"]["content"]
    assert f"/cases/{case.number}/" in opened.json()["markdown"]["content"]  # not a placeholder


def test_dingtalk_markdown_signed_in_the_url(receiver, make_hook, org, duty):
    secret = "SEC0123456789abcdef"
    make_hook(
        receiver.url("/robot/send?access_token=tok"), format=WebhookFormat.DINGTALK, secret=secret
    )
    before = int(clock.wall().timestamp() * 1000)
    case = assign_p1(org, duty)
    after = int(clock.wall().timestamp() * 1000)
    request = receiver.requests[1]
    timestamp = request.query["timestamp"]
    assert before <= int(timestamp) <= after  # milliseconds, real time (DingTalk checks it)
    string_to_sign = f"{timestamp}\n{secret}".encode()
    expected = base64.b64encode(
        hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    ).decode()
    assert request.query["sign"] == expected  # parse_qs undid the URL encoding
    assert request.query["access_token"] == "tok"
    body = request.json()
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == f"［{case.number}］ 分派给 王伟: 核心交换机故障"
    assert body["markdown"]["text"].startswith(f"#### ［{case.number}］ 分派给 王伟")
    assert "- 级别: P1 – 网络中断" in body["markdown"]["text"]


def test_dingtalk_sign_is_url_encoded(receiver, make_hook, org, duty):
    """A signature with + / = must survive the query string: check the raw URL too."""
    from casedesk.webhooks import formats

    request = formats.build(
        format=WebhookFormat.DINGTALK,
        url="https://oapi.dingtalk.com/robot/send?access_token=t",
        secret="SECabc",
        payload={"event": {"kind": "test"}, "case": None},
        delivery_id=1,
        now=T0,
    )
    sign = formats.dingtalk_signature("SECabc", str(int(T0.timestamp() * 1000)))
    assert request.url.endswith(f"&sign={quote_plus(sign)}")


def test_feishu_card_signed_in_the_body(receiver, make_hook, org, duty):
    secret = "feishu-secret"
    make_hook(
        receiver.url("/open-apis/bot/v2/hook/abc-def"), format=WebhookFormat.FEISHU, secret=secret
    )
    receiver.script = [(200, {"code": 0, "msg": "success", "data": {}})] * 2
    before = int(clock.wall().timestamp())
    case = assign_p1(org, duty)
    after = int(clock.wall().timestamp())
    body = receiver.requests[1].json()
    assert before <= int(body["timestamp"]) <= after  # seconds, real time (Feishu checks it)
    key = f"{body['timestamp']}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"]["title"]["content"] == f"［{case.number}］ 分派给 王伟: 核心交换机故障"
    assert card["header"]["template"] == "red"  # P1
    assert "**工程师**: 王伟" in card["elements"][0]["text"]["content"]
    button = card["elements"][1]["actions"][0]
    assert button["url"] == f"http://127.0.0.1:8000/cases/{case.number}/"
    assert button["text"]["content"] == "打开 CASE"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_unsigned_bots_send_no_signature(receiver, make_hook, org, duty):
    make_hook(receiver.url("/open-apis/bot/v2/hook/x"), format=WebhookFormat.FEISHU, secret="")
    make_hook(receiver.url("/robot/send?access_token=t"), format=WebhookFormat.DINGTALK, secret="")
    assign_p1(org, duty)
    feishu = [r for r in receiver.requests if r.path.startswith("/open-apis")]
    dingtalk = [r for r in receiver.requests if r.path == "/robot/send"]
    assert "sign" not in feishu[0].json() and "timestamp" not in feishu[0].json()
    assert dingtalk[0].query == {"access_token": "t"}


def test_text_from_users_cannot_make_links_in_bot_messages(receiver, make_hook, org, duty):
    make_hook(receiver.url("/cgi-bin/webhook/send?key=k"), format=WebhookFormat.WECOM, secret="")
    assign_p1(org, duty, title="[点这里](http://evil.example) <font>**紧急**</font>")
    content = receiver.requests[0].json()["markdown"]["content"]
    assert "［点这里］(http://evil.example) ＜font＞＊＊紧急＊＊＜/font＞" in content
    assert "[点这里]" not in content


def test_the_desk_language_is_used_even_for_english_speaking_staff(
    receiver, make_hook, org, duty, settings
):
    settings.LANGUAGE_CODE = "en"
    make_hook(receiver.url("/cgi-bin/webhook/send?key=k"), format=WebhookFormat.WECOM, secret="")
    assign_p1(org, duty)
    content = receiver.requests[1].json()["markdown"]["content"]
    assert "> Priority: P1 – network down" in content
    assert "[Open the CASE](" in content


def test_a_bots_test_message_says_it_is_a_test(receiver, make_hook):
    hook = make_hook(
        receiver.url("/open-apis/bot/v2/hook/x"), format=WebhookFormat.FEISHU, secret="s"
    )
    receiver.script = [(200, {"code": 0, "msg": "success"})]
    with clock.frozen(T0):
        row = services.webhook_test(webhook=hook)
    assert (row.status, row.event_kind, row.case) == ("sent", "test", None)
    card = receiver.requests[0].json()["card"]
    assert card["header"]["title"]["content"] == "casedesk Webhook 测试"
    assert card["elements"][0]["text"]["content"] == "**事件**: 测试"
    assert len(card["elements"]) == 1  # no CASE, no link
