from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailgateConfig(AppConfig):
    name = "casedesk.mailgate"
    label = "mailgate"
    verbose_name = _("Mail gateway")

    def ready(self):
        from . import policy  # noqa: F401  (registers its rules with core.policy)
