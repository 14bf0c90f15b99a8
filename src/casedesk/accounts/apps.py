from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "casedesk.accounts"
    label = "accounts"
    verbose_name = _("People and organizations")

    def ready(self):
        from . import policy  # noqa: F401  (registers its rules with core.policy)
