"""An administrator registers webhooks in the admin: clear errors, masked secrets, a test
button that really posts, and the delivery log with "retry now"."""

import datetime as dt

import pytest
from django.urls import reverse

from casedesk.core import clock
from casedesk.webhooks.choices import DeliveryStatus, WebhookFormat
from casedesk.webhooks.models import Webhook, WebhookDelivery
from tests.factories import make_case, make_user

ADD = reverse("admin:webhooks_webhook_add")
LIST = reverse("admin:webhooks_webhook_changelist")


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("admin", username="root"))
    return client


def form(**fields):
    data = {"name": "运维群", "format": "generic", "url": "https://hooks.example.cn/casedesk"}
    data.update({"active": "on", **fields})
    return data


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": "ftp://files.example.cn/x"}, "url", "http:// 或 https://"),
        ({"url": "javascript:alert(1)"}, "url", "http:// 或 https://"),
        ({"url": "https://"}, "url", "主机"),
        ({"url": "https://bot:pw@chat.example.cn/x"}, "url", "用户名"),
        ({"url": "http://[::1/x"}, "url", "有效"),
        (
            {"format": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},
            "url",
            "key=",
        ),
        (
            {"format": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send"},
            "url",
            "access_token=",
        ),
        ({"format": "feishu", "url": "https://open.feishu.cn/x"}, "url", "/bot/v2/hook/"),
        (
            {"format": "wecom", "url": "https://q.example/send?key=k", "secret": "x"},
            "secret",
            "企业微信",
        ),
        ({"event_kinds": ["no_such_event"]}, "event_kinds", "no_such_event"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(admin_client, fields, field, message):
    response = admin_client.post(ADD, form(**fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert not Webhook.objects.exists()


def test_a_generic_secret_is_generated_shown_once_then_masked(admin_client):
    response = admin_client.post(ADD, form(event_kinds=["opened", "closed"]), follow=True)
    hook = Webhook.objects.get()
    assert len(hook.secret) >= 40
    assert hook.event_kinds == ["opened", "closed"]
    assert hook.secret in response.content.decode()  # the one time it is shown
    change = reverse("admin:webhooks_webhook_change", args=[hook.pk])
    page = admin_client.get(change).content.decode()
    assert hook.secret not in page
    assert "••••••••" + hook.secret[-4:] in page
    # Saving without typing a secret keeps it; typing one replaces it.
    admin_client.post(change, form(name="新名字"))
    hook.refresh_from_db()
    assert (hook.name, len(hook.secret)) == ("新名字", len(hook.secret))
    old = hook.secret
    admin_client.post(change, form(secret="my-own-secret"))
    hook.refresh_from_db()
    assert hook.secret == "my-own-secret" != old


def test_a_bot_secret_can_be_removed(admin_client):
    url = "https://oapi.dingtalk.com/robot/send?access_token=t"
    admin_client.post(ADD, form(format="dingtalk", url=url, secret="SECx"))
    hook = Webhook.objects.get()
    assert hook.secret == "SECx"
    change = reverse("admin:webhooks_webhook_change", args=[hook.pk])
    admin_client.post(change, form(format="dingtalk", url=url, clear_secret="on"))
    hook.refresh_from_db()
    assert hook.secret == ""


def test_send_test_posts_now_and_reports(admin_client, receiver):
    good = Webhook.objects.create(name="好", url=receiver.url(), secret="k")
    bad = Webhook.objects.create(name="坏", url="http://127.0.0.1:9/x", secret="k")
    response = admin_client.post(
        LIST, {"action": "send_test", "_selected_action": [good.pk, bad.pk]}, follow=True
    )
    text = [str(m) for m in response.context["messages"]]
    assert "好：测试消息已送达（HTTP 200）。" in text
    assert any(t.startswith("坏：测试消息未能送达：ConnectError") for t in text), text
    (received,) = receiver.requests
    assert received.headers["x-casedesk-event"] == "test"
    log = {d.webhook_id: d.status for d in WebhookDelivery.objects.all()}
    assert log == {good.pk: DeliveryStatus.SENT, bad.pk: DeliveryStatus.FAILED}
    page = admin_client.get(reverse("admin:webhooks_webhook_change", args=[bad.pk]))
    assert "ConnectError" in page.content.decode()  # the recent deliveries on its page


def test_delivery_log_and_retry_now(admin_client, org, receiver):
    hook = Webhook.objects.create(
        name="群", url=receiver.url("/cgi-bin/webhook/send?key=k"), format=WebhookFormat.WECOM
    )
    t0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    with clock.frozen(t0):
        case = make_case(org=org)
    WebhookDelivery.objects.update(status=DeliveryStatus.FAILED, attempts=8, last_error="HTTP 500")
    url = reverse("admin:webhooks_webhookdelivery_changelist")
    page = admin_client.get(url, {"status__exact": "failed"}).content.decode()
    assert case.number in page and "放弃" in page
    delivery = WebhookDelivery.objects.get()
    detail = admin_client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]))
    assert detail.status_code == 200 and "HTTP 500" in detail.content.decode()
    with clock.frozen(t0 + dt.timedelta(hours=3)):
        response = admin_client.post(
            url, {"action": "retry_now", "_selected_action": [delivery.pk]}, follow=True
        )
    assert "1 个投递将重试。" in [str(m) for m in response.context["messages"]]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert delivery.next_attempt_at == t0 + dt.timedelta(hours=3)
    assert hook.deliveries.count() == 1
    assert admin_client.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403
