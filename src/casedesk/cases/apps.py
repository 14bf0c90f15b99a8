from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "casedesk.cases"
    label = "cases"
    verbose_name = _("CASEs")

    def ready(self) -> None:
        from . import policy, presenters  # noqa: F401 (register the rules and the history's wording)
