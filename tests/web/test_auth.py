"""Logging in and out of the console: where each role lands, the throttle, the staff
guard, secure cookies, CSRF, and each user's own language and time zone."""

import datetime as dt

import pytest
from django.test import Client

from casedesk.core import clock
from casedesk.web.models import LoginFailure
from tests.factories import make_case, make_user

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
STAFF_PAGES = ["/board/", "/mine/", "/cases/", "/preferences/"]


def with_password(user, password="s3cret-pass"):
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def login(client, username, password="s3cret-pass", **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("duty_engineer", "/board/"),
        ("call_taker", "/board/"),
        ("cs_manager", "/board/"),
        ("engineer", "/mine/"),
    ],
)
def test_staff_land_on_their_queue(client, role, target):
    user = with_password(make_user(role))
    r = login(client, user.username)
    assert r.status_code == 302 and r["Location"] == target
    assert client.get(target).status_code == 200
    assert client.get("/").headers["Location"] == target


def test_a_customer_is_sent_to_the_portal(client, customer):
    with_password(customer)
    r = login(client, "cust", next="/board/")
    assert r.status_code == 302 and r["Location"] == "/portal/"


def test_next_is_followed_only_inside_the_site(client, engineer):
    with_password(engineer)
    assert login(client, "eng1", next="/cases/?status=open")["Location"] == "/cases/?status=open"
    client.post("/logout/")
    assert login(client, "eng1", next="https://evil.example/")["Location"] == "/mine/"


def test_a_wrong_password_is_refused_without_a_session(client, engineer):
    with_password(engineer)
    r = login(client, "eng1", "wrong")
    assert r.status_code == 200
    assert "sessionid" not in r.cookies
    assert client.get("/board/").status_code == 302


def test_the_login_form_needs_its_csrf_token(engineer):
    with_password(engineer)
    client = Client(enforce_csrf_checks=True)
    assert login(client, "eng1").status_code == 403
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    r = login(client, "eng1", csrfmiddlewaretoken=token)
    assert r.status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, engineer):
    with_password(engineer)
    cookie = login(client, "eng1").cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_logout_ends_the_session_and_needs_a_post(client, engineer):
    with_password(engineer)
    login(client, "eng1")
    assert client.get("/logout/").status_code == 405
    assert client.get("/mine/").status_code == 200
    r = client.post("/logout/")
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert client.get("/mine/").status_code == 302


@pytest.mark.django_db
def test_five_failures_lock_the_username_even_for_the_right_password(engineer):
    with_password(engineer)
    with clock.frozen(T0):
        for _ in range(5):
            assert login(Client(), "eng1", "guess").status_code == 200
        # Another browser (or another web worker): the count is in the database.
        r = login(Client(), "eng1")
        assert r.status_code == 429
        assert int(r["Retry-After"]) == 15 * 60
        assert "Too many failed logins" in r.content.decode() or "登录失败次数过多" in (
            r.content.decode()
        )
        assert "sessionid" not in r.cookies
    with clock.frozen(T0 + dt.timedelta(minutes=14)):
        assert login(Client(), "eng1").status_code == 429
    with clock.frozen(T0 + dt.timedelta(minutes=15, seconds=1)):
        assert login(Client(), "eng1").status_code == 302


@pytest.mark.django_db
def test_the_username_lock_is_case_insensitive_and_spares_other_users(engineer, senior):
    with_password(engineer)
    with_password(senior)
    with clock.frozen(T0):
        for name in ["eng1", "ENG1", "Eng1", "eng1", "eNg1"]:
            login(Client(), name, "guess")
        assert login(Client(), "eng1").status_code == 429
        assert login(Client(), "se1").status_code == 302


@pytest.mark.django_db
def test_many_usernames_from_one_address_lock_the_address(engineer):
    with_password(engineer)
    with clock.frozen(T0):
        for i in range(20):
            login(Client(REMOTE_ADDR="203.0.113.7"), f"user{i}", "guess")
        assert login(Client(REMOTE_ADDR="203.0.113.7"), "eng1").status_code == 429
        assert login(Client(REMOTE_ADDR="198.51.100.1"), "eng1").status_code == 302


@pytest.mark.django_db
def test_a_success_clears_the_usernames_failures_and_old_ones_are_forgotten(engineer):
    with_password(engineer)
    with clock.frozen(T0):
        for _ in range(4):
            login(Client(), "eng1", "guess")
        assert login(Client(), "eng1").status_code == 302
        assert not LoginFailure.objects.filter(username="eng1").exists()
        login(Client(), "someone", "guess")
    with clock.frozen(T0 + dt.timedelta(minutes=20)):
        login(Client(), "other", "guess")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["other"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client, db, path):
    r = client.get(path)
    assert r.status_code == 302
    assert r["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_customer_cannot_reach_staff_pages(client, customer, path):
    client.force_login(customer)
    r = client.get(path)
    assert r.status_code == 403
    assert "/portal/" in r.content.decode()


def test_a_customer_cannot_save_filters(client, customer):
    client.force_login(customer)
    r = client.post("/filters/", {"name": "mine", "query": "status=open"})
    assert r.status_code == 403
    assert not customer.saved_filters.exists()


def test_pages_speak_the_users_language(client, engineer):
    client.force_login(engineer)
    engineer.language = "en"
    engineer.save(update_fields=["language"])
    page = client.get("/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "My CASEs" in page and '<html lang="en">' in page
    engineer.language = "zh-hans"
    engineer.save(update_fields=["language"])
    page = client.get("/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "我的 CASE" in page and '<html lang="zh-hans">' in page


def test_switching_language_saves_it_to_the_user(client, engineer):
    client.force_login(engineer)
    r = client.post("/language/", {"language": "en", "next": "/cases/?q=x"})
    assert r.status_code == 302 and r["Location"] == "/cases/?q=x"
    engineer.refresh_from_db()
    assert engineer.language == "en"
    assert "Duty board" in client.get("/board/").content.decode()
    client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    engineer.refresh_from_db()
    assert engineer.language == "en"


def test_an_anonymous_visitor_switches_language_by_cookie(client, db):
    client.post("/language/", {"language": "en"})
    assert "Log in to casedesk" in client.get("/login/").content.decode()
    client.post("/language/", {"language": "zh-hans"})
    assert "登录 casedesk" in client.get("/login/").content.decode()


def test_times_are_shown_in_the_users_time_zone(client, engineer, contact, duty):
    with clock.frozen(T0):
        make_case(contact=contact, by=duty, title="time zone probe")
    client.force_login(engineer)
    assert "2026-11-23 10:00" in client.get("/cases/").content.decode()  # Asia/Shanghai
    r = client.post("/preferences/", {"language": "en", "time_zone": "Europe/London"})
    assert r.status_code == 302
    assert "2026-11-23 02:00" in client.get("/cases/").content.decode()


def test_an_unknown_time_zone_is_refused_and_nothing_changes(client, engineer):
    client.force_login(engineer)
    r = client.post("/preferences/", {"language": "en", "time_zone": "Mars/Olympus"})
    assert r.status_code == 422
    assert "Mars/Olympus" in r.content.decode()
    engineer.refresh_from_db()
    assert (engineer.language, engineer.time_zone) == ("zh-hans", "")


def _settings_under(env: dict) -> dict:
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, casedesk.settings as s; print(json.dumps({k: getattr(s, k, None) for k in"
        " ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER',"
        " 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE']}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("CASEDESK_HTTPS",)}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_cookies_are_secure_behind_tls_and_plain_on_localhost():
    plain = _settings_under({})
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["CSRF_COOKIE_SECURE"] is False
    tls = _settings_under({"CASEDESK_HTTPS": "1"})
    assert tls["SESSION_COOKIE_SECURE"] is True and tls["CSRF_COOKIE_SECURE"] is True
    assert tls["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert tls["SESSION_COOKIE_HTTPONLY"] is True and tls["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_with_secure_cookies_the_session_cookie_is_marked_secure(client, engineer, settings):
    settings.SESSION_COOKIE_SECURE = True
    with_password(engineer)
    assert login(client, "eng1").cookies["sessionid"]["secure"] is True


def test_the_admin_login_goes_through_the_throttled_login(client, db):
    admin = with_password(make_user("admin", username="root"))
    r = client.get("/admin/login/?next=/admin/cases/case/")
    assert r.status_code == 302
    assert r["Location"] == "/login/?next=%2Fadmin%2Fcases%2Fcase%2F"
    r = client.post("/admin/login/", {"username": "root", "password": "s3cret-pass"})
    assert r.status_code == 302 and "_auth_user_id" not in client.session
    r = login(client, admin.username, next="/admin/")
    assert r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_the_address_the_proxy_saw_is_throttled(engineer, settings):
    settings.CASEDESK_PROXY_COUNT = 1
    with_password(engineer)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    with clock.frozen(T0):
        for i in range(20):  # the client forges a left-hand entry each time: ignored
            forged = f"198.51.100.{i}, 203.0.113.7"
            login(Client(**proxy, HTTP_X_FORWARDED_FOR=forged), f"user{i}", "guess")
        attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert login(attacker, "eng1").status_code == 429
        colleague = Client(**proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
        assert login(colleague, "eng1").status_code == 302
        garbage = Client(**proxy, HTTP_X_FORWARDED_FOR="not-an-address")
        assert login(garbage, "nobody", "guess").status_code == 200
    assert LoginFailure.objects.filter(ip__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_locked_login_is_refused_without_checking_the_password(engineer):
    from django.contrib.auth.signals import user_login_failed

    with_password(engineer)
    with clock.frozen(T0):
        for _ in range(5):
            login(Client(), "eng1", "guess")
        checked = []

        def on_failure(**kwargs):
            checked.append(kwargs["credentials"]["username"])

        user_login_failed.connect(on_failure)
        try:
            r = login(Client(), "eng1", "another guess")
        finally:
            user_login_failed.disconnect(on_failure)
    assert r.status_code == 429 and checked == []
    assert 'value="eng1"' in r.content.decode()  # the form keeps the username
    assert LoginFailure.objects.filter(username="eng1").count() == 5  # not counted again
