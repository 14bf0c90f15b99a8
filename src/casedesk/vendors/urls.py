from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import VendorsAction

app_name = "vendors"

urlpatterns = [
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/report/", views.report, name="report"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("cases/<str:number>/vendor-cases/", views.vendor_case_open, name="vendor_case_open"),
    path("vendor-cases/<int:pk>/updates/", views.vendor_case_update, name="vendor_case_update"),
    path("vendor-cases/<int:pk>/close/", views.vendor_case_close, name="vendor_case_close"),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [("vendors:vendor_list", _("Vendors"), VendorsAction.VIEW)]  # the report: from its page
