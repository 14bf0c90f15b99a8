"""No English on a Chinese page.

A desk in Chinese is crawled as its people see it — every admin page (index, each app, each
model's list, add, change, history and delete pages), the console, the dashboard, the mail
pages, the customer portal and each domain's own pages (its ``urls.py``) — and every word written in Latin letters must be data
(a login, a code, an address, what someone typed) or one of the few names Chinese pages
write in Latin letters (CASE, SLA, API…).  Anything else is a string that escaped gettext,
a gettext string the zh_Hans catalogue lacks (ours, Django's or a library's), or a label
built from code (an app, model or field without a verbose name, a weekday from strftime).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from casedesk.cases import services
from casedesk.core import clock, discovery
from tests.cases.lifecycle import STATES, bring_to, make_cast
from tests.factories import client_for, make_user

# Names and abbreviations a Chinese page writes in Latin letters.
ALLOWED = {
    "CASE",  # the desk's word for a ticket, in both languages
    "casedesk",
    "SLA",
    "API",
    "Webhook",
    "ID",
    "URL",
    "HTTP",
    "HTTPS",
    "JSON",
    "HMAC",
    "SHA",
    "CSV",
    "XLSX",
    "PDF",
    "TIFF",
    "PNG",
    "JPEG",
    "IANA",  # "IANA 时区名"
    "IMAP",
    "SMTP",
    "Cisco",  # and its products and terms, as network engineers write them
    "ASA",
    "Firepower",
    "TAC",
    "RMA",
    "LDAP",
    "holidays",  # the Python package the calendars take Chinese holidays from
    "MB",
    "Message-ID",  # mail header names, written as they are: 回复的邮件（In-Reply-To）
    "In-Reply-To",
    "References",
    "SE",  # 高级工程师（SE）
    "Control",  # Django's own: 按住 Control 键，或者 Mac 上的 Command 键
    "Command",
    "Mac",
    "English",  # the language switcher names each language in itself
}
# Django's admin writes these icons' alt text in English whatever the language (a Django
# limitation, not ours): True/False/None of a boolean, "Search" of the search box.
DJANGO_ICONS = "/static/admin/img/"

TOKEN = re.compile(r"[A-Za-z0-9_.@/:+%#&=?~'’-]+")
WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


class _Text(HTMLParser):
    """What a reader sees or hears of a page: text, titles, placeholders, labels, alt
    texts and button captions; not scripts, styles, code or what users typed in a box."""

    SKIP = {"script", "style", "textarea", "pre", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1
        a = {k: v or "" for k, v in attrs}
        for key in ("title", "placeholder", "aria-label"):
            self.parts.append(a.get(key, ""))
        if tag == "img" and not a.get("src", "").startswith(DJANGO_ICONS):
            self.parts.append(a.get("alt", ""))
        if tag == "input" and a.get("type") in ("submit", "button", "reset"):
            self.parts.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def english_words(html: str, allowed: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    found = set()
    for part in parser.parts:
        part = PLACEHOLDER.sub(" ", part)  # "{engineer}" in a template's help: typed as is
        for token in TOKEN.findall(part):
            if token.startswith("."):
                continue  # a file name extension
            word = token.strip(".,:;!?'’-")
            if len(word) > 1 and WORD.fullmatch(word) and word not in allowed:
                found.add(word)
    return found


def data_words() -> set[str]:
    """Every word people and the desk stored as text (free-text fields, not choices):
    logins, codes, addresses, titles, notes — data, shown as it was written.  Never a code
    of a choice ("assigned", "processed"), which a page must show by its label."""
    skip = {"auth.permission", "contenttypes.contenttype", "sessions.session", "admin.logentry"}
    words: set[str] = set()
    codes = {
        str(value)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        for value, _ in (getattr(f, "flatchoices", None) or ())
    }
    for model in apps.get_models():
        if model._meta.label_lower in skip:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and f.name != "password"
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            for value in row:
                words.update(WORD.findall(value or ""))
    return words - codes


@pytest.fixture
def desk(db, settings, tmp_path):
    """A small desk in Chinese with CASEs in every state, fired deadlines, mail, a webhook."""
    from casedesk.mailgate.services import ingest_bytes
    from casedesk.notify.tasks import deliver_notifications
    from casedesk.sla.supervisor import run_pass
    from casedesk.webhooks.models import Webhook

    settings.MEDIA_ROOT = tmp_path / "media"
    t0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Shanghai
    cast = make_cast()
    Webhook.objects.create(name="值班群", url="https://qyapi.weixin.qq.com/x", secret="k")
    with clock.frozen(t0):
        cases = {state: bring_to(state, cast) for state in STATES}
        services.case_escalate(
            case=cases["in_progress"], target="vendor", reason="疑似软件缺陷", by=cast.owner,
            vendor_reference="SR 612345678",
        )  # fmt: skip
        services.case_log_work(
            case=cases["in_progress"], kind="remote", note="远程排查", minutes=30, by=cast.owner
        )
        ingest_bytes(
            "From: 张三 <{}>\r\nTo: support@casedesk.example\r\nSubject: =?utf-8?b?{}?=\r\n"
            "Message-ID: <m1@acme.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "核心交换机宕机\r\n".format(
                cast.contact.email or "zhang@acme.example", "5Lqk5o2i5py65pWF6Zqc"
            ).encode()
        )
    run_pass(now=t0 + dt.timedelta(hours=6))
    deliver_notifications.enqueue()
    cast.admin = make_user("admin", username="root", first_name="理员", last_name="管")
    cast.manager = make_user("cs_manager", username="csm")
    cast.cases = cases
    return cast


def _crawl(client: Client, paths, allowed: set[str]) -> dict[str, set[str]]:
    leaks: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        response = client.get(path)
        # 405: a POST-only address of a domain, opened as a link would (its page still speaks);
        # 422: an endpoint a page's script asks, opened without what it needs (its refusal
        # still speaks: ``{"detail": …}`` in the reader's language)
        assert response.status_code in (200, 403, 404, 405, 409, 422), (path, response.status_code)
        kind = response.get("Content-Type", "")
        if not kind.startswith(("text/html", "application/json")):
            continue  # a script, a manifest, a file: code, not words shown to a reader
        if kind.startswith("application/json"):
            # What a script shows of an answer: its sentences, not its keys and codes.
            data = response.json()
            text = " ".join(str(data.get(key) or "") for key in ("detail", "text"))
        else:
            text = response.content.decode()
        for word in english_words(text, allowed):
            leaks[word].add(path)
    return leaks


def _report(leaks: dict[str, set[str]]) -> str:
    return "\n".join(f"{w!r} on {sorted(p)[:3]}" for w, p in sorted(leaks.items()))


def _domain_paths(*, portal: bool = True) -> list[str]:
    """Every page of each domain's own ``urls.py`` that takes no parameter (``portal``
    False: bar its portal pages, which send staff on to the console)."""
    paths = [
        reverse(f"{urls.app_name}:{pattern.name}")
        for urls in discovery.app_modules("urls", exclude=("web", "portal"))
        for pattern in urls.urlpatterns
        if pattern.name and not pattern.pattern.converters
    ]
    return [p for p in paths if portal or not p.startswith("/portal/")]


def _admin_paths() -> list[str]:
    paths = ["/admin/", reverse("admin:password_change")]
    paths += sorted(
        {reverse("admin:app_list", args=[m._meta.app_label]) for m in admin.site._registry}
    )
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for page in ("change", "history", "delete"):
                paths.append(reverse(f"{prefix}_{page}", args=[obj.pk]))
    return paths


def test_the_admin_speaks_chinese(desk):
    client = client_for(desk.admin, "zh-hans")
    paths = _admin_paths()
    paths.append(reverse("admin:auth_user_password_change", args=[desk.admin.pk]))
    leaks = _crawl(client, paths, ALLOWED | data_words())
    assert not leaks, "English on zh-hans admin pages:\n" + _report(leaks)


def test_the_console_and_the_portal_speak_chinese(desk):
    allowed = ALLOWED | data_words()
    numbers = [case.number for case in desk.cases.values()]
    leaks: dict[str, set[str]] = defaultdict(set)
    staff_pages = ["/board/", "/mine/", "/cases/", "/cases/?status=closed", "/cases/new/"]
    staff_pages += ["/preferences/", "/mail/", "/mail/?status=processed", "/fax/new/"]
    staff_pages += [f"/cases/{n}/" for n in numbers]
    staff_pages += [f"/cases/{desk.cases['open'].number}/assign/", "/cases/C0000001/"]
    for who, pages in [
        (desk.duty, staff_pages),
        (desk.owner, ["/mine/", "/dashboard/", *(f"/cases/{n}/" for n in numbers)]),
        (desk.manager, ["/dashboard/", "/dashboard/?severity=P1&period=quarter"]),
        (desk.customer, ["/portal/", "/portal/cases/new/", "/portal/preferences/"]),
        (desk.customer, [f"/portal/cases/{n}/" for n in numbers]),
        (desk.duty, _domain_paths(portal=False)),
        (desk.customer, _domain_paths()),
    ]:
        for word, where in _crawl(client_for(who, "zh-hans"), pages, allowed).items():
            leaks[word] |= where
    anonymous = Client(headers={"accept-language": "zh-hans"})
    for word, where in _crawl(anonymous, ["/login/", "/no-such-page/"], allowed).items():
        leaks[word] |= where
    assert not leaks, "English on zh-hans pages:\n" + _report(leaks)


def test_every_label_the_admin_builds_from_code_is_translated():
    """App, model and field names the admin shows, checked without data: each one a
    translated string (a field without a verbose name shows its attribute name)."""
    untranslated = []
    with translation.override("zh-hans"):
        for model in admin.site._registry:
            config = apps.get_app_config(model._meta.app_label)
            labels = [
                ("app", config.label, config.verbose_name),
                ("model", model._meta.label, model._meta.verbose_name),
                ("model", model._meta.label, model._meta.verbose_name_plural),
            ]
            labels += [
                ("field", f"{model._meta.label}.{f.name}", f.verbose_name)
                for f in model._meta.get_fields()
                if hasattr(f, "verbose_name")
                and not f.auto_created
                and not (f.primary_key and f.name == "id")  # the admin shows "ID"
            ]
            for kind, where, label in labels:
                words = set(WORD.findall(str(label))) - ALLOWED
                if words:
                    untranslated.append(f"{kind} {where}: {label!s}")
    assert untranslated == [], "\n".join(sorted(set(untranslated)))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_switchers_name_each_language_in_itself(desk, language):
    """Not "英语" on a Chinese page or "Simplified Chinese" on an English one: a reader
    looks for their own language by the name they know it by."""
    for user, path in [(desk.duty, "/board/"), (desk.customer, "/portal/")]:
        html = client_for(user, language).get(path).content.decode()
        switcher = re.search(r'<select id="[a-z]+-language".*?</select>', html, re.S).group()
        options = re.findall(r"<option [^>]*>([^<]*)</option>", switcher)
        assert options == ["简体中文", "English"], (path, options)


@pytest.mark.parametrize(
    ("view", "title"),
    [("bad_request", "请求有误"), ("server_error", "服务器错误")],
)
def test_the_error_pages_speak_the_visitors_language(rf, view, title):
    from django.views import defaults

    with translation.override("zh-hans"):
        request = rf.get("/")
        response = getattr(defaults, view)(
            request, *([Exception()] if view == "bad_request" else [])
        )
    html = response.content.decode()
    assert title in html and not english_words(html, ALLOWED)
