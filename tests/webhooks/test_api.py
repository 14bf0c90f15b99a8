"""GET/POST /api/v1/webhooks: administrators register webhooks; everyone else is refused."""

import pytest

from casedesk.webhooks.models import Webhook
from tests.factories import make_user


@pytest.fixture
def root(db):
    return make_user("admin", username="root")


def test_an_admin_registers_and_lists_webhooks(api, root, org):
    client = api(root)
    response = client.post(
        "/webhooks",
        {
            "name": "ACME 告警",
            "url": "https://hooks.example.cn/casedesk",
            "event_kinds": ["opened", "escalated"],
            "organization": "ACME",
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    hook = Webhook.objects.get()
    assert created["secret"] == hook.secret and len(hook.secret) >= 40  # generated, shown once
    assert (created["format"], created["organization"]) == ("generic", "ACME")
    assert hook.event_kinds == ["opened", "escalated"]

    bot = client.post(
        "/webhooks",
        {
            "name": "钉钉群",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "format": "dingtalk",
            "secret": "SECabc",
        },
    ).json()
    assert bot["secret"] == ""  # given, not generated: not echoed

    listed = client.get("/webhooks").json()
    assert [w["name"] for w in listed] == ["ACME 告警", "钉钉群"]
    assert all("secret" not in w and w["secret_set"] for w in listed)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"url": "ftp://x.example/y"}, "http:// or https://"),
        ({"url": "https://x.example/y", "format": "wecom"}, "key="),
        ({"url": "https://q.example/send?key=k", "format": "wecom", "secret": "s"}, "WeCom"),
        ({"url": "https://x.example/y", "event_kinds": ["bogus"]}, "bogus"),
        ({"url": "https://x.example/y", "organization": "NOPE"}, "NOPE"),
        ({"url": "https://x.example/y", "format": "slack"}, "format"),
        ({"url": "https://x.example/y", "active": "yes"}, "active"),
    ],
)
def test_bad_input_is_a_422_that_writes_nothing(api, root, org, body, message):
    response = api(root).post("/webhooks", {"name": "x", **body})
    assert response.status_code == 422
    assert message in str(response.json()["detail"])
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("role", ["call_taker", "duty_engineer", "engineer", "cs_manager"])
def test_only_administrators_may(api, role, org):
    client = api(make_user(role))
    assert client.get("/webhooks").status_code == 403
    response = client.post("/webhooks", {"name": "x", "url": "https://x.example/y"})
    assert response.status_code == 403
    assert not Webhook.objects.exists()


def test_customers_and_anonymous_callers_are_refused(api, customer):
    assert api(customer).get("/webhooks").status_code == 403
    assert api(None).get("/webhooks").status_code == 401


def test_the_policy_lets_only_administrators_manage_webhooks(org):
    from casedesk.accounts.choices import Role
    from casedesk.core import policy
    from casedesk.webhooks.policy import WebhookAction

    allowed = {
        role
        for role in Role.values
        if policy.can(
            make_user(role, org=org if role in (Role.CUSTOMER, Role.PARTNER) else None),
            WebhookAction.MANAGE_WEBHOOKS,
        )
    }
    assert allowed == {Role.ADMIN}
