from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "casedesk.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from . import events, policy  # noqa: F401  (rules; follow new and worked CASEs)
