from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import FieldAction

app_name = "field"

urlpatterns = [
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/sw.js", views.service_worker, name="service_worker"),
    path("visits/manifest.webmanifest", views.manifest, name="manifest"),
    path("visits/<int:pk>/", views.visit_page, name="visit_page"),
    path("visits/<int:pk>/report.pdf", views.visit_report, name="visit_report"),
    path("cases/<str:number>/visits/new/", views.visit_new, name="visit_new"),
    path(
        "portal/field/visits/<int:pk>/report.pdf",
        views.portal_visit_report,
        name="portal_visit_report",
    ),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [("field:visit_list", _("Field visits"), FieldAction.VIEW)]
