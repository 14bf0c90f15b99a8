from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "casedesk.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from . import events  # noqa: F401  (subscribes to the CASE events)
