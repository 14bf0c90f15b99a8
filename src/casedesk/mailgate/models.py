"""Every message the gateway receives, kept as raw bytes before anything reads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import InboundStatus


class InboundMessage(models.Model):
    """One received e-mail.  The raw RFC 822 bytes lie in a file under MEDIA_ROOT (a 35 MB
    message stays out of the database rows and out of memory while it is stored); the row
    says what became of it.  ``message_id`` is unique: the same mail twice is one row."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    raw = models.FileField(_("raw message"), upload_to="mail/", max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(_("source"), max_length=16, default="stdin")
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InboundStatus.choices, default=InboundStatus.STORED
    )
    reason = models.TextField(_("reason"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("CASE"),
    )
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        indexes = [
            models.Index(fields=["status", "received_at"], name="inbound_status"),
            models.Index(fields=["sender", "received_at"], name="inbound_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.get_status_display()})"
