from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "casedesk.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from . import policy  # noqa: F401  (who may file and work complaints)
