"""The contracts domain's entries in the authorization matrices: the equipment import."""

from casedesk.contracts.import_policy import ImportAction
from tests.authorization import CONSOLE, Page

PAGES = {
    "contracts:equipment_import": Page(CONSOLE, (ImportAction.IMPORT_EQUIPMENT,)),
    "contracts:equipment_import_confirm": Page(
        CONSOLE, (ImportAction.IMPORT_EQUIPMENT,), post_only=True, form={"token": "expired"}
    ),
}
