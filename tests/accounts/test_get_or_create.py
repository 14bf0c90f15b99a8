"""Organizations and contacts made by two callers at the same moment: one record, and the
loser of a race gets a clear answer (409 / the winner's record), never a database error."""

import pytest

from casedesk.accounts import services as people
from casedesk.accounts.models import Contact, Organization
from tests.factories import ApiClient, OrganizationFactory, make_user
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_api_calls_creating_one_organization_get_201_and_409():
    clients = [ApiClient(make_user("call_taker", username=f"taker{n}")) for n in (1, 2)]

    def create(client):
        return lambda: client.post("/organizations", {"code": "NEWCO", "name": "New Co"})

    answers, errors = race([create(c) for c in clients], hold=Organization)

    assert errors == []
    assert sorted(a.status_code for a in answers) == [201, 409], [a.content for a in answers]
    assert "already exists" in next(a.json()["detail"] for a in answers if a.status_code == 409)
    assert Organization.objects.filter(code="NEWCO").count() == 1


def test_get_or_create_of_a_new_organization_at_once_gives_both_the_same_one():
    def get_or_create():
        return people.organization_get_or_create(code="NEWCO", name="New Co", by=None)

    results, errors = race([get_or_create, get_or_create], hold=Organization)

    assert errors == []
    assert len({org.pk for org, _created in results}) == 1
    assert sorted(created for _org, created in results) == [False, True]


def test_get_or_create_of_a_contact_at_once_gives_both_the_same_one():
    org = OrganizationFactory(code="NEWCO")

    def get_or_create():
        return people.contact_get_or_create(
            organization=org, email="li.lei@newco.example", name="Li Lei", by=None
        )

    results, errors = race([get_or_create, get_or_create], hold=Contact)

    assert errors == []
    assert Contact.objects.filter(organization=org).count() == 1
    assert sorted(created for _contact, created in results) == [False, True]


def test_get_or_create_finds_an_existing_record_whatever_its_case(db):
    org = OrganizationFactory(code="NewCo")
    assert people.organization_get_or_create(code="NEWCO", name="x", by=None) == (org, False)
    contact = Contact.objects.create(
        organization=org, name="Li", email="Li.Lei@NewCo.example", created_at=org.created_at
    )
    assert people.contact_get_or_create(
        organization=org, email="li.lei@newco.example", name="x", by=None
    ) == (contact, False)
