"""Refusals and unknown addresses: the desk's own page in the reader's language with a
way back, never Django's bare page and never a redirect loop (the admin)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import client_for, make_user


def follow(client: Client, path: str, limit: int = 5):
    """GET ``path`` and its redirects; fails on a loop."""
    seen = []
    r = client.get(path)
    while r.status_code in (301, 302) and len(seen) < limit:
        seen.append(r["Location"])
        r = client.get(r["Location"])
    assert r.status_code not in (301, 302), f"redirect loop: {path} → {seen}"
    return r, seen


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["engineer", "duty_engineer", "call_taker", "cs_manager"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/cases/case/", "/admin/login/?next=/admin/"])
def test_staff_who_are_not_administrators_get_a_403_in_the_desks_look(role, path):
    user = make_user(role)
    r, redirects = follow(client_for(user, "en"), path)
    assert r.status_code == 403
    html = r.content.decode()
    assert 'class="console"' in html and "web/console.css" in html
    assert "The administration pages are for administrators." in html
    home = "/board/" if role != "engineer" else "/mine/"
    assert f'href="{home}">Back to the console</a>' in html
    assert len(redirects) <= 1


@pytest.mark.django_db
def test_the_refusal_speaks_chinese():
    r, _ = follow(client_for(make_user("engineer"), "zh-hans"), "/admin/")
    html = r.content.decode()
    assert r.status_code == 403
    assert "管理后台仅供系统管理员使用。" in html and "返回工作台" in html and "无权访问" in html


@pytest.mark.django_db
def test_a_customer_at_the_admin_is_pointed_to_the_portal(customer):
    r, _ = follow(client_for(customer, "en"), "/admin/")
    assert r.status_code == 403
    assert 'href="/portal/">Go to the customer portal</a>' in r.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_go_to_the_login_and_administrators_get_in(client):
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    r = client.get(r["Location"])
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")
    admin = client_for(make_user("admin", username="root"), "en")
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/admin/cases/case/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "message", "back"),
    [
        ("en", "Not found", "There is no such page.", "Back to the console"),
        ("zh-hans", "未找到", "没有这个页面。", "返回工作台"),
    ],
)
def test_an_unknown_console_address_is_the_desks_404(language, heading, message, back):
    user = make_user("duty_engineer")
    for path in ("/no-such-page/", "/cases/C2611001/files/x/", "/mail/999999/raw/"):
        r = client_for(user, language).get(path)
        assert r.status_code == 404, path
        html = r.content.decode()
        assert 'class="console"' in html, path
        assert heading in html and message in html and back in html, path


@pytest.mark.django_db
def test_a_404_for_a_customer_or_nobody_shows_their_way_back(client, customer):
    r = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 404 and 'href="/login/">Log in</a>' in r.content.decode()
    r = client_for(customer, "en").get("/portal/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert 'class="portal"' in html and "There is no such page." in html


@pytest.mark.django_db
def test_an_unknown_api_address_stays_json(client):
    r = client.get("/api/no-such-thing")
    assert r.status_code == 404 and r.json() == {"detail": "There is no such page."}


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_in_the_desks_look(engineer):
    engineer.language = "en"
    engineer.save(update_fields=["language"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(engineer)
    r = client.post("/preferences/", {"language": "en"})
    assert r.status_code == 403
    html = r.content.decode()
    assert 'class="console"' in html and "reload the page and try again" in html
    assert 'href="/mine/">Back to the console</a>' in html
