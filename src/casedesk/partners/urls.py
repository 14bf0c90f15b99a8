from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import PartnerAction

app_name = "partners"

urlpatterns = [
    # The desk's: partners, their targets, rules and monthly figures; a CASE given and taken.
    path("partners/", views.partner_list, name="partner_list"),
    path("cases/<str:number>/subcontract/", views.case_subcontract, name="case_subcontract"),
    path("cases/<str:number>/subcontract/withdraw/", views.case_withdraw, name="case_withdraw"),
    # The partner area: a partner engineer's CASEs, nothing else.
    path("partner/", views.partner_home, name="partner_home"),
    path("partner/cases/<str:number>/", views.partner_case, name="partner_case"),
    path("partner/cases/<str:number>/<str:step>/", views.partner_step, name="partner_step"),
]

MENU = [("partners:partner_list", _("Partners"), PartnerAction.VIEW)]
