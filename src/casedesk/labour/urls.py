from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import LabourAction

app_name = "labour"

urlpatterns = [
    path("labour/", views.report, name="report"),
    path("labour/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("labour/settlement/", views.settlement, name="settlement"),
    path("labour/settlement.xlsx", views.settlement_xlsx, name="settlement_xlsx"),
    path("labour/rate-cards/", views.rate_cards, name="rate_cards"),
    path("labour/rate-cards/new/", views.rate_card_new, name="rate_card_new"),
    path("labour/rate-cards/<int:pk>/edit/", views.rate_card_edit, name="rate_card_edit"),
    path(
        "labour/rate-cards/<int:pk>/supersede/",
        views.rate_card_supersede,
        name="rate_card_supersede",
    ),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [("labour:report", _("Labour"), LabourAction.VIEW)]
