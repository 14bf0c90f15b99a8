from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "casedesk.cases"
    label = "cases"
    verbose_name = _("CASEs")

    def ready(self):
        from . import policy  # noqa: F401  (registers its rules with core.policy)
