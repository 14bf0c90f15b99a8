from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import PartsAction

app_name = "parts"

urlpatterns = [
    path("stock/", views.stock, name="stock"),
    path("stock/parts/<str:part_number>/", views.part_detail, name="part_detail"),
    path("stock/parts/<str:part_number>/move/", views.part_move, name="part_move"),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [("parts:stock", _("Spare parts"), PartsAction.VIEW)]
