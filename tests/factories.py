"""Test helpers shared by every app's tests: API and browser-less clients, a snapshot of the
database.  Each app's test data lives in its own ``tests/<app>/factories.py``; the names are
re-exported here so ``from tests.factories import make_case`` keeps working."""

from __future__ import annotations

import json
import re

from django.test import Client

from casedesk.accounts import services as people
from casedesk.accounts.models import Contact, Organization, User
from casedesk.cases.models import Case, CaseEvent, CaseNumberSequence, WorkLog
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case

__all__ = ["ContactFactory", "OrganizationFactory", "make_case", "make_user"]
__all__ += ["ApiClient", "client_for", "database_snapshot", "page_text"]


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

    def patch(self, path: str, body=None):
        return self.client.patch(
            self._url(path),
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
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
