from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "casedesk.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self):
        from . import policy  # noqa: F401  (registers its rules with core.policy)
