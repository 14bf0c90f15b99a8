from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import PartsAction

app_name = "parts"

urlpatterns = [
    path("stock/", views.stock, name="stock"),
    path("stock/parts/<str:part_number>/", views.part_detail, name="part_detail"),
    path("stock/parts/<str:part_number>/move/", views.part_move, name="part_move"),
    path("cases/<str:number>/rmas/", views.rma_request, name="rma_request"),
    path("rmas/<str:number>/shipping/", views.rma_shipping, name="rma_shipping"),
    path(
        "rmas/<str:number>/defective-received/",
        views.rma_defective_received,
        name="rma_defective_received",
    ),
    path("rmas/<str:number>/repair/", views.rma_repair, name="rma_repair"),
    path("rmas/<str:number>/repaired/", views.rma_repaired, name="rma_repaired"),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [("parts:stock", _("Spare parts"), PartsAction.VIEW)]
