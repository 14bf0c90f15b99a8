"""The one policy's registry (``core.policy``): each app registers its actions and who sees
which of its rows; every selector reads for a reader it is given; the authorization
matrices exercise every registered action, so a new domain's actions join them."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from enum import StrEnum
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

import casedesk
from casedesk.accounts import selectors as people
from casedesk.accounts.models import Contact, User
from casedesk.caselist import queues
from casedesk.caselist import selectors as caselist
from casedesk.cases import selectors as case_reads
from casedesk.cases.choices import CaseAction
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import Forbidden, NotFound
from casedesk.mailgate import selectors as mail
from casedesk.mailgate.models import InboundMessage
from casedesk.partners import selectors as partner_reads
from casedesk.routing import selectors as routing
from casedesk.search import selectors as search
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

READER_NAMES = ("reader", "fetched_by", "user")


class ToyAction(StrEnum):
    POLISH = "polish_toy"


@pytest.fixture
def registry(monkeypatch):
    """The registry, restored after the test (a toy domain registers into it)."""
    monkeypatch.setattr(policy, "_actions", dict(policy._actions))
    monkeypatch.setattr(policy, "_visibility", dict(policy._visibility))
    return policy


def _stranger(username: str = "stranger") -> User:
    """A user of a role added for a later domain, before any rule names it."""
    user = make_user("engineer", username=username)
    User.objects.filter(pk=user.pk).update(role="future_role")
    user.refresh_from_db()
    return user


# --- the registry -------------------------------------------------------------------------


def test_every_app_registers_its_own_actions():
    owners = {action: policy._actions[action].app for action in policy.actions()}
    assert {a for a, app in owners.items() if app == "cases"} == set(CaseAction)
    assert owners["manage_customers"] == "accounts"
    assert owners["view_dashboard"] == "reports"
    assert owners["view_recommendations"] == "routing"
    assert owners["manage_webhooks"] == "webhooks"
    assert owners["receive_fax"] == "mailgate"


def test_a_new_domain_registers_an_action_and_its_rule(registry, db):
    asked = []

    def rule(user, action, obj):
        asked.append(user)
        return user.role == "admin"

    registry.register("toys", {ToyAction.POLISH: gettext_lazy("polish")}, rule)
    admin, engineer = make_user("admin"), make_user("engineer")
    assert ToyAction.POLISH in registry.actions()
    assert registry.can(admin, ToyAction.POLISH) and not registry.can(engineer, ToyAction.POLISH)
    # The system may do anything, an inactive user nothing: the rule is not even asked.
    asked.clear()
    engineer.is_active = False
    assert registry.can(None, ToyAction.POLISH) and not registry.can(engineer, ToyAction.POLISH)
    assert asked == []
    with pytest.raises(Forbidden) as refused:
        registry.require(make_user("call_taker"), ToyAction.POLISH)
    assert registry.verb(ToyAction.POLISH) in refused.value.detail


def test_an_action_belongs_to_one_app(registry):
    with pytest.raises(ImproperlyConfigured):
        registry.register("toys", {CaseAction.CLOSE: gettext_lazy("close")}, lambda u, a, o: True)


def test_a_model_nobody_registered_is_seen_by_nobody(registry):
    registry._visibility.pop(Contact)
    with pytest.raises(ImproperlyConfigured):
        policy.visible(None, Contact)


def test_require_answers_not_found_for_an_object_the_reader_may_not_see(db):
    case = make_case()
    outsider = make_user("customer", org=OrganizationFactory(code="OUT"))
    with pytest.raises(NotFound):
        policy.require(outsider, "view_recommendations", case)
    with pytest.raises(Forbidden):
        policy.require(make_user("customer", org=case.organization), "view_recommendations", case)


def test_the_kernel_imports_no_app():
    tree = ast.parse(Path(policy.__file__).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    apps = [m for m in imported if m.startswith("casedesk.") and not m.startswith("casedesk.core")]
    assert apps == []


# --- every selector reads for a reader ----------------------------------------------------


def _selector_modules():
    for info in pkgutil.walk_packages(casedesk.__path__, "casedesk."):
        if info.name.endswith((".selectors", ".queues")):
            yield importlib.import_module(info.name)


def test_no_selector_reads_for_a_reader_by_default():
    """A reader is always said, never assumed: the system passes None explicitly."""
    defaults = [
        f"{module.__name__}.{name}({param.name}=...)"
        for module in _selector_modules()
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__
        for param in inspect.signature(fn).parameters.values()
        if param.name in READER_NAMES and param.default is not inspect.Parameter.empty
    ]
    assert defaults == []


# What a CASE is, what happened to it, who could take it and which past CASEs are like it:
# reads whose answer depends on who asks.  Each must be told the reader (None: the system).
READS_FOR_A_READER = [
    caselist.case_get,
    caselist.case_list,
    caselist.case_page,
    caselist.deadlines_of,
    queues.board_due,
    queues.board_escalated,
    queues.board_unassigned,
    queues.case_search,
    queues.my_cases,
    case_reads.case_events,
    case_reads.number_named,
    routing.case_by_number,
    routing.recommendations,
    routing.recommend_engineers,
    search.similar_cases,
    people.contact_search,
    mail.inbound_messages,
    partner_reads.case_for_partner,
    partner_reads.partner_cases,
    partner_reads.live_subcontract,
]


@pytest.mark.parametrize("read", READS_FOR_A_READER, ids=lambda fn: fn.__qualname__)
def test_a_read_of_cases_is_told_its_reader(read):
    told = [
        p
        for p in inspect.signature(read).parameters.values()
        if p.name in READER_NAMES and p.default is inspect.Parameter.empty
    ]
    assert told, f"{read.__module__}.{read.__name__} reads for nobody in particular"


def test_contacts_are_searched_among_those_the_reader_may_see(db):
    acme = OrganizationFactory(code="ACME", name="Acme")
    other = OrganizationFactory(code="OTHER", name="Other")
    ContactFactory(organization=acme, name="王工")
    ContactFactory(organization=other, name="王经理")
    customer = make_user("customer", org=acme)
    assert len(people.contact_search(q="王", fetched_by=make_user("call_taker"))) == 2
    assert [c.organization for c in people.contact_search(q="王", fetched_by=customer)] == [acme]
    assert people.contact_search(q="王", fetched_by=_stranger()) == []


def test_received_mail_is_read_by_those_who_triage_it(db):
    InboundMessage.objects.create(
        message_id="<1@example.com>",
        raw="mail/1.eml",
        size=1,
        sha256="0" * 64,
        status="quarantined",
        received_at="2026-11-02T09:00:00Z",
    )
    assert mail.inbound_messages(status="quarantined", fetched_by=make_user("call_taker"))
    assert mail.inbound_messages(status="quarantined", fetched_by=None)
    for reader in (make_user("engineer"), _stranger()):
        assert not mail.inbound_messages(status="quarantined", fetched_by=reader)


def test_the_case_rows_a_reader_sees_come_from_the_registry(db):
    case = make_case()
    assert list(policy.visible(None, Case)) == [case]
    assert not policy.visible(_stranger(), Case).exists()


# --- the authorization matrices read the registry ------------------------------------------


def test_every_registered_action_is_exercised_by_a_matrix():
    """An action no endpoint or page of the matrices needs is an action nobody tests: a
    new domain's actions must join ``ENDPOINTS`` (API) or ``PAGES`` (web)."""
    from tests.api.test_authorization_matrix import ENDPOINTS
    from tests.web.test_authorization_matrix import PAGES

    exercised = {a for variants in ENDPOINTS.values() for needs in variants for a in needs.actions}
    exercised |= {a for page in PAGES.values() for a in page.actions}
    assert exercised <= policy.actions(), "the matrices name actions nobody registered"
    missing = sorted(policy.actions() - exercised)
    assert not missing, f"Registered actions no endpoint or page exercises: {missing}"
