"""The world the authorization matrices run in: every role × CASEs of two organizations.

Shared by ``tests/api/test_authorization_matrix.py`` (every endpoint of the OpenAPI schema)
and ``tests/web/test_authorization_matrix.py`` (every page of the console and portal).
The people are made from ``Role``'s choices, so a role added later joins both matrices by
itself; what each of them may do is asked of ``policy``, never written out here.

The world is built once per test module inside a transaction that is rolled back at its
end; each request of a matrix runs in a savepoint rolled back after it, so every request
sees the same world.

A domain brings its own entries from its own test folder: ``tests/<app>/matrix.py`` (found
by :func:`matrices` for every installed app) may hold

- ``ENDPOINTS``: operationId → (``Needs``, …), its API's endpoints;
- ``API_FILLERS``: (the path's first segment, parameter) → filler, as the API matrix's;
- ``PAGES``: URL name → ``Page``, its console and portal pages;
- ``PAGE_FILLERS``: "name/param" or "param" → filler, as the web matrix's;
- ``build(world)``: makes its objects in the world (``world.objects[<app>]``).

A filler names an object by the object itself, or ``NOTHING`` for "no such object": what a
request about it must answer is then the policy's (:func:`expected_for_object`).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from casedesk.accounts.choices import Role
from casedesk.accounts.models import ApiToken, Contact, Organization, User
from casedesk.cases import attachments, services
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import InvalidInput
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

UNKNOWN_NUMBER = "C9999999"  # a well-formed number no CASE has
UNKNOWN_PK = 987_654_321

# The states the matrices need a CASE in, so that an allowed action can really succeed.
STATES = ("assigned", "in_progress", "pending", "resolved", "resolved_confirmed", "closed")

# Every action the apps registered with the policy, by name (``A.ASSIGN``, ``A.RECEIVE_FAX``):
# what the matrices' tables name, and each must be exercised by one of them.  Two apps may
# give an action the same name (``CaseAction.VIEW``, a domain's ``ToyAction.VIEW``): the first
# registered keeps it, so a domain's matrix names its own actions by its own enum.
_names: dict[str, str] = {}
for _action in policy._actions:  # in registration order: INSTALLED_APPS order
    _names.setdefault(_action.name, _action)
A = SimpleNamespace(**_names)


class _Nothing:
    """What a filler names when the URL names an object that does not exist."""

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING: Any = _Nothing()


# --- what the tables say ----------------------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    """One way to call an API endpoint and the policy actions it needs.

    ``actions`` empty: any signed-in user may call it, and what it answers is scoped to them
    (``policy.visible``).  ``state``: the state of the CASEs its ``{number}`` names.
    ``fill`` overrides path parameters (e.g. a username nobody has).  ``public``: it needs
    no login (a survey's link): anyone, anonymous too, gets what the policy gives.
    """

    actions: tuple[str, ...] = ()
    body: Callable[[World], Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    state: str = "in_progress"
    fill: dict[str, Callable[[World], str]] = field(default_factory=dict)
    multipart: bool = False
    label: str = ""
    public: bool = False


PUBLIC, SIGNED_IN, CONSOLE, PORTAL = "public", "signed in", "console", "portal"
# The admin's pages: anyone may be sent to log in; a signed-in user needs admin rights.
ADMIN = "admin"


@dataclass(frozen=True)
class Page:
    """Whom a URL is for, the policy actions it needs, and whether it takes only POST.

    ``form``: what a POST to it sends (a dict, or a callable making one), so the web matrix
    posts it too; a domain's POST-only page needs one.
    """

    audience: str
    actions: tuple[str, ...] = ()
    post_only: bool = False
    form: dict[str, Any] | Callable[[], dict[str, Any]] | None = None


@functools.cache
def matrices() -> tuple[ModuleType, ...]:
    """Each installed app's ``tests/<app>/matrix.py``, in ``INSTALLED_APPS`` order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("casedesk."):
            continue
        name = f"tests.{config.name.split('.')[-1]}.matrix"
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) and importlib.util.find_spec(name):
            found.append(importlib.import_module(name))
    return tuple(found)


def collect(table: dict, attribute: str, where: str) -> dict:
    """``table`` with every domain's ``attribute`` added; a key in two places is an error."""
    merged = dict(table)
    for module in matrices():
        for key, value in getattr(module, attribute, {}).items():
            assert key not in merged, f"{key} is in {attribute} twice ({where}, {module.__file__})"
            merged[key] = value
    return merged


@dataclass
class Subject:
    """Who makes a request: a label for the failure table and the user (None: anonymous)."""

    label: str
    user: User | None

    @property
    def authenticated(self) -> bool:
        return self.user is not None and self.user.is_active


@dataclass
class World:
    org_a: Organization
    org_b: Organization
    contact_a: Contact
    contact_b: Contact
    owner: User  # owns every CASE below (first-line: may not escalate to the vendor)
    helper: User  # helps on every CASE below
    spare: User  # an engineer unrelated to every CASE: whom the matrices assign and add
    subjects: list[Subject]
    # (organization code, state) → CASE
    cases: dict[tuple[str, str], Case] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)  # each domain's, by its label
    files: dict[str, int] = field(default_factory=dict)  # "A"/"B" → a public attachment's pk
    media: Path | None = None
    _secrets: dict[int | None, list[str]] = field(default_factory=dict)

    def case(self, org: str, state: str = "in_progress") -> Case:
        return self.cases[(org, state)]

    def secrets(self, user: User | None) -> list[str]:
        """What ``user`` must never read anywhere: the titles and serial numbers of every
        CASE the policy hides from them (asked once per user: every request is undone)."""
        key = user.pk if user is not None else None
        if key not in self._secrets:
            seen = set(policy.visible(user, Case).values_list("pk", flat=True))
            self._secrets[key] = [
                text
                for case in self.cases.values()
                if case.pk not in seen
                for text in (case.title, case.serial_number)
            ]
        return self._secrets[key]


def _member(role: str, label: str) -> User:
    """A user of ``role``; a role that belongs to an organization (customer…) gets org A's."""
    try:
        return make_user(role, username=label)
    except InvalidInput:
        return make_user(role, username=label, org=Organization.objects.get(code="ORGA"))


def _bring(world: World, org: Organization, contact: Contact, state: str, dispatcher: User):
    case = make_case(
        contact=contact,
        by=dispatcher,
        title=f"MATRIX-{org.code}-{state}-机密标题",
        serial_number=f"SN-{org.code}-{state}",
        priority="P3",
    )
    case = services.case_assign(case=case, engineer=world.owner, by=dispatcher)
    case = services.case_add_helper(case=case, helper=world.helper, by=dispatcher)
    if state != "assigned":
        case = services.case_accept(case=case, by=world.owner)
    if state == "pending":
        case = services.case_pend(case=case, reason="customer", by=world.owner)
    if state in ("resolved", "resolved_confirmed", "closed"):
        case = services.case_resolve(case=case, solution="更换光模块", by=world.owner)
    if state in ("resolved_confirmed", "closed"):
        case = services.case_confirm(case=case, note="客户电话确认", by=dispatcher)
    if state == "closed":
        case = services.case_close(case=case, by=dispatcher)
    return Case.objects.get(pk=case.pk)


def build_world(media: Path) -> World:
    org_a = OrganizationFactory(code="ORGA", name="甲方客户", service_level="gold")
    org_b = OrganizationFactory(code="ORGB", name="乙方客户", service_level="silver")
    contact_a = ContactFactory(organization=org_a, name="甲联系人")
    contact_b = ContactFactory(organization=org_b, name="乙联系人")
    owner = make_user("engineer", username="m.owner", tier="first_line")
    helper = make_user("engineer", username="m.helper", tier="first_line")
    spare = make_user("engineer", username="m.spare", tier="senior")
    subjects = [Subject("anonymous", None)]
    # Every role there is, unrelated to the CASEs (a customer: of organization A).
    subjects += [Subject(role, _member(role, f"m.{role}")) for role in Role.values]
    subjects += [
        Subject("engineer, the CASE's owner", owner),
        Subject("engineer, a helper on the CASE", helper),
    ]
    # A role added for a later domain before the policy learnt it: it must get nothing.
    stranger = make_user("engineer", username="m.stranger")
    User.objects.filter(pk=stranger.pk).update(role="future_role")
    stranger.refresh_from_db()
    subjects.append(Subject("a role the policy does not know", stranger))
    inactive = make_user("duty_engineer", username="m.inactive")
    world = World(org_a, org_b, contact_a, contact_b, owner, helper, spare, subjects, media=media)
    dispatcher = make_user("duty_engineer", username="m.dispatcher")
    for org, contact in ((org_a, contact_a), (org_b, contact_b)):
        for state in STATES:
            world.cases[(org.code, state)] = _bring(world, org, contact, state, dispatcher)
        case = world.case(org.code)
        [file] = attachments.case_attach(
            case=case,
            uploads=[SimpleUploadedFile("log.txt", b"%SYS-5-RESTART\n", "text/plain")],
            by=owner,
        )
        world.files[org.code] = file.pk
    for module in matrices():
        if hasattr(module, "build"):
            module.build(world)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    subjects.append(Subject("inactive duty engineer", inactive))
    return world


@contextmanager
def world_in_transaction(django_db_blocker, media: Path) -> Iterator[World]:
    """Build the world in a transaction that is rolled back when the module is done."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        try:
            yield build_world(media)
        finally:
            transaction.set_rollback(True)


# --- what a request did ------------------------------------------------------------------------

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Bookkeeping of signing in, not of the request's action: a token's "last used" touch.
_BOOKKEEPING = (ApiToken._meta.db_table, "django_session")


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that wrote to the database (bar sign-in bookkeeping)."""
    found = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if _WRITE.match(sql) and not any(table in sql for table in _BOOKKEEPING):
            found.append(sql[:160])
    return found


def stored_files(media: Path | None) -> set[Path]:
    if media is None or not media.exists():
        return set()
    return {p for p in media.rglob("*") if p.is_file()}


@dataclass
class Outcome:
    status: int
    body: str
    writes: list[str]
    new_files: set[Path]
    location: str | None = None
    html: bool = False


@contextmanager
def rolled_back(world: World) -> Iterator[CaptureQueriesContext]:
    """Run one request in a savepoint that is rolled back, capturing its SQL."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            yield queries
        transaction.set_rollback(True)


def run(world: World, request) -> Outcome:
    """``request()`` in a rolled-back savepoint: its status, body, writes and new files."""
    files = stored_files(world.media)
    with rolled_back(world) as queries:
        response = request()
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Outcome(
        status=response.status_code,
        body=body.decode(errors="replace"),
        writes=writes(queries),
        new_files=stored_files(world.media) - files,
        location=response.get("Location"),
        html=response.get("Content-Type", "").startswith("text/html"),
    )


def expected_for_object(user: User | None, actions: tuple[str, ...], obj: Any) -> str:
    """What the policy says about ``user`` doing ``actions`` to ``obj`` — a CASE or any
    domain's object (``NOTHING``: none such): "hidden" (404) when it is not among the rows
    ``policy.visible`` gives them, else "refused" (403) or "allowed" by ``policy.can``."""
    if obj is NOTHING or not policy.visible(user, type(obj)).filter(pk=obj.pk).exists():
        return "hidden"
    if not all(policy.can(user, action, obj) for action in actions):
        return "refused"
    return "allowed"


def expected_for_desk(user: User | None, actions: tuple[str, ...]) -> str:
    """What the policy says about ``user`` doing desk-wide ``actions`` (no CASE)."""
    return "allowed" if all(policy.can(user, action) for action in actions) else "refused"


def fails(outcome: Outcome, expected: str, *, secrets: list[str], statuses: dict) -> list[str]:
    """Why ``outcome`` breaks the rules for ``expected`` (empty: it keeps them).

    ``statuses`` maps "hidden", "refused", "anonymous" to the status each must answer with.
    """
    why = []
    status = outcome.status
    if status >= 500:
        why.append(f"answered {status}")
    elif expected == "allowed":
        if status in (401, 403, 404):
            why.append(f"allowed by the policy, but answered {status}")
    elif status != statuses[expected]:
        why.append(f"{expected}: expected {statuses[expected]}, answered {status}")
    if expected != "allowed" and outcome.writes:
        why.append(f"{expected}, yet wrote: {outcome.writes[0]}")
    if expected != "allowed" and outcome.new_files:
        why.append(f"{expected}, yet stored files: {sorted(map(str, outcome.new_files))}")
    leaked = [s for s in secrets if s and s in outcome.body]
    if leaked:
        why.append(f"showed what it may not see: {leaked}")
    return why
