from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    """Every promised time the supervisor watches (SPEC §3)."""

    CALLBACK = "callback", _("Callback to the customer")
    ENGINEER_CALLBACK = "engineer_callback", _("Engineer callback after notification")
    CALLBACK_CHASE = "callback_chase", _("Callback check: remind the engineer")
    CALLBACK_REASSIGN = "callback_reassign", _("Callback check: reassign")
    FIRST_WORKLOG = "first_worklog", _("First work log")
    ESCALATION = "escalation", _("Escalation")
    VENDOR_ESCALATION = "vendor_escalation", _("Escalation to the vendor")
    RESOLUTION = "resolution", _("Resolution")
    # Promised by the domains a CASE leads to (spare parts, field service), watched the same.
    DEFECTIVE_RETURN = "defective_return", _("Defective part returned")
    REPAIR_RETURN = "repair_return", _("Repaired part returned by the vendor")
    ONSITE_ARRIVAL = "onsite_arrival", _("Engineer on site")
    # A vendor (TAC) case's next update, recurring until it is closed (vendors).
    VENDOR_UPDATE = "vendor_update", _("Update from the vendor")
    # Promised about something that is not a CASE (a complaint): no CASE, its own key.
    COMPLAINT_ACKNOWLEDGE = "complaint_acknowledge", _("Complaint acknowledged")
    COMPLAINT_RESOLUTION = "complaint_resolution", _("Complaint resolved")


# Deadlines of a part, not of the CASE's handling: they still stand once the CASE is resolved
# or closed (the defective part is due back days after the replacement fixed the trouble).
OUTLIVE_THE_CASE = frozenset({DeadlineKind.DEFECTIVE_RETURN, DeadlineKind.REPAIR_RETURN})


class Recipient(models.TextChoices):
    """Who hears about a deadline: roles resolved to people when it fires."""

    ENGINEER = "engineer", _("The CASE's engineer")
    DUTY_ENGINEER = "duty_engineer", _("The duty engineer on shift")
    ENGINEER_MANAGER = "engineer_manager", _("The engineer's manager")
    CS_MANAGER = "cs_manager", _("Customer service manager")
    SUPERVISOR = "supervisor", _("Technical support supervisor")
    GENERAL_MANAGER = "general_manager", _("General manager")


class ChaseAction(models.TextChoices):
    REASSIGN = "reassign", _("Reassign to the next recommended engineer")
    PROPOSE = "propose", _("Propose a reassignment to the duty engineer")


class Alert(models.TextChoices):
    """Ways a CASE becomes urgent, each told at once to the people ``services.ALERTS`` names."""

    OPENED = "opened", _("New urgent CASE")
    REOPENED = "reopened", _("CASE reopened")
    RAISED = "raised", _("Priority raised")
    CUSTOMER_REPLY = "customer_reply", _("The customer replied")
    ESCALATED = "escalated", _("Escalated to a senior engineer")
    REASSIGNMENT = "reassignment", _("Reassignment requested")
