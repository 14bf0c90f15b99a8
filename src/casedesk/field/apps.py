from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "casedesk.field"
    label = "field"
    verbose_name = _("Field service")

    def ready(self):
        # who may dispatch and work visits; the history's wording; the form mailed on signing
        from . import events, policy, presenters  # noqa: F401
