"""The CASE, its number sequence, its work logs and its history (CaseEvent)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.accounts.models import Contact, Organization

from .choices import (
    Channel,
    EscalationLevel,
    EventKind,
    PendingReason,
    Priority,
    Status,
    WorkLogKind,
)


class CaseNumberSequence(models.Model):
    """The last serial used in a month (``YYMM`` in the desk's time zone)."""

    period = models.CharField(_("period"), max_length=4, primary_key=True)
    last_serial = models.PositiveIntegerField(_("last serial number"))

    class Meta:
        verbose_name = _("CASE number sequence")
        verbose_name_plural = _("CASE number sequences")

    def __str__(self) -> str:
        return f"{self.period}: {self.last_serial}"


class Case(models.Model):
    """A customer problem from intake to close.  Changed only by ``cases.services``."""

    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organization")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("contact"),
    )
    # The caller record as given at intake (a snapshot: the contact may change later).
    caller_name = models.CharField(_("caller name"), max_length=100, blank=True)
    caller_company = models.CharField(_("caller company"), max_length=200, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=64, blank=True)
    caller_email = models.EmailField(_("caller e-mail"), blank=True)
    caller_address = models.CharField(_("caller address"), max_length=300, blank=True)
    contract_id = models.CharField(_("contract ID"), max_length=64, blank=True)

    # Empty for a CASE opened from a mail without a subject (presenters.shown_title).
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    hardware_platform = models.CharField(_("hardware platform"), max_length=100, blank=True)
    software_version = models.CharField(_("software version"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True, db_index=True)
    # What the CASE was entitled to when it was opened, decided at intake and kept (the
    # contracts domain fills it; None: nobody decided): ``{"entitled", "contract",
    # "service_product", "reason", "coverage", "calendar", "targets": {...}}``, and
    # ``"goodwill"`` when a manager approved service without cover.
    entitlement = models.JSONField(_("entitlement"), null=True, blank=True)

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    pending_reason = models.CharField(
        _("pending reason"), max_length=16, choices=PendingReason.choices, blank=True
    )

    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("engineer"),
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="helped_cases", verbose_name=_("helpers")
    )
    reassignment_requested = models.BooleanField(_("reassignment requested"), default=False)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    # The partner organization the CASE is subcontracted to (issue 16): its partner
    # engineers see and work it; None: the desk's own.  Set only by ``case_subcontract``.
    partner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subcontracted_cases",
        verbose_name=_("partner"),
    )
    vendor_reference = models.CharField(_("vendor case number"), max_length=64, blank=True)
    solution = models.TextField(_("solution"), blank=True)

    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("CASE")
        verbose_name_plural = _("CASEs")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="case_status_created"),
            models.Index(
                fields=["engineer", "status", "-created_at"], name="case_eng_status_created"
            ),
            models.Index(
                fields=["priority", "status", "-created_at"], name="case_prio_status_created"
            ),
            models.Index(fields=["organization", "-created_at"], name="case_org_created"),
            models.Index(fields=["-created_at", "-id"], name="case_created"),
            # The CASE list sorted by engineer: an index-only scan instead of reading every
            # CASE row (PostgreSQL; elsewhere a plain index on the engineer).
            models.Index(
                fields=["engineer"], include=["created_at", "id"], name="case_engineer_cover"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class WorkLog(models.Model):
    """One step of work on a CASE, with the minutes it took (labour hours)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="worklogs", verbose_name=_("CASE")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="worklogs",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=WorkLogKind.choices)
    note = models.TextField(_("note"), blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Internal notes are hidden from the customer.")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        indexes = [
            models.Index(fields=["case", "created_at"], name="worklog_case_created"),
            models.Index(fields=["author", "created_at"], name="worklog_author_created"),
            models.Index(fields=["created_at"], name="worklog_created"),  # labour per period
        ]

    def __str__(self) -> str:
        return f"{self.case.number} " + _("%(kind)s, %(minutes)s min") % {
            "kind": self.get_kind_display(),
            "minutes": self.minutes,
        }


class CaseEvent(models.Model):
    """One entry of a CASE's history: who did what, when, with before/after as data."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("CASE")
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for the system (supervisor, mail gateway)."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    data = models.JSONField(_("data"), default=dict, blank=True)
    internal = models.BooleanField(_("internal"), default=False)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("CASE event")
        verbose_name_plural = _("CASE events")
        indexes = [
            models.Index(fields=["case", "at", "id"], name="event_case_at"),
            # The dashboard's escalations per period.
            models.Index(
                fields=["at"], name="event_escalated_at", condition=models.Q(kind="escalated")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M:%S}"


def _attachment_path(attachment: "Attachment", filename: str) -> str:
    """Where a file lies under MEDIA_ROOT: a random name, never the uploader's (kept in
    ``name``), so no upload can choose a path, an extension or overwrite another file."""
    import uuid

    return f"attachments/{attachment.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file added to a CASE (a screenshot, a log, a config).  Served only through the
    permission-checked download view; written only by ``cases.attachments``."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("CASE")
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Internal files are hidden from the customer.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["case", "uploaded_at"], name="attachment_case_uploaded")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.name}"
