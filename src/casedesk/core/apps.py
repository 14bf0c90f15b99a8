from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every domain uses; it imports no domain app."""

    name = "casedesk.core"
    label = "core"
    verbose_name = _("Audit")
