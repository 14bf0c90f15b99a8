from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CALL_TAKER = "call_taker", _("Call taker")
    DUTY_ENGINEER = "duty_engineer", _("Duty engineer")
    ENGINEER = "engineer", _("Engineer")
    CS_MANAGER = "cs_manager", _("Customer service manager")
    SUPERVISOR = "supervisor", _("Technical support supervisor")
    GENERAL_MANAGER = "general_manager", _("General manager")
    ADMIN = "admin", _("Administrator")
    CUSTOMER = "customer", _("Customer contact")
    # A member of a partner organization that serves CASEs subcontracted to it (issue 16).
    PARTNER = "partner", _("Partner engineer")


class Tier(models.TextChoices):
    FIRST_LINE = "first_line", _("First-line engineer")
    SENIOR = "senior", _("Senior engineer (SE)")


class ServiceLevel(models.TextChoices):
    GOLD = "gold", _("Gold (7×24)")
    SILVER = "silver", _("Silver (5×8)")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


# Roles whose members belong to an organization (and have no staff profile).
ORGANIZATION_ROLES = frozenset({Role.CUSTOMER, Role.PARTNER})
MANAGER_ROLES = frozenset({Role.CS_MANAGER, Role.SUPERVISOR, Role.GENERAL_MANAGER})
# Roles whose members can own a CASE as its engineer.
ASSIGNABLE_ROLES = frozenset({Role.ENGINEER, Role.DUTY_ENGINEER, Role.SUPERVISOR})
