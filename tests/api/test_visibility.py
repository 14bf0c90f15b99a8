"""Visibility through the HTTP API: a customer never sees, or touches, another organization's CASE.

The endpoints under ``/cases/{number}`` are read from the OpenAPI schema the API serves, so an
endpoint added later is covered without touching this file.
"""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.api.urls import api
from casedesk.cases import services
from casedesk.cases.models import Case
from tests.factories import ApiClient, ContactFactory, make_case
from tests.factories import database_snapshot as snapshot

SCHEMA = api.get_openapi_schema(path_prefix="")
NOBODY = "C9999999"  # a well-formed number no CASE has

# What API.md promises at least; the schema may add more.
CONTRACT = {
    ("get", "/cases/{number}"),
    ("get", "/cases/{number}/events"),
    ("post", "/cases/{number}/assign"),
    ("post", "/cases/{number}/worklogs"),
    ("post", "/cases/{number}/priority"),
    ("post", "/cases/{number}/escalate"),
    ("post", "/cases/{number}/resolve"),
    ("post", "/cases/{number}/confirm"),
    ("post", "/cases/{number}/close"),
    ("post", "/cases/{number}/reopen"),
}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict) -> Any:
    """A value the schema accepts: enough for the request to get past validation."""
    schema = _resolve(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s).get("type") != "null"]
            return example(options[0]) if options else None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(prop) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return []
    if kind == "integer":
        return schema.get("minimum", 0)
    if kind == "number":
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2026-12-07T10:00:00+08:00"
    if schema.get("format") == "date":
        return "2026-12-07"
    return "x" * max(schema.get("minLength", 1), 1)


def _case_operations() -> list[tuple[str, str, Any]]:
    found = []
    for path, item in SCHEMA["paths"].items():
        if not path.startswith("/cases/{number}"):
            continue
        for method, operation in item.items():
            body = operation.get("requestBody")
            payload = None
            if body:
                payload = example(body["content"]["application/json"]["schema"])
            found.append((method, path, payload))
    return found


CASE_OPERATIONS = _case_operations()


def call(client: ApiClient, method: str, path: str, body: Any):
    if method == "get":
        return client.get(path)
    if method == "delete":
        return client.delete(path)
    assert method == "post", f"teach this test to send {method.upper()} {path}"
    return client.post(path, body) if body is not None else client.post(path, raw="")


# --- the world ------------------------------------------------------------------------------


@pytest.fixture
def theirs(other_org, duty, engineer, senior) -> Case:
    """Organization B's CASE, in progress with a helper, so it has history of every kind."""
    case = make_case(
        contact=ContactFactory(organization=other_org, name="赵六"),
        title="OTHER-保密-防火墙宕机",
        serial_number="SN-OTHER-0042",
        priority="P2",
    )
    case = services.case_assign(case=case, engineer=engineer, by=duty, override_reason="客户指定")
    case = services.case_accept(case=case, by=engineer)
    services.case_add_helper(case=case, helper=senior, by=engineer)
    services.case_log_work(case=case, kind="note", note="内部记录", minutes=5, by=engineer)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def ours(contact, call_taker) -> Case:
    return make_case(contact=contact, by=call_taker, title="ACME 路由器告警", priority="P2")


@pytest.fixture
def cust(customer) -> ApiClient:
    return ApiClient(customer)


# --- the schema is served, and it is what the tests enumerate ------------------------------------


def test_openapi_and_docs_are_served(db):
    anonymous = ApiClient(None)
    response = anonymous.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"].startswith("3.")
    assert {p.removeprefix("/api/v1") for p in served["paths"]} == set(SCHEMA["paths"])
    docs = anonymous.client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content


def test_no_two_request_or_answer_schemas_share_a_name():
    """The OpenAPI document names each schema once: two domains' ``ResolveIn`` would be one
    in it, and one endpoint would be documented with the other's fields."""
    from ninja import Schema

    from casedesk.core import discovery

    discovery.app_modules("api")  # every domain's API loaded
    seen: dict[str, set[str]] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("casedesk."):
                seen.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}


def test_the_enumeration_covers_the_contract():
    found = {(method, path) for method, path, _ in CASE_OPERATIONS}
    assert found >= CONTRACT, CONTRACT - found


# --- every endpoint on one CASE: 404 for another organization's, as for no CASE at all -------------


def _url(path: str, number: str) -> str:
    # Other path parameters get a real value, so only the number decides.
    return path.format(number=number, username="se1")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [pytest.param(m, p, b, id=f"{m.upper()} {p}") for m, p, b in CASE_OPERATIONS],
)
def test_another_organizations_case_is_404_everywhere(cust, theirs, ours, method, path, body):
    before = snapshot()
    hidden = call(cust, method, _url(path, theirs.number), body)
    missing = call(cust, method, _url(path, NOBODY), body)

    for response in (hidden, missing):
        assert response.status_code == 404, response.content[:300]
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    # Indistinguishable from a CASE that does not exist: the same words, bar the number.
    assert hidden.json() == {k: v.replace(NOBODY, theirs.number) for k, v in missing.json().items()}
    for secret in (theirs.title, theirs.serial_number, "OTHER", "eng1", "se1"):
        assert secret not in hidden.content.decode(), secret
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [pytest.param(m, p, b, id=f"{m.upper()} {p}") for m, p, b in CASE_OPERATIONS],
)
def test_staff_reach_every_organizations_case(duty, theirs, method, path, body):
    """The control: the same requests on B's CASE are not 404 for the duty engineer."""
    response = call(ApiClient(duty), method, _url(path, theirs.number), body)
    assert response.status_code != 404, response.content[:300]
    assert response.status_code < 500


@pytest.mark.parametrize("number", ["lower", "upper"])
def test_the_number_spelling_does_not_open_a_door(cust, theirs, number):
    spelled = theirs.number.lower() if number == "lower" else theirs.number
    assert cust.get(f"/cases/{spelled}").status_code == 404


# --- lists ------------------------------------------------------------------------------------

FILTERS = {
    "none": lambda c: {},
    "organization B": lambda c: {"organization": "OTHER"},
    "B's title": lambda c: {"q": c.title},
    "a word of B's title": lambda c: {"q": "保密"},
    "B's number": lambda c: {"q": c.number},
    "B's number, lower case": lambda c: {"q": c.number.lower()},
    "B's serial number": lambda c: {"q": c.serial_number},
    "B's engineer": lambda c: {"engineer": "eng1"},
    "B's status": lambda c: {"status": "in_progress"},
    "B's priority": lambda c: {"priority": "P2"},
    "B's status, priority and engineer": lambda c: {
        "status": "in_progress",
        "priority": "P2",
        "engineer": "eng1",
    },
    "the largest page": lambda c: {"limit": 200},
    "the second item": lambda c: {"limit": 1, "offset": 1},
}


@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
def test_a_customer_never_lists_another_organizations_case(cust, theirs, ours, filters):
    response = cust.get("/cases", filters(theirs))
    assert response.status_code == 200, response.content[:300]
    listed = response.json()
    numbers = [item["number"] for item in listed["items"]]
    assert theirs.number not in numbers
    assert {item["organization"] for item in listed["items"]} <= {"ACME"}
    assert theirs.title not in response.content.decode()
    # The count does not give B's CASEs away either.
    assert listed["count"] <= 1


def test_a_customer_lists_and_reads_its_own_cases(cust, theirs, ours):
    listed = cust.get("/cases").json()
    assert (listed["count"], [i["number"] for i in listed["items"]]) == (1, [ours.number])
    assert cust.get("/cases", {"q": ours.number}).json()["count"] == 1
    assert cust.get(f"/cases/{ours.number}").json()["title"] == ours.title
    assert cust.get(f"/cases/{ours.number}/events").status_code == 200


def test_staff_see_every_organizations_cases(duty, theirs, ours):
    desk = ApiClient(duty)
    listed = desk.get("/cases").json()
    assert {i["number"] for i in listed["items"]} == {theirs.number, ours.number}
    assert [i["number"] for i in desk.get("/cases", {"organization": "OTHER"}).json()["items"]] == [
        theirs.number
    ]
    assert desk.get(f"/cases/{theirs.number}").json()["organization"] == "OTHER"


# --- what a customer may not create ----------------------------------------------------------


def test_a_customer_cannot_create_organizations_or_contacts(cust, other_org):
    before = snapshot()
    for path, body in [
        ("/organizations", {"code": "MINE", "name": "我的公司"}),
        ("/contacts", {"organization": "ACME", "name": "新联系人"}),
        ("/contacts", {"organization": "OTHER", "name": "新联系人"}),
    ]:
        response = cust.post(path, body)
        assert response.status_code == 403, (path, body, response.content[:300])
        assert response.json()["detail"]
    assert snapshot() == before


def test_a_customer_cannot_open_a_case_for_another_organization(cust, contact, other_org):
    theirs = ContactFactory(organization=other_org)
    body = {"title": "借用别家的名义", "priority": "P1", "channel": "web"}
    before = snapshot()
    for organization, contact_id in [
        ("OTHER", theirs.pk),  # B's organization and contact
        ("OTHER", contact.pk),  # B's organization, own contact
        ("ACME", theirs.pk),  # own organization, B's contact
    ]:
        response = cust.post("/cases", body | {"organization": organization, "contact": contact_id})
        assert 400 <= response.status_code < 500, response.content[:300]
        assert response.json()["detail"]
    assert snapshot() == before
    # B's code reads exactly like a code that does not exist.
    unknown = cust.post("/cases", body | {"organization": "NOPE", "contact": contact.pk})
    other = cust.post("/cases", body | {"organization": "OTHER", "contact": contact.pk})
    assert (other.status_code, other.json()["detail"].replace("OTHER", "NOPE")) == (
        unknown.status_code,
        unknown.json()["detail"],
    )
    # B's contact id reads exactly like a contact id that does not exist.
    missing = cust.post("/cases", body | {"organization": "ACME", "contact": 999_999})
    borrowed = cust.post("/cases", body | {"organization": "ACME", "contact": theirs.pk})
    assert (borrowed.status_code, borrowed.json()["detail"].replace(str(theirs.pk), "999999")) == (
        missing.status_code,
        missing.json()["detail"],
    )
    # The control: its own organization is fine.
    own = cust.post("/cases", body | {"organization": "ACME", "contact": contact.pk})
    assert own.status_code == 201, own.content[:300]


def test_a_customer_is_forbidden_staff_actions_on_its_own_case(cust, ours, engineer):
    """Visible but not allowed is 403, not 404: only invisibility hides."""
    before = snapshot()
    for action, body in [
        ("assign", {"engineer": "eng1"}),
        ("priority", {"priority": "P1"}),
        ("close", None),
    ]:
        response = cust.post(f"/cases/{ours.number}/{action}", body)
        assert response.status_code == 403, (action, response.content[:300])
        assert response.json()["detail"]
    assert snapshot() == before
