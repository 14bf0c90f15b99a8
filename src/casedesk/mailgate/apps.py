from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailgateConfig(AppConfig):
    name = "casedesk.mailgate"
    label = "mailgate"
    verbose_name = _("Mail gateway")

    def ready(self):
        from . import policy, presenters  # noqa: F401  (rules, the wording of its notes)
