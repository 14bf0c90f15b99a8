"""Contract managers (customer service managers, administrators) keep the catalogue, the
contracts and the installed base; the desk's staff read them all; a customer contact reads
their own organization's contracts and equipment, and the products those contracts name."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .models import Contract, Equipment, ServiceProduct

# Who signs contracts with customers: the customer service manager, and the administrator.
CONTRACT_MANAGERS = frozenset({Role.CS_MANAGER, Role.ADMIN})
# Who reads a renewal quote (prices): the managers who watch renewals, and the administrator.
QUOTERS = MANAGER_ROLES | frozenset({Role.ADMIN})


class ContractAction(StrEnum):
    VIEW = "view_contracts"
    MANAGE_CATALOGUE = "manage_catalogue"
    MANAGE_CONTRACTS = "manage_contracts"
    MANAGE_EQUIPMENT = "manage_equipment"
    QUOTE = "quote_renewal"


def _organization_of(obj) -> int | None:
    if isinstance(obj, ServiceProduct):
        return None
    return getattr(obj, "organization_id", None)


def _rule(user, action: str, obj) -> bool:
    if action == ContractAction.VIEW:
        if user.role in STAFF_ROLES:
            return True
        if user.role != Role.CUSTOMER or user.organization_id is None:
            return False
        if obj is None:  # "may see contracts at all": their own organization's
            return True
        if isinstance(obj, ServiceProduct):
            return obj.contracts.filter(organization_id=user.organization_id).exists()
        return _organization_of(obj) == user.organization_id
    if action == ContractAction.QUOTE:
        return user.role in QUOTERS
    return user.role in CONTRACT_MANAGERS


def _own(user, qs: QuerySet, field: str) -> QuerySet:
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CUSTOMER and user.organization_id is not None:
        return qs.filter(**{field: user.organization_id})
    return qs.none()


def _products(user, qs: QuerySet) -> QuerySet:
    """Staff: the catalogue; a customer: the products their organization's contracts name."""
    if user.role in STAFF_ROLES:
        return qs
    return qs.filter(
        pk__in=_own(user, Contract.objects.all(), "organization_id").values("service_product_id")
    )


policy.register(
    "contracts",
    {
        ContractAction.VIEW: gettext_lazy("see contracts"),
        ContractAction.MANAGE_CATALOGUE: gettext_lazy("manage the service catalogue"),
        ContractAction.MANAGE_CONTRACTS: gettext_lazy("manage contracts"),
        ContractAction.MANAGE_EQUIPMENT: gettext_lazy("manage the installed base"),
        ContractAction.QUOTE: gettext_lazy("quote renewals"),
    },
    _rule,
)
policy.register_visibility(
    ServiceProduct,
    _products,
    view=ContractAction.VIEW,
    hidden=gettext_lazy("No such service product."),
)
policy.register_visibility(
    Contract,
    lambda user, qs: _own(user, qs, "organization_id"),
    view=ContractAction.VIEW,
    hidden=gettext_lazy("No such contract."),
)
policy.register_visibility(
    Equipment,
    lambda user, qs: _own(user, qs, "organization_id"),
    view=ContractAction.VIEW,
    hidden=gettext_lazy("No such equipment."),
)
