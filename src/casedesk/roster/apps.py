from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "casedesk.roster"
    label = "roster"
    verbose_name = _("Duty roster")

    def ready(self):
        # who plans the roster and who reads it
        from . import policy  # noqa: F401
