"""Registered webhooks and their outbox: a delivery row is written with the CASE event."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.cases.choices import EventKind
from casedesk.core import clock

from .choices import DeliveryStatus, WebhookFormat
from .validators import validate_webhook_url


class Webhook(models.Model):
    """A URL that receives CASE events, in one of the formats, filtered by kind and customer."""

    name = models.CharField(_("name"), max_length=100)
    url = models.CharField(
        _("URL"),
        max_length=1000,
        validators=[validate_webhook_url],
        help_text=_(
            "http:// or https://. For a group bot, the address the bot's settings show "
            "(WeCom: …/cgi-bin/webhook/send?key=…; DingTalk: …/robot/send?access_token=…; "
            "Feishu: …/open-apis/bot/v2/hook/…)."
        ),
    )
    format = models.CharField(
        _("format"), max_length=16, choices=WebhookFormat.choices, default=WebhookFormat.GENERIC
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "JSON: the key of the HMAC signature (generated when left empty). DingTalk and "
            "Feishu: the signing secret of the bot's security settings (empty: unsigned). "
            "WeCom does not sign: its key is in the URL."
        ),
    )
    event_kinds = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("The kinds of CASE event to send; none chosen: all of them."),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        verbose_name=_("organization"),
        help_text=_("Only this customer's CASEs; empty: every customer's."),
    )
    include_internal = models.BooleanField(
        _("include internal events"),
        default=False,
        help_text=_("Also send events only staff may see (internal notes)."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event posted to one webhook; unique per (webhook, event), so it fires once."""

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
        verbose_name=_("CASE"),
    )
    event = models.ForeignKey(
        "cases.CaseEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
        verbose_name=_("event"),
    )
    event_kind = models.CharField(_("event kind"), max_length=32)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.CharField(_("claim"), max_length=32, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="webhook_delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["webhook", "created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.webhook}: {self.event_label()} #{self.pk}"

    def event_label(self) -> str:
        """The event's name in the reader's language (``event_kind`` holds its code)."""
        return event_kind_label(self.event_kind)


def event_kind_label(kind: str) -> str:
    if kind == "test":
        return str(_("Test"))
    try:
        return str(EventKind(kind).label)
    except ValueError:
        return kind


class WebhookConfigVersion(models.Model):
    """One row whose number grows with every change to the webhooks (see selectors)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("webhook configuration version")

    def __str__(self) -> str:
        return str(self.version)
