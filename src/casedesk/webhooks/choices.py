from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookFormat(models.TextChoices):
    """What the receiver understands: our JSON document, or a chat group bot's message."""

    GENERIC = "generic", _("JSON (signed with HMAC-SHA256)")
    WECOM = "wecom", _("WeCom group bot")
    DINGTALK = "dingtalk", _("DingTalk group bot")
    FEISHU = "feishu", _("Feishu group bot")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Given up")
