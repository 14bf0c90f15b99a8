"""The authorization matrix of the API: every endpoint of the served OpenAPI schema × every
role × CASEs of the reader's own and of another organization.

What each request must answer is derived from ``policy`` (``can``, ``visible_cases``):

- no or a bad token (anonymous, an inactive user): 401;
- a CASE the reader may not see, or no such CASE: 404;
- a CASE the reader sees, but the action is not theirs: 403;
- allowed: anything but 401/403/404 (2xx, or a 4xx for the CASE's state or bad input);
- never a 5xx, nothing written and no file stored when refused, and never a word of a CASE
  the reader may not see.

Written out here is only what the policy cannot know: which policy action each endpoint
needs (``ENDPOINTS``, keyed by operationId) and how to fill each path parameter
(``FILLERS``).  A domain's own endpoints are in its ``tests/<app>/matrix.py``
(``ENDPOINTS``, ``API_FILLERS``), collected here.  An endpoint missing from either fails its
test, so a new endpoint cannot escape the matrix; a new role joins it by itself
(``tests/authorization.py``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.api.urls import api
from tests.authorization import (
    NOTHING,
    UNKNOWN_NUMBER,
    A,
    Needs,
    World,
    collect,
    expected_for_desk,
    expected_for_object,
    fails,
    run,
    world_in_transaction,
)
from tests.factories import ApiClient

SCHEMA = api.get_openapi_schema(path_prefix="")
OPERATIONS = [
    (method, path, operation["operationId"])
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
]
STATUSES = {"anonymous": 401, "hidden": 404, "refused": 403}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def nobody(w: World) -> str:
    return "m.nobody"


def fax(organization: str) -> Callable[[World], dict]:
    def body(w: World) -> dict:
        return {
            "organization": organization,
            "title": "传真报障",
            "scan": SimpleUploadedFile("fax.pdf", PDF, "application/pdf"),
        }

    return body


# What each endpoint needs of the policy.  Variants with references to nothing ("m.nobody",
# an unknown organization) prove the policy is asked before the references are looked up:
# refused stays 403 and hidden 404 whatever the body names.
ENDPOINTS: dict[str, tuple[Needs, ...]] = {
    "casedesk_api_accounts_create_organization": (
        Needs((A.MANAGE_CUSTOMERS,), lambda w: {"code": "MNEW", "name": "新客户"}),
    ),
    "casedesk_api_accounts_create_contact": (
        Needs((A.MANAGE_CUSTOMERS,), lambda w: {"organization": "ORGA", "name": "新联系人"}),
        Needs(
            (A.MANAGE_CUSTOMERS,),
            lambda w: {"organization": "NOPE", "name": "新联系人"},
            label="unknown organization",
        ),
    ),
    "casedesk_api_cases_create_case": (
        Needs(
            (A.OPEN,),
            lambda w: {
                "organization": "ORGA",
                "contact": w.contact_a.pk,
                "title": "矩阵新 CASE",
                "priority": "P3",
                "channel": "phone",
            },
        ),
        Needs(
            (A.OPEN,),
            lambda w: {
                "organization": "NOPE",
                "contact": 999_999,
                "title": "矩阵新 CASE",
                "priority": "P3",
                "channel": "phone",
            },
            label="unknown organization and contact",
        ),
    ),
    "casedesk_api_cases_list_cases": (
        Needs(),
        Needs(query={"q": "机密标题"}, label="word search"),
        Needs(query={"organization": "ORGB", "limit": "200"}, label="organization B"),
    ),
    "casedesk_api_cases_get_case": (Needs((A.VIEW,)),),
    "casedesk_api_cases_case_events": (Needs((A.VIEW,)),),
    "casedesk_api_cases_case_worklogs": (Needs((A.VIEW,)),),
    "casedesk_api_cases_log_work": (
        Needs((A.LOG_WORK,), lambda w: {"kind": "note", "note": "矩阵记录"}),
    ),
    "casedesk_api_cases_assign": (
        Needs((A.ASSIGN,), lambda w: {"engineer": w.spare.username}),
        Needs((A.ASSIGN,), lambda w: {"engineer": "m.nobody"}, label="unknown engineer"),
    ),
    "casedesk_api_cases_accept": (Needs((A.ACCEPT,), state="assigned"),),
    "casedesk_api_cases_add_helper": (
        Needs((A.ADD_HELPER,), lambda w: {"username": w.spare.username}),
        Needs((A.ADD_HELPER,), lambda w: {"username": "m.nobody"}, label="unknown engineer"),
    ),
    "casedesk_api_cases_remove_helper": (
        Needs((A.REMOVE_HELPER,)),
        Needs((A.REMOVE_HELPER,), fill={"username": nobody}, label="unknown user"),
    ),
    "casedesk_api_cases_request_reassignment": (
        Needs((A.REQUEST_REASSIGNMENT,), lambda w: {"reason": "太忙"}),
    ),
    "casedesk_api_cases_set_priority": (Needs((A.SET_PRIORITY,), lambda w: {"priority": "P2"}),),
    "casedesk_api_cases_escalate": (
        Needs((A.ESCALATE_SENIOR,), lambda w: {"target": "senior", "reason": "需要 SE"}),
        Needs(
            (A.ESCALATE_SENIOR, A.ASSIGN),
            lambda w: {"target": "senior", "reason": "需要 SE", "engineer": w.spare.username},
            label="handed to a senior engineer",
        ),
        Needs(
            (A.ESCALATE_SENIOR, A.ASSIGN),
            lambda w: {"target": "senior", "reason": "需要 SE", "engineer": "m.nobody"},
            label="handed to an unknown engineer",
        ),
        # (answered 422 for whoever may: open a vendor case instead, tests/vendors)
        Needs(
            (A.ESCALATE_VENDOR,),
            lambda w: {"target": "vendor", "reason": "厂商"},
            label="to the vendor",
        ),
    ),
    "casedesk_api_cases_pend": (Needs((A.PEND,), lambda w: {"reason": "customer"}),),
    "casedesk_api_cases_resume": (Needs((A.RESUME,), state="pending"),),
    "casedesk_api_cases_resolve": (Needs((A.RESOLVE,), lambda w: {"solution": "更换光模块"}),),
    "casedesk_api_cases_confirm": (
        Needs((A.CONFIRM,), lambda w: {"note": "客户电话确认"}, state="resolved"),
    ),
    "casedesk_api_cases_close": (Needs((A.CLOSE,), state="resolved_confirmed"),),
    "casedesk_api_cases_reopen": (
        Needs((A.REOPEN,), lambda w: {"reason": "问题依旧"}, state="resolved"),
        Needs((A.REOPEN,), lambda w: {"reason": "问题依旧"}, state="closed", label="closed"),
    ),
    "casedesk_api_cases_approve_goodwill": (
        Needs(  # (the world's CASEs are of unknown boxes: uncovered; contracts' product)
            (A.APPROVE_GOODWILL,),
            lambda w: {"reason": "老客户续约中", "service_product": "MATRIX-GOLD"},
        ),
        Needs((A.APPROVE_GOODWILL,), lambda w: {"reason": "老客户续约中"}, label="no product"),
        Needs(
            (A.APPROVE_GOODWILL,),
            lambda w: {"reason": "老客户续约中", "service_product": "NOPE"},
            label="unknown service product",
        ),
        Needs((A.APPROVE_GOODWILL,), lambda w: {"reason": "晚了"}, state="closed", label="closed"),
    ),
    "casedesk_api_routing_case_recommendations": (Needs((A.VIEW_RECOMMENDATIONS,)),),
    "casedesk_api_webhooks_list_webhooks": (Needs((A.MANAGE_WEBHOOKS,)),),
    "casedesk_api_webhooks_create_webhook": (
        Needs((A.MANAGE_WEBHOOKS,), lambda w: {"name": "矩阵", "url": "https://example.com/h"}),
        Needs(
            (A.MANAGE_WEBHOOKS,),
            lambda w: {"name": "矩阵", "url": "https://example.com/h", "organization": "NOPE"},
            label="unknown organization",
        ),
    ),
    "casedesk_api_intake_receive_fax": (
        Needs((A.RECEIVE_FAX,), fax("ORGA"), multipart=True),
        Needs((A.RECEIVE_FAX,), fax("NOPE"), multipart=True, label="unknown organization"),
    ),
}
WHERE = "tests/<app>/matrix.py for a domain's own API, else in " + __file__
ENDPOINTS = collect(ENDPOINTS, "ENDPOINTS", __file__)

# How to fill each path parameter, by the path's first segment and the parameter's name:
# label → (value, the object it names: a CASE, another domain's object, NOTHING for none
# such, or None when the parameter names no object).  ``state`` is the variant's.
Targets = dict[str, tuple[str, Any]]


def _case_numbers(w: World, state: str) -> Targets:
    a, b = w.case("ORGA", state), w.case("ORGB", state)
    return {
        "org A's CASE": (a.number, a),
        "org B's CASE": (b.number, b),
        "no such CASE": (UNKNOWN_NUMBER, NOTHING),
    }


FILLERS: dict[tuple[str, str], Callable[[World, str], Targets]] = {
    ("cases", "number"): _case_numbers,
    ("cases", "username"): lambda w, state: {"its helper": (w.helper.username, None)},
}
FILLERS = collect(FILLERS, "API_FILLERS", __file__)


def _params(path: str) -> list[str]:
    return re.findall(r"{(\w+)(?::\w+)?}", path)


def _filler(path: str, name: str):
    return FILLERS.get((path.strip("/").split("/")[0], name))


@dataclass(frozen=True)
class Target:
    label: str
    values: dict[str, str]
    obj: Any  # the object the path names (NOTHING: none such; None: it names no object)


def targets(w: World, path: str, needs: Needs) -> list[Target]:
    """Every combination of the path's parameters' fillers."""
    choices = []
    for name in _params(path):
        if name in needs.fill:
            choices.append([(name, "", needs.fill[name](w), None)])
        else:
            found = _filler(path, name)(w, needs.state)
            choices.append([(name, label, value, obj) for label, (value, obj) in found.items()])
    return [
        Target(
            label=", ".join(label for _n, label, _v, _c in combo if label),
            values={name: value for name, _l, value, _c in combo},
            obj=next((obj for *_, obj in combo if obj is not None), None),
        )
        for combo in itertools.product(*choices)
    ]


def send(client: ApiClient, method: str, path: str, needs: Needs, w: World):
    body = needs.body(w) if needs.body else None
    if needs.multipart:
        return client.client.post(client._url(path), body, headers=client.headers)
    if method == "get":
        return client.get(path, needs.query)
    if method == "delete":
        return client.delete(path)
    if method == "patch":
        return client.patch(path, body)
    assert method == "post", f"teach {__name__}.send to send {method.upper()}"
    return client.post(path, body) if body is not None else client.post(path, raw="")


# --- the world --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with world_in_transaction(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        w.clients = {s.label: ApiClient(s.user) for s in w.subjects}
        yield w


# --- the table is complete ------------------------------------------------------------------


def test_every_endpoint_of_the_schema_is_in_the_matrix():
    missing = [f"{m.upper()} {p} ({op})" for m, p, op in OPERATIONS if op not in ENDPOINTS]
    assert not missing, (
        "Endpoints the authorization matrix does not know: add each to ENDPOINTS in "
        f"{WHERE} with the policy action(s) it needs:\n" + "\n".join(missing)
    )
    stale = set(ENDPOINTS) - {op for _m, _p, op in OPERATIONS}
    assert not stale, f"ENDPOINTS names operations the API no longer has: {sorted(stale)}"


def test_every_path_parameter_has_a_filler():
    missing = sorted(
        {f"{{{name}}} in {path}" for _m, path, _op in OPERATIONS for name in _params(path)}
        - {
            f"{{{name}}} in {path}"
            for _m, path, _op in OPERATIONS
            for name in _params(path)
            if _filler(path, name)
        }
    )
    assert not missing, (
        "Path parameters the authorization matrix cannot fill: add a filler to API_FILLERS in "
        f"{WHERE}:\n" + "\n".join(missing)
    )


# --- the matrix -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [pytest.param(m, p, op, id=f"{m.upper()} {p}") for m, p, op in OPERATIONS],
)
def test_every_role_gets_what_the_policy_says(world, db, method, path, operation_id):
    variants = ENDPOINTS.get(operation_id)
    assert variants, (
        f"{method.upper()} {path} ({operation_id}) is not in the authorization matrix: "
        f"add it to ENDPOINTS in {WHERE} with the policy action(s) it needs"
    )
    unfilled = [name for name in _params(path) if _filler(path, name) is None]
    assert not unfilled, (
        f"{method.upper()} {path}: the authorization matrix cannot fill {unfilled}; "
        f"add a filler to API_FILLERS in {WHERE}"
    )
    failures, succeeded = [], 0
    for needs in variants:
        for target in targets(world, path, needs):
            url = path.format(**target.values)
            for subject in world.subjects:
                user = subject.user
                if not subject.authenticated and not needs.public:
                    expected = "anonymous"
                elif target.obj is not None:
                    expected = expected_for_object(user, needs.actions, target.obj)
                else:  # a desk-wide action
                    expected = expected_for_desk(user, needs.actions)
                client = world.clients[subject.label]
                outcome = run(world, lambda: send(client, method, url, needs, world))  # noqa: B023
                succeeded += 200 <= outcome.status < 300
                for why in fails(outcome, expected, secrets=world.secrets(user), statuses=STATUSES):
                    where = ", ".join(x for x in (needs.label, target.label) if x)
                    failures.append(f"{subject.label} [{where}]: {why}")
    assert not failures, f"{method.upper()} {path}:\n" + "\n".join(failures)
    assert succeeded, (
        f"{method.upper()} {path}: nobody succeeded; does the matrix's request still fit it?"
    )
