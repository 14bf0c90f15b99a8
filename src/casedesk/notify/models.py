"""The outbox: every message the desk sends is a row first, written with the event it tells of."""

from email.utils import make_msgid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import NotificationStatus


def domain() -> str:
    """The desk's mail domain, in which it names its messages."""
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "casedesk.local"


def root_id(number: str) -> str:
    """The Message-ID every mail about CASE ``number`` descends from (the mail gateway
    finds the CASE of a reply by it)."""
    return f"<{number}@{domain()}>"


def new_message_id() -> str:
    """A new ``Message-ID`` in the desk's mail domain.

    A message's id is fixed when its outbox row is written, so a message sent again (its
    sender died between the server's acceptance and recording it) is the same message,
    which mail servers and clients recognise and show once.
    """
    return make_msgid(domain=domain())


class Notification(models.Model):
    """One e-mail to one person.  ``dedupe_key`` makes each (reason, recipient) unique."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("CASE"),
    )
    deadline = models.ForeignKey(
        "sla.Deadline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("deadline"),
    )
    dedupe_key = models.CharField(_("key"), max_length=150, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("to"))
    copy = models.BooleanField(
        _("copy"), default=False, help_text=_("Sent for information (CC), not for action.")
    )
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    message_id = models.CharField(
        _("Message-ID"), max_length=200, blank=True, default=new_message_id
    )
    # Threading: the customer's mail this answers, and the ids before it (root first).
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    # Files to attach, by reference (CASE attachments, read when the mail is built):
    # [{"id": 12, "name": "C2611001-visit-3-v1.pdf"}], the name kept for the outbox's lists.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)  # wall clock
    claim_token = models.CharField(_("claim"), max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["case", "created_at"], name="notification_case"),
            models.Index(
                fields=["message_id"],
                name="notification_message_id",
                condition=~models.Q(message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"
