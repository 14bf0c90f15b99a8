from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "casedesk.vendors"
    label = "vendors"
    verbose_name = _("Vendors")

    def ready(self):
        # who may see and work vendors and their cases; the wording of their history notes;
        # the supervision pass's next rounds
        from . import events, policy, presenters  # noqa: F401
