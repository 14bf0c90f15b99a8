from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "casedesk.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import events  # noqa: F401  (subscribes to the CASE events)
