from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "casedesk.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import events, policy, selectors  # noqa: F401 (subscribers, rules)
        from .models import Webhook

        post_save.connect(selectors.hooks_changed, sender=Webhook, dispatch_uid="webhooks_saved")
        post_delete.connect(
            selectors.hooks_changed, sender=Webhook, dispatch_uid="webhooks_deleted"
        )
