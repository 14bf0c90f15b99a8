"""The equipment import's pages, to be listed in the contracts domain's ``urls.py``
(``urlpatterns = [..., *import_urls.urlpatterns]``): their names are then
``contracts:equipment_import`` and ``contracts:equipment_import_confirm``."""

from django.urls import path

from . import import_views

urlpatterns = [
    path("contracts/equipment/import/", import_views.equipment_import, name="equipment_import"),
    path(
        "contracts/equipment/import/confirm/",
        import_views.equipment_import_confirm,
        name="equipment_import_confirm",
    ),
]
