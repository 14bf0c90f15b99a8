from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    STORED = "stored", _("Stored, not yet processed")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED = "ignored", _("Ignored (auto-reply or bounce)")
    REJECTED = "rejected", _("Rejected (unknown sender)")
