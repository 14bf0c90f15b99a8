from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "casedesk.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import policy  # noqa: F401  (registers its rules with core.policy)
