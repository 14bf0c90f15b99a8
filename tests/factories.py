"""Test data, built through the operation layer wherever the product builds it that way."""

from __future__ import annotations

import json
import re
from itertools import count

import factory
from django.test import Client

from casedesk.accounts import services as people
from casedesk.accounts.models import Contact, Organization, User
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent, CaseNumberSequence, WorkLog
from casedesk.core import clock

_seq = count(1)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG{n:03d}")
    name = factory.Sequence(lambda n: f"客户公司 {n}")
    service_level = "gold"
    created_at = factory.LazyFunction(clock.now)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    email = factory.Sequence(lambda n: f"contact{n}@example.cn")
    created_at = factory.LazyFunction(clock.now)


def make_user(
    role: str,
    *,
    username: str | None = None,
    tier: str | None = None,
    org: Organization | None = None,
    skills: tuple[str, ...] = (),
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """A user of ``role`` made by the same service as ``casedesk createuser``; ``first_name``
    is the given name, ``last_name`` the family name (王建国: last 王, first 建国)."""
    username = username or f"{role}{next(_seq)}"
    return people.user_create(
        username=username,
        role=role,
        tier=tier,
        skills=skills,
        organization=org,
        email=email if email is not None else f"{username}@desk.example",
        first_name=first_name,
        last_name=last_name,
    )


def make_case(
    *,
    org: Organization | None = None,
    contact: Contact | None = None,
    by: User | None = None,
    **fields,
) -> Case:
    """An open CASE, opened by ``by`` (the system when None)."""
    if contact is None:
        contact = ContactFactory(organization=org) if org else ContactFactory()
    org = contact.organization
    defaults = {"title": "核心交换机故障", "priority": "P3", "channel": "phone"}
    defaults.update(fields)
    return services.case_open(organization=org, contact=contact, by=by, **defaults)


class ApiClient:
    """A JSON client for /api/v1 authenticated with a real bearer token."""

    def __init__(self, user: User | None):
        self.user = user
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, raw = people.token_create(user=user)
            self.headers = {"Authorization": f"Bearer {raw}"}

    def _url(self, path: str) -> str:
        return "/api/v1" + path

    def get(self, path: str, params: dict | None = None):
        return self.client.get(self._url(path), params or {}, headers=self.headers)

    def post(self, path: str, body=None, *, raw: str | bytes | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            self._url(path), data, content_type="application/json", headers=self.headers
        )

    def delete(self, path: str):
        return self.client.delete(self._url(path), headers=self.headers)


def database_snapshot() -> dict:
    """Every row an API call could write, to prove that a refused request wrote nothing."""
    return {
        "cases": list(Case.objects.order_by("pk").values()),
        "helpers": sorted(Case.helpers.through.objects.values_list("case_id", "user_id")),
        "events": list(CaseEvent.objects.order_by("pk").values()),
        "worklogs": list(WorkLog.objects.order_by("pk").values()),
        "organizations": list(Organization.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "numbers": list(CaseNumberSequence.objects.order_by("period").values()),
    }


def client_for(user, language: str = "en"):
    """A browser-less client logged in as ``user``, who reads pages in ``language``."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    """A page's HTML with runs of whitespace as one space, to search for phrases."""
    return re.sub(r"\s+", " ", response.content.decode())
