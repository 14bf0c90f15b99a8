"""Test data of ``accounts``: organizations, contacts and users, made the way the product
makes them (users through ``accounts.services``, as ``casedesk createuser`` does)."""

from __future__ import annotations

from itertools import count

import factory

from casedesk.accounts import services as people
from casedesk.accounts.models import Contact, Organization, User
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
