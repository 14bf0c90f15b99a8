from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "casedesk.contracts"
    label = "contracts"
    verbose_name = _("Service catalogue, contracts and installed base")

    def ready(self):
        # renewal notices; who may see and do what; who may import equipment
        from . import events, policy  # noqa: F401
