"""The words the contracts domain stores: coverage hours, a contract's status, why it
entitles (or not), and what an allowance counts per which period."""

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
    ALLOWANCE_USED_UP = "allowance_used_up", _("covered, but the allowance is used up")


class AllowanceUnit(models.TextChoices):
    """What an allowance counts.  ``onsite_visits`` is declared for the field-service domain
    (a later issue): until on-site visits exist nothing counts them, so they read 0 used."""

    CASES = "cases", _("CASEs")
    ONSITE_VISITS = "onsite_visits", _("on-site visits")


class AllowancePeriod(models.TextChoices):
    """The period an allowance renews in (explicit dates, see ``contracts.allowances``)."""

    CONTRACT_YEAR = "contract_year", _("contract year")
    MONTH = "month", _("month")
