from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "casedesk.parts"
    label = "parts"
    verbose_name = _("Spare parts")

    def ready(self):
        # who may see and move stock
        from . import policy, presenters  # noqa: F401
