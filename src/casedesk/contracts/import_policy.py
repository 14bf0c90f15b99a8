"""Who may import the installed base: the contract managers (customer service managers and
administrators), the same people who manage contracts."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.core import policy


class ImportAction(StrEnum):
    IMPORT_EQUIPMENT = "import_equipment"


CONTRACT_MANAGERS = frozenset({Role.CS_MANAGER, Role.ADMIN})


def _rule(user, action: str, obj) -> bool:
    return user.role in CONTRACT_MANAGERS


policy.register(
    "contracts",
    {ImportAction.IMPORT_EQUIPMENT: gettext_lazy("import equipment")},
    _rule,
)
