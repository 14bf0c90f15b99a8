"""Organizations and contacts."""

from typing import Literal

from ninja import Field, Router, Schema, Status

from casedesk.accounts import selectors, services
from casedesk.accounts.policy import AccountAction
from casedesk.core import policy

from .schemas import Detail, In

router = Router(tags=["organizations and contacts"])


class OrganizationIn(In):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1, max_length=200)
    service_level: Literal["gold", "silver"] = "silver"
    phone: str = Field("", max_length=64)
    address: str = Field("", max_length=300)


class OrganizationOut(Schema):
    code: str
    name: str
    service_level: str
    phone: str
    address: str


class ContactIn(In):
    organization: str = Field(max_length=32)
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field("", max_length=64)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)


class ContactOut(Schema):
    id: int
    organization: str
    name: str
    phone: str
    email: str
    address: str


def contact_out(contact) -> dict:
    return {
        "id": contact.pk,
        "organization": contact.organization.code,
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "address": contact.address,
    }


ERRORS = {400: Detail, 401: Detail, 403: Detail, 409: Detail, 422: Detail}


@router.post("/organizations", response={201: OrganizationOut, **ERRORS})
def create_organization(request, payload: OrganizationIn):
    org = services.organization_create(**payload.dict(), by=request.auth)
    return Status(201, org)


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request, payload: ContactIn):
    policy.require(request.auth, AccountAction.MANAGE_CUSTOMERS)
    data = payload.dict()
    org = selectors.organization_by_code(data.pop("organization"))
    contact = services.contact_create(organization=org, **data, by=request.auth)
    return Status(201, contact_out(contact))
