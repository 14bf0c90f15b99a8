from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import hint_views, import_urls, views
from .policy import ContractAction

app_name = "contracts"

urlpatterns = [
    # The import's pages first: "equipment/import/" is not a serial number.
    *import_urls.urlpatterns,
    path("contracts/entitlement-hint/", hint_views.entitlement_hint, name="entitlement_hint"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/products/", views.product_list, name="product_list"),
    path("contracts/products/new/", views.product_new, name="product_new"),
    path("contracts/equipment/", views.equipment_list, name="equipment_list"),
    path("contracts/equipment/new/", views.equipment_new, name="equipment_new"),
    path(
        "contracts/equipment/<str:serial_number>/",
        views.equipment_detail,
        name="equipment_detail",
    ),
    path("contracts/<str:number>/", views.contract_detail, name="contract_detail"),
    path("contracts/<str:number>/amend/", views.contract_amend, name="contract_amend"),
    path(
        "contracts/<str:number>/quote.xlsx", views.contract_quote_xlsx, name="contract_quote_xlsx"
    ),
    path("contracts/<str:number>/quote.pdf", views.contract_quote_pdf, name="contract_quote_pdf"),
    path("contracts/<str:number>/coverage/", views.coverage_add, name="coverage_add"),
    path("portal/contracts/", views.portal_contracts, name="portal_contracts"),
    path(
        "portal/contracts/entitlement-hint/",
        hint_views.portal_entitlement_hint,
        name="portal_entitlement_hint",
    ),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [
    ("contracts:contract_list", _("Contracts"), ContractAction.VIEW),
    ("contracts:equipment_list", _("Installed base"), ContractAction.VIEW),
    ("contracts:equipment_import", _("Import equipment"), ContractAction.MANAGE_EQUIPMENT),
]
# The portal's menu, likewise.
PORTAL_MENU = [
    ("contracts:portal_contracts", _("Our contracts and equipment"), ContractAction.VIEW)
]
