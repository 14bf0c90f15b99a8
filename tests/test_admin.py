"""Every model is usable in the admin by a support-centre administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from casedesk.accounts.models import ApiToken
from casedesk.accounts.services import token_create
from tests.factories import make_case, make_user


@pytest.fixture
def admin_client(client, db):
    user = make_user("admin", username="root")
    client.force_login(user)
    return client


def _admin_models():
    return [
        m
        for m in admin.site._registry
        if m._meta.app_label in {"accounts", "roster", "cases", "sla", "notify"}
    ]


def test_every_domain_model_is_in_the_admin():
    labels = {m._meta.label for m in _admin_models()}
    assert {
        "accounts.Organization",
        "accounts.Contact",
        "accounts.User",
        "accounts.Skill",
        "accounts.StaffProfile",
        "accounts.ApiToken",
        "cases.Case",
        "cases.WorkLog",
        "cases.CaseEvent",
        "cases.CaseNumberSequence",
        "roster.DutyShift",
        "sla.SlaPolicy",
        "sla.EscalationRule",
        "sla.Deadline",
        "notify.Notification",
    } <= labels


def test_every_changelist_and_change_page_renders(admin_client, engineer, duty):
    case = make_case(by=duty, title="<b>防火墙</b> 故障")
    token_create(user=engineer)
    for model in _admin_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        r = admin_client.get(reverse(f"{prefix}_changelist"))
        assert r.status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            r = admin_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
            assert r.status_code == 200, model
    r = admin_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert "&lt;b&gt;防火墙&lt;/b&gt;" in r.content.decode()


def test_cases_cannot_be_edited_behind_the_operation_layer(admin_client, duty):
    case = make_case(by=duty)
    r = admin_client.post(reverse("admin:cases_case_change", args=[case.pk]), {"title": "changed"})
    assert r.status_code == 403
    case.refresh_from_db()
    assert case.title != "changed"


def test_admin_revokes_a_token_and_it_stops_working(admin_client, engineer, api):
    client = api(engineer)
    assert client.get("/cases").status_code == 200
    token = ApiToken.objects.get(user=engineer)
    r = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/cases").status_code == 401


def test_staff_without_admin_role_cannot_open_the_admin(client, engineer):
    client.force_login(engineer)
    r = client.get("/admin/")  # the desk's refusal, not a login redirect (it looped)
    assert r.status_code == 403
