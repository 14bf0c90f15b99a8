"""The authorization matrix of the web: every URL of the console and the portal (enumerated
from the URL resolver) × every role × CASEs of the reader's own and of another organization.

What each request must answer is derived from ``policy`` and from whom the page is for:

- not signed in (or an inactive user): the login page (302), bar the public pages;
- a console page asked by anyone but the desk's staff (``STAFF_ROLES``): 403;
  a portal page asked by anyone but a customer: sent to the console (302);
- a CASE (or a file of a CASE) the reader may not see, or none at all: 404, and a page that
  says so, not "not allowed";
- visible, but the action is not theirs: 403; allowed: anything but 401/403/404 and 5xx;
- a POST-only page asked with GET: 405; nothing written, no file stored, when refused;
  never a word of a CASE the reader may not see.

``PAGES`` says whom each URL is for and which policy action it needs; ``FILLERS`` fill the
URL's parameters.  A domain's own pages are in its ``tests/<app>/matrix.py`` (``PAGES``,
``PAGE_FILLERS``), collected here.  A URL missing from either fails its test: a new page
cannot escape.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casedesk.accounts.choices import Role
from casedesk.accounts.models import User
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.web.case_views import PAGE_FORMS
from tests.authorization import (
    ADMIN,
    CONSOLE,
    NOTHING,
    PORTAL,
    PUBLIC,
    SIGNED_IN,
    UNKNOWN_NUMBER,
    UNKNOWN_PK,
    A,
    Page,
    World,
    collect,
    expected_for_desk,
    expected_for_object,
    fails,
    matrices,
    run,
    world_in_transaction,
)
from tests.factories import ApiClient, client_for, page_text

# The heading of a 404 page in the readers' language (every user of the world reads zh-hans).
NOT_FOUND = re.compile(r"<h1>\s*未找到\s*</h1>")


PAGES: dict[str, Page] = {
    "healthz": Page(PUBLIC),
    "admin_login": Page(ADMIN),
    "web:home": Page(SIGNED_IN),
    "web:login": Page(PUBLIC),
    "web:logout": Page(PUBLIC, post_only=True),
    "web:language": Page(PUBLIC, post_only=True),
    "web:preferences": Page(CONSOLE),
    "web:board": Page(CONSOLE),
    "web:my_cases": Page(CONSOLE),
    "web:case_list": Page(CONSOLE),
    "web:case_new": Page(CONSOLE, (A.OPEN,)),
    "web:contact_lookup": Page(CONSOLE, (A.OPEN,)),
    "web:case_detail": Page(CONSOLE, (A.VIEW,)),
    "web:case_assign": Page(CONSOLE, (A.ASSIGN,)),
    "web:case_phoned": Page(CONSOLE, (A.LOG_WORK,), post_only=True),
    "web:case_action": Page(CONSOLE, post_only=True),
    "web:case_attach": Page(CONSOLE, (A.LOG_WORK,), post_only=True),
    "web:case_file": Page(CONSOLE, (A.VIEW,)),
    "web:case_file_view": Page(CONSOLE, (A.VIEW,)),
    "web:dashboard": Page(CONSOLE, (A.VIEW_DASHBOARD,)),
    "web:dashboard_export": Page(CONSOLE, (A.VIEW_DASHBOARD,)),
    "web:mail_quarantine": Page(CONSOLE, (A.MANAGE_CUSTOMERS,)),
    "web:mail_rerun": Page(CONSOLE, (A.MANAGE_CUSTOMERS,), post_only=True),
    "web:mail_raw": Page(CONSOLE, (A.MANAGE_CUSTOMERS,)),
    "web:fax_new": Page(CONSOLE, (A.RECEIVE_FAX,)),
    "web:filter_save": Page(CONSOLE, post_only=True),
    "web:filter_delete": Page(CONSOLE, post_only=True),
    "portal:home": Page(PORTAL),
    "portal:preferences": Page(PORTAL),
    "portal:case_new": Page(PORTAL, (A.OPEN,)),
    "portal:case": Page(PORTAL, (A.VIEW,)),
    "portal:case_add": Page(PORTAL, (A.LOG_WORK,), post_only=True),
    "portal:case_confirm": Page(PORTAL, (A.CONFIRM,), post_only=True),
    "portal:case_reopen": Page(PORTAL, (A.REOPEN,), post_only=True),
    "portal:attachment": Page(SIGNED_IN, (A.VIEW,)),
}
WHERE = "tests/<app>/matrix.py for a domain's own pages, else in " + __file__
PAGES = collect(PAGES, "PAGES", __file__)


def _urls() -> list[tuple[str, list[str]]]:
    """Every named URL outside the admin and the API (the API has its own matrix), with
    its parameters' names."""
    found = []

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin",) or pattern.namespace.startswith("api"):
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append((name, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


URLS = _urls()


# --- filling a URL ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    kwargs: dict[str, str | int]
    # The object whose policy decides (a CASE for its files too; NOTHING: none such; None:
    # the URL names no object, and the desk-wide actions decide).
    obj: Any = None
    exists: bool = True  # for desk-wide pages: False when the URL names nothing


# label, value, the object it names (as ``Target.obj``), whether it exists
Fill = Callable[[World], list[tuple[str, str | int, Any, bool]]]


def _cases(w: World) -> list:
    a, b = w.case("ORGA"), w.case("ORGB")
    return [
        ("org A's CASE", a.number, a, True),
        ("org B's CASE", b.number, b, True),
        ("no such CASE", UNKNOWN_NUMBER, NOTHING, False),
    ]


def _files(w: World) -> list:
    a, b = w.case("ORGA"), w.case("ORGB")
    return [
        ("org A's file", w.files["ORGA"], a, True),
        ("org B's file", w.files["ORGB"], b, True),
        ("no such file", UNKNOWN_PK, NOTHING, False),
    ]


def _mail(w: World) -> list:
    return [("a stored mail", w.mail, None, True), ("no such mail", UNKNOWN_PK, None, False)]


# By URL name and parameter, or by parameter alone.  Those naming an object (a CASE, its
# file) give it: its policy decides 404 and 403.
FILLERS: dict[str, Fill] = {
    "number": _cases,
    "portal:attachment/pk": _files,
    "web:mail_rerun/pk": _mail,
    "web:mail_raw/pk": _mail,
    "web:filter_delete/pk": lambda w: [("a filter", UNKNOWN_PK, None, True)],
    "web:case_action/action": lambda w: [(a, a, None, True) for a in sorted(PAGE_FORMS)],
    "pk": _files,
    "web:dashboard_export/table": lambda w: [("", "open_by_age", None, True)],
    "web:dashboard_export/fmt": lambda w: [("", "csv", None, True)],
}
FILLERS = collect(FILLERS, "PAGE_FILLERS", __file__)


def _filler(name: str, param: str) -> Fill | None:
    return FILLERS.get(f"{name}/{param}") or FILLERS.get(param)


def targets(w: World, name: str, params: list[str]) -> list[Target]:
    choices = [[(p, *option) for option in _filler(name, p)(w)] for p in params]
    result = []
    for combo in itertools.product(*choices):
        named = [c for c in combo if c[3] is not None]
        # A CASE's number with another CASE's file names nothing: 404 for whoever may look.
        if len({id(c[3]) for c in named}) > 1:
            named = [(*named[0][:3], NOTHING, False)]
        result.append(
            Target(
                label=", ".join(label for _p, label, *_ in combo if label),
                kwargs={p: value for p, _label, value, *_ in combo},
                obj=named[0][3] if named else None,
                exists=all(exists for *_, exists in combo),
            )
        )
    return result


# --- what the policy expects --------------------------------------------------------------------


def expected(subject, page: Page, target: Target) -> str:
    user = subject.user
    if page.audience == PUBLIC or (page.audience == ADMIN and not subject.authenticated):
        return "post only" if page.post_only else "allowed"
    if not subject.authenticated:
        return "anonymous"
    if page.audience == ADMIN:
        return "allowed" if user.is_active and user.is_staff else "refused"
    if page.audience == CONSOLE and user.role not in STAFF_ROLES:
        return "refused"
    if page.audience == PORTAL and user.role != Role.CUSTOMER:
        return "elsewhere"
    if page.post_only:
        return "post only"
    if target.obj is not None:
        return expected_for_object(user, page.actions, target.obj)
    outcome = expected_for_desk(user, page.actions)
    return "hidden" if outcome == "allowed" and not target.exists else outcome


STATUSES = {
    "anonymous": 302,
    "hidden": 404,
    "refused": 403,
    "elsewhere": 302,
    "post only": 405,
}


# --- the world ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from casedesk.mailgate import services as mailgate

    with world_in_transaction(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        raw = b"From: someone@example.com\r\nSubject: hello\r\nMessage-ID: <m1@example.com>\r\n\r\nhi\r\n"
        w.mail = mailgate.store(io.BytesIO(raw))[0].pk
        w.clients = {}
        for subject in w.subjects:
            client = Client()
            if subject.user is not None:
                client.force_login(subject.user)
            w.clients[subject.label] = client
        yield w


# --- the tables are complete ----------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    missing = [name for name, _params in URLS if name not in PAGES]
    assert not missing, (
        f"URLs the authorization matrix does not know: add each to PAGES in {WHERE} "
        f"with whom it is for and the policy action(s) it needs: {missing}"
    )
    stale = set(PAGES) - {name for name, _params in URLS}
    assert not stale, f"PAGES names URLs that no longer exist: {sorted(stale)}"


# --- GET: every page -----------------------------------------------------------------------------


def _check(world: World, send, page: Page, target: Target, failures: list, what: str):
    for subject in world.subjects:
        want = expected(subject, page, target)
        client = world.clients[subject.label]
        outcome = run(world, lambda: send(client))  # noqa: B023
        why = fails(outcome, want, secrets=world.secrets(subject.user), statuses=STATUSES)
        if want == "anonymous" and outcome.status == 302:
            location = outcome.location or ""
            if "/login/" not in location:
                why.append(f"sent to {location}, not to the login page")
        if outcome.status == 404 and outcome.html and not NOT_FOUND.search(outcome.body):
            why.append("a 404 page that does not say 未找到 (not found)")
        if outcome.status == 404 and "无权访问" in outcome.body:
            why.append("a 404 page that says 无权访问 (not allowed)")
        failures.extend(f"{subject.label} [{what}, {target.label}]: {w}" for w in why)


@pytest.mark.parametrize(("name", "params"), [pytest.param(n, p, id=n) for n, p in URLS])
def test_every_role_gets_the_page_the_policy_says(world, db, name, params):
    page = PAGES.get(name)
    assert page is not None, (
        f"{name} is not in the authorization matrix: add it to PAGES in {WHERE}"
    )
    unfilled = [p for p in params if _filler(name, p) is None]
    assert not unfilled, f"{name}: add a filler for {unfilled} to PAGE_FILLERS in {WHERE}"
    failures: list[str] = []
    for target in targets(world, name, params):
        url = reverse(name, kwargs=target.kwargs)
        _check(world, lambda client: client.get(url), page, target, failures, "GET")  # noqa: B023
    assert not failures, f"GET {name}:\n" + "\n".join(failures)


# --- POST: every page that says what it posts (each domain's POST-only pages) ------------------

POSTED = sorted(name for name, page in PAGES.items() if page.form is not None)


def test_every_domain_post_page_says_what_it_posts():
    pages = {name: page for m in matrices() for name, page in getattr(m, "PAGES", {}).items()}
    silent = sorted(name for name, page in pages.items() if page.post_only and page.form is None)
    assert not silent, f"POST-only pages without a form to post (Page(form=…)): {silent}"


def test_every_posted_page_is_the_policys(world, db):
    failures: list[str] = []
    for name in POSTED:  # one test for all: none while no domain has a POST page
        page = PAGES[name]
        allowed = Page(page.audience, page.actions)
        form = page.form
        for target in targets(world, name, dict(URLS)[name]):
            url = reverse(name, kwargs=target.kwargs)
            _check(
                world,
                lambda client: client.post(url, form() if callable(form) else form),  # noqa: B023
                allowed,
                target,
                failures,
                f"POST {name} {form}",
            )
    assert not failures, "\n".join(failures)


# --- POST: every action on a CASE, in the console and in the portal ----------------------------

# The form each CASE action posts, and the state in which it can succeed.
CONSOLE_ACTIONS: dict[str, tuple[dict[str, str], str]] = {
    A.ACCEPT: ({}, "assigned"),
    A.LOG_WORK: ({"kind": "note", "note": "矩阵记录", "minutes": "0"}, "in_progress"),
    A.ADD_HELPER: ({"engineer": "m.spare"}, "in_progress"),
    A.REMOVE_HELPER: ({"engineer": "m.helper"}, "in_progress"),
    A.REQUEST_REASSIGNMENT: ({"reason": "太忙"}, "in_progress"),
    A.SET_PRIORITY: ({"priority": "P2"}, "in_progress"),
    A.ESCALATE_SENIOR: ({"reason": "需要 SE"}, "in_progress"),
    A.PEND: ({"reason": "customer"}, "in_progress"),
    A.RESUME: ({"note": ""}, "pending"),
    A.RESOLVE: ({"solution": "更换光模块"}, "in_progress"),
    A.CONFIRM: ({"note": "客户电话确认"}, "resolved"),
    A.CLOSE: ({}, "resolved_confirmed"),
    A.REOPEN: ({"reason": "问题依旧"}, "resolved"),
    A.APPROVE_GOODWILL: (
        {"reason": "老客户续约中", "service_product": "MATRIX-GOLD"},
        "in_progress",
    ),
}
# Handed to a named engineer or phoned about: the console's other CASE forms.
CONSOLE_FORMS: dict[str, tuple[tuple[str, ...], dict[str, str], str]] = {
    "web:case_assign": ((A.ASSIGN,), {"engineer": "m.spare"}, "in_progress"),
    "web:case_assign ": ((A.ASSIGN,), {"engineer": "m.nobody"}, "in_progress"),
    "web:case_phoned": ((A.LOG_WORK,), {"minutes": "2", "note": ""}, "in_progress"),
    "web:case_attach": (
        (A.LOG_WORK,),
        lambda: {"files": SimpleUploadedFile("log.txt", b"show version", "text/plain")},
        "in_progress",
    ),
}
PORTAL_ACTIONS: dict[str, tuple[tuple[str, ...], dict[str, str], str]] = {
    "portal:case_add": ((A.LOG_WORK,), {"note": "补充信息"}, "in_progress"),
    "portal:case_confirm": ((A.CONFIRM,), {"note": ""}, "resolved"),
    "portal:case_reopen": ((A.REOPEN,), {"reason": "问题依旧"}, "resolved"),
    "portal:case_reopen ": ((A.REOPEN,), {"reason": "问题依旧"}, "closed"),
}


def _case_targets(world: World, state: str) -> list[Target]:
    a, b = world.case("ORGA", state), world.case("ORGB", state)
    return [
        Target("org A's CASE", {"number": a.number}, a),
        Target("org B's CASE", {"number": b.number}, b),
        Target("no such CASE", {"number": UNKNOWN_NUMBER}, NOTHING),
    ]


def test_every_console_action_is_in_the_matrix():
    assert set(PAGE_FORMS) == set(CONSOLE_ACTIONS), (
        f"The CASE page's actions and CONSOLE_ACTIONS in {__file__} differ: "
        f"{sorted(set(PAGE_FORMS) ^ set(CONSOLE_ACTIONS))}"
    )


def _post_all(world: World, posts: dict, audience: str) -> list[str]:
    failures: list[str] = []
    for key, (actions, data, state) in posts.items():
        name = key.strip()
        page = Page(audience, actions)
        for target in _case_targets(world, state):
            url = reverse(name, kwargs=target.kwargs)
            _check(
                world,
                lambda client: client.post(url, data() if callable(data) else data),  # noqa: B023
                page,
                target,
                failures,
                f"POST {name} {data}",
            )
    return failures


# The same actions naming an engineer nobody is: refused stays 403 whatever the name.
CONSOLE_UNKNOWN_NAMES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    A.ADD_HELPER: ((A.ADD_HELPER,), {"engineer": "m.nobody"}),
    A.REMOVE_HELPER: ((A.REMOVE_HELPER,), {"engineer": "m.nobody"}),
    A.ESCALATE_SENIOR: ((A.ESCALATE_SENIOR, A.ASSIGN), {"reason": "x", "engineer": "m.nobody"}),
    A.APPROVE_GOODWILL: ((A.APPROVE_GOODWILL,), {"reason": "x", "service_product": "NOPE"}),
}


@pytest.mark.parametrize("action", sorted(CONSOLE_ACTIONS))
def test_every_console_action_is_the_policys(world, db, action):
    data, state = CONSOLE_ACTIONS[action]
    variants = [((action,), data)]
    if action in CONSOLE_UNKNOWN_NAMES:
        variants.append(CONSOLE_UNKNOWN_NAMES[action])
    failures: list[str] = []
    for actions, form in variants:
        page = Page(CONSOLE, actions)
        for target in _case_targets(world, state):
            url = reverse("web:case_action", kwargs={**target.kwargs, "action": action})
            _check(
                world,
                lambda client: client.post(url, form),  # noqa: B023
                page,
                target,
                failures,
                f"POST {form}",
            )
    assert not failures, f"POST {action}:\n" + "\n".join(failures)


def test_mail_is_processed_again_by_whoever_may_triage_it(world, db):
    failures: list[str] = []
    page = Page(CONSOLE, (A.MANAGE_CUSTOMERS,))
    for label, pk, _case, exists in _mail(world):
        target = Target(label, {"pk": pk}, exists=exists)
        url = reverse("web:mail_rerun", kwargs=target.kwargs)
        _check(world, lambda client: client.post(url), page, target, failures, "POST")  # noqa: B023
    assert not failures, "\n".join(failures)


def test_the_consoles_other_case_forms_are_the_policys(world, db):
    failures = _post_all(world, CONSOLE_FORMS, CONSOLE)
    assert not failures, "\n".join(failures)


def test_every_portal_action_is_the_policys(world, db):
    failures = _post_all(world, PORTAL_ACTIONS, PORTAL)
    assert not failures, "\n".join(failures)


# --- an unknown CASE number reads "not found", in every interface and language ----------------


@pytest.mark.parametrize(
    ("language", "heading", "wrong"),
    [
        ("zh-hans", "未找到", ("无权访问", "无法操作")),
        ("en", "Not found", ("Not allowed", "Not possible")),
    ],
)
def test_an_unknown_case_number_reads_not_found_everywhere(world, db, language, heading, wrong):
    staff, customer = (  # fresh copies: client_for sets their language
        User.objects.get(username=f"m.{role}") for role in ("duty_engineer", "customer")
    )
    hidden = world.case("ORGB").number
    pages = [
        (client_for(staff, language), "get", f"/cases/{UNKNOWN_NUMBER}/"),
        (client_for(staff, language), "get", f"/cases/{UNKNOWN_NUMBER}/assign/"),
        (client_for(staff, language), "post", f"/cases/{UNKNOWN_NUMBER}/do/resolve/"),
        (client_for(customer, language), "get", f"/portal/cases/{UNKNOWN_NUMBER}/"),
        (client_for(customer, language), "get", f"/portal/cases/{hidden}/"),
        (client_for(customer, language), "post", f"/portal/cases/{hidden}/confirm/"),
        (client_for(staff, language), "get", f"/mail/{UNKNOWN_PK}/raw/"),
    ]
    for client, method, url in pages:
        response = getattr(client, method)(url)
        text = page_text(response)
        assert response.status_code == 404, url
        assert f"<h1>{heading}</h1>" in text, (url, text[:500])
        assert not any(word in text for word in wrong), url
    header = {"Accept-Language": language}
    for user, number in ((staff, UNKNOWN_NUMBER), (customer, UNKNOWN_NUMBER), (customer, hidden)):
        api = ApiClient(user)
        response = api.client.get(f"/api/v1/cases/{number}", headers={**api.headers, **header})
        assert response.status_code == 404
        assert response.json()["detail"] == (
            f"没有 CASE {number}。" if language == "zh-hans" else f"No CASE {number}."
        )
