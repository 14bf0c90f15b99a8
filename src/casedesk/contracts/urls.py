"""The contracts domain's console pages (found by ``casedesk.urls``)."""

from django.utils.translation import gettext_lazy as _

from . import import_urls
from .import_policy import ImportAction

app_name = "contracts"

urlpatterns = [*import_urls.urlpatterns]

MENU = [("contracts:equipment_import", _("Import equipment"), ImportAction.IMPORT_EQUIPMENT)]
