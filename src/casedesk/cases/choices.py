from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    """Cisco severity 1–4."""

    P1 = "P1", _("P1 – network down")
    P2 = "P2", _("P2 – severely degraded")
    P3 = "P3", _("P3 – degraded")
    P4 = "P4", _("P4 – information or configuration request")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web portal")
    FAX = "fax", _("Fax")
    API = "api", _("API")


class WorkLogKind(models.TextChoices):
    CALLBACK = "callback", _("Callback to the customer")
    PHONE = "phone", _("Phone")
    REMOTE = "remote", _("Remote login")
    ONSITE = "onsite", _("On site")
    RMA = "rma", _("RMA")
    NOTE = "note", _("Note")
    # Mailed to the customer and public (the ``replies`` domain writes it, with its mail).
    REPLY = "reply", _("Reply to the customer")


class PendingReason(models.TextChoices):
    CUSTOMER = "customer", _("Waiting for the customer")
    VENDOR = "vendor", _("Waiting for the vendor")
    PARTS = "parts", _("Waiting for parts")


class EscalationTarget(models.TextChoices):
    SENIOR = "senior", _("Senior engineer")
    VENDOR = "vendor", _("Vendor")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    SENIOR = 1, _("Escalated to a senior engineer")
    VENDOR = 2, _("Escalated to the vendor")


class CaseAction(models.TextChoices):
    """Everything that can be done to a CASE: the keys of the transition table and policy."""

    VIEW = "view", _("View")
    OPEN = "open", _("Open")
    ASSIGN = "assign", _("Assign")
    ACCEPT = "accept", _("Accept")
    ADD_HELPER = "add_helper", _("Add helper")
    REMOVE_HELPER = "remove_helper", _("Remove helper")
    REQUEST_REASSIGNMENT = "request_reassignment", _("Request reassignment")
    LOG_WORK = "log_work", _("Log work")
    SET_PRIORITY = "set_priority", _("Change priority")
    ESCALATE_SENIOR = "escalate_senior", _("Escalate to a senior engineer")
    ESCALATE_VENDOR = "escalate_vendor", _("Escalate to the vendor")
    PEND = "pend", _("Pend")
    RESUME = "resume", _("Resume")
    RESOLVE = "resolve", _("Resolve")
    CONFIRM = "confirm", _("Confirm resolution")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    APPROVE_GOODWILL = "approve_goodwill", _("Approve goodwill service")
    SUBCONTRACT = "subcontract", _("Subcontract to a partner")


class EventKind(models.TextChoices):
    """The kind of a CaseEvent (audit row); stable strings, never translated in storage."""

    OPENED = "opened", _("Opened")
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    HELPER_ADDED = "helper_added", _("Helper added")
    HELPER_REMOVED = "helper_removed", _("Helper removed")
    REASSIGNMENT_REQUESTED = "reassignment_requested", _("Reassignment requested")
    WORK_LOGGED = "work_logged", _("Work logged")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    ESCALATED = "escalated", _("Escalated")
    PENDED = "pended", _("Pending")
    RESUMED = "resumed", _("Resumed")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Resolution confirmed")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    DEADLINE_FIRED = "deadline_fired", _("Deadline reached")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    GOODWILL_APPROVED = "goodwill_approved", _("Goodwill service approved")
    SUBCONTRACTED = "subcontracted", _("Subcontracted to a partner")
    SUBCONTRACT_WITHDRAWN = "subcontract_withdrawn", _("Subcontract withdrawn")
