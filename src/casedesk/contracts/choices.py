"""The words the contracts domain stores: coverage hours and a contract's status."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Coverage(models.TextChoices):
    ALWAYS = "7x24", _("7×24")
    OFFICE = "5x8", _("5×8")


class ContractStatus(models.TextChoices):
    """Worked out from the dates and the clock at read time, never stored."""

    FUTURE = "future", _("not started")
    ACTIVE = "active", pgettext_lazy("contract status", "active")
    EXPIRED = "expired", _("expired")


class EntitlementReason(models.TextChoices):
    """Why a serial number or an organization is (not) entitled to service at an instant."""

    COVERED = "covered", _("covered")
    NOT_COVERED_FOR_ONSITE = "not_covered_for_onsite", _("covered, but not for on-site service")
    EXPIRED = "expired", _("coverage expired")
    NOT_STARTED = "not_started", _("coverage not started yet")
    NO_CONTRACT = "no_contract", _("no contract")
    SEVERAL_CONTRACTS = "several_contracts", _("several active contracts")
    UNKNOWN_SERIAL = "unknown_serial", _("unknown serial number")
    UNKNOWN_ORGANIZATION = "unknown_organization", _("unknown organization")
