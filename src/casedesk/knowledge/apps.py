from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "casedesk.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        # who may write, review and read articles
        from . import policy  # noqa: F401
