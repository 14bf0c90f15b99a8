from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmdbConfig(AppConfig):
    name = "casedesk.cmdb"
    label = "cmdb"
    verbose_name = _("Configuration management")

    def ready(self):
        # who may read and keep the CMDB; how its history reads
        from . import policy, presenters  # noqa: F401
