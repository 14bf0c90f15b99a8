from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import CmdbAction

app_name = "cmdb"

urlpatterns = [
    path("cmdb/", views.item_list, name="item_list"),
    path("cmdb/new/", views.item_new, name="item_new"),
    path("cmdb/<int:pk>/", views.item_page, name="item_page"),
    path("cmdb/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("cmdb/<int:pk>/relations/", views.item_relate, name="item_relate"),
    path(
        "cmdb/<int:pk>/relations/<int:relation_pk>/remove/",
        views.relation_remove,
        name="relation_remove",
    ),
    path("cmdb/<int:pk>/retire/", views.item_retire, name="item_retire"),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [("cmdb:item_list", _("CMDB"), CmdbAction.VIEW)]
