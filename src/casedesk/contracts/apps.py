from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "casedesk.contracts"
    label = "contracts"
    verbose_name = _("Service catalogue, contracts and installed base")

    def ready(self):
        from . import import_policy  # noqa: F401  (register who may import equipment)
