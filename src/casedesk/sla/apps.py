from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "casedesk.sla"
    label = "sla"
    verbose_name = _("Service levels and calendars")

    def ready(self) -> None:
        from . import events, models, presenters  # noqa: F401 (subscribers, the deadline's wording)
        from .selectors import config_changed

        # Every row the per-process configuration cache is built from.
        for model in (
            models.ServiceCalendar,
            models.WorkingPeriod,
            models.CalendarException,
            models.ServiceLevelCalendar,
            models.SlaPolicy,
            models.SeverityTarget,
            models.EscalationRule,
        ):
            post_save.connect(config_changed, sender=model, dispatch_uid=f"sla-config-{model}")
            post_delete.connect(config_changed, sender=model, dispatch_uid=f"sla-config-d-{model}")
