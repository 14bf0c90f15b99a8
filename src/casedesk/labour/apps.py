from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "casedesk.labour"
    label = "labour"
    verbose_name = _("Labour hours and their cost")

    def ready(self):
        from . import policy  # noqa: F401  (who may see costs and keep rate cards)
