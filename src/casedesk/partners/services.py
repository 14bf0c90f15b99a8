"""Every change to partners and subcontracts: one operation each, audited.

Targets are back-to-back with the desk's: a partner's target may never be looser than the
strictest the desk promises its customers for that priority (refused, saying the limit),
and each subcontracted CASE's due times are also brought forward to the CASE's own
deadlines when those fall earlier (``Subcontract.clamped``; the page says so).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from casedesk.accounts import services as accounts
from casedesk.accounts.choices import ServiceLevel
from casedesk.accounts.models import Organization, User
from casedesk.cases import services as cases
from casedesk.cases.choices import CaseAction, Priority
from casedesk.cases.models import Case
from casedesk.core import audit, clock, policy
from casedesk.core.errors import Conflict, DomainError, InvalidInput
from casedesk.core.operations import operation
from casedesk.sla.choices import DeadlineKind
from casedesk.sla.models import Deadline
from casedesk.sla.selectors import level_config

from .models import Partner, PartnerTarget, Subcontract, SubcontractRule
from .policy import PartnerAction

MAX_MINUTES = 60 * 24 * 90
log = logging.getLogger(__name__)


def _email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise InvalidInput(_("%(email)r is not an e-mail address.") % {"email": value}) from exc
    return value


@operation
def partner_create(*, code: str, name: str, email: str = "", by: User | None) -> Partner:
    """Make an organization a partner: a new one with ``code`` and ``name``, or the existing
    organization of that code (a customer may also serve others)."""
    policy.require(by, PartnerAction.MANAGE)
    code, name, email = (code or "").strip(), (name or "").strip(), _email(email)
    if not code:
        raise InvalidInput(_("A partner needs a code."))
    organization = Organization.objects.filter(code__iexact=code).first()
    if organization is None:
        if not name:
            raise InvalidInput(_("A partner needs a name."))
        organization = accounts.organization_create(code=code, name=name, by=by)
    elif Partner.objects.filter(organization=organization).exists():
        raise Conflict(_("%(code)s is already a partner.") % {"code": organization.code})
    partner = Partner.objects.create(
        organization=organization, email=email, is_active=True, created_at=clock.now()
    )
    audit.record(
        action="partner.create",
        obj=partner,
        actor=by,
        after={"organization": organization.code, "email": email, "is_active": True},
    )
    return partner


@operation
def partner_set_active(*, partner: Partner, active: bool, by: User | None) -> Partner:
    """Stop (or resume) subcontracting to the partner; its live CASEs stay with it."""
    policy.require(by, PartnerAction.MANAGE, partner)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.is_active == active:
        return partner
    before = partner.is_active
    partner.is_active = active
    partner.save(update_fields=["is_active"])
    audit.record(
        action="partner.set_active",
        obj=partner,
        actor=by,
        before={"is_active": before},
        after={"is_active": active},
    )
    return partner


def desk_limits(priority: str) -> tuple[int | None, int | None]:
    """The strictest the desk promises any customer for ``priority``: minutes to the first
    work log and to resolution (None: no promise), over every service level."""
    response: list[int] = []
    resolution: list[int] = []
    for level in ServiceLevel.values:
        config = level_config(level)
        response.append(config.policy.first_worklog_minutes)
        target = config.targets.get(priority)
        if target is not None and target.resolution_minutes is not None:
            resolution.append(target.resolution_minutes)
    return (min(response) if response else None, min(resolution) if resolution else None)


def _minutes(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
        raise InvalidInput(
            _("%(field)s must be a whole number of minutes from 1 to %(max)d.")
            % {"field": field, "max": MAX_MINUTES}
        )
    return value


@operation
def partner_set_target(
    *,
    partner: Partner,
    priority: str,
    response_minutes: int,
    resolution_minutes: int,
    by: User | None,
) -> PartnerTarget:
    """The partner's promise for ``priority``; refused when looser than the desk's own."""
    policy.require(by, PartnerAction.MANAGE, partner)
    if priority not in Priority.values:
        raise InvalidInput(
            _("Unknown priority %(value)r; choose one of %(choices)s.")
            % {"value": priority, "choices": ", ".join(Priority.values)}
        )
    response = _minutes(response_minutes, "response_minutes")
    resolution = _minutes(resolution_minutes, "resolution_minutes")
    if response > resolution:
        raise InvalidInput(_("A partner must accept a CASE before it must resolve it."))
    desk_response, desk_resolution = desk_limits(priority)
    if desk_response is not None and response > desk_response:
        raise InvalidInput(
            _(
                "%(priority)s: %(minutes)d minutes to accept is looser than the desk promises"
                " its customers (%(limit)d minutes to the first work log); back-to-back"
                " targets may be tighter, never looser."
            )
            % {"priority": priority, "minutes": response, "limit": desk_response}
        )
    if desk_resolution is not None and resolution > desk_resolution:
        raise InvalidInput(
            _(
                "%(priority)s: %(minutes)d minutes to resolve is looser than the desk promises"
                " its customers (%(limit)d minutes); back-to-back targets may be tighter,"
                " never looser."
            )
            % {"priority": priority, "minutes": resolution, "limit": desk_resolution}
        )
    target = PartnerTarget.objects.filter(partner=partner, priority=priority).first()
    before = (
        {
            "response_minutes": target.response_minutes,
            "resolution_minutes": target.resolution_minutes,
        }
        if target
        else {}
    )
    if target is None:
        target = PartnerTarget(partner=partner, priority=priority)
    target.response_minutes, target.resolution_minutes = response, resolution
    target.save()
    audit.record(
        action="partner.set_target",
        obj=partner,
        actor=by,
        before=before,
        after={
            "priority": priority,
            "response_minutes": response,
            "resolution_minutes": resolution,
        },
    )
    return target


@operation
def rule_create(
    *,
    partner: Partner,
    customer: Organization | None = None,
    region: str = "",
    product: str = "",
    position: int = 100,
    by: User | None,
) -> SubcontractRule:
    """A rule that subcontracts new CASEs matching all its conditions to ``partner``."""
    policy.require(by, PartnerAction.MANAGE, partner)
    region, product = (region or "").strip()[:100], (product or "").strip()[:100]
    if customer is None and not region and not product:
        raise InvalidInput(
            _("A subcontracting rule needs a condition: a customer, a region or a product.")
        )
    if customer is not None and customer.pk == partner.organization_id:
        raise InvalidInput(_("A partner does not serve its own organization's CASEs."))
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 32767:
        raise InvalidInput(_("position must be a whole number from 0 to 32767."))
    rule = SubcontractRule.objects.create(
        partner=partner,
        customer=customer,
        region=region,
        product=product,
        position=position,
        created_at=clock.now(),
    )
    audit.record(
        action="subcontract_rule.create",
        obj=rule,
        actor=by,
        after={
            "partner": partner.code,
            "customer": customer.code if customer else None,
            "region": region,
            "product": product,
            "position": position,
        },
    )
    return rule


@operation
def rule_delete(*, rule: SubcontractRule, by: User | None) -> None:
    policy.require(by, PartnerAction.MANAGE, rule)
    audit.record(
        action="subcontract_rule.delete",
        obj=rule,
        actor=by,
        before={
            "partner": rule.partner.code,
            "customer": rule.customer.code if rule.customer else None,
            "region": rule.region,
            "product": rule.product,
        },
    )
    rule.delete()


def _case_due(case: Case, kind: str) -> dt.datetime | None:
    """When the CASE's own still-running promise of ``kind`` falls due (None: none)."""
    return (
        Deadline.objects.active()
        .filter(case=case, kind=kind)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def _due_times(partner: Partner, case: Case) -> tuple[dt.datetime | None, dt.datetime | None, bool]:
    """The partner's accept-by and resolve-by for ``case`` from now, and whether either was
    brought forward to the CASE's own deadline."""
    now = clock.now()
    target = PartnerTarget.objects.filter(partner=partner, priority=case.priority).first()
    clamped = False
    due: list[dt.datetime | None] = []
    for minutes, kind in (
        (target.response_minutes if target else None, DeadlineKind.FIRST_WORKLOG),
        (target.resolution_minutes if target else None, DeadlineKind.RESOLUTION),
    ):
        own = now + dt.timedelta(minutes=minutes) if minutes is not None else None
        customers = _case_due(case, kind)
        if customers is not None and (own is None or customers < own):
            clamped = clamped or own is not None
            own = max(customers, now)
        due.append(own)
    return due[0], due[1], clamped


@operation
def subcontract_open(
    *,
    case: Case,
    partner: Partner,
    reason: str = "",
    by: User | None,
    rule: SubcontractRule | None = None,
) -> Subcontract:
    """Give ``case`` to ``partner`` (by the desk, or by ``rule`` with ``by`` None)."""
    policy.require(by, CaseAction.SUBCONTRACT, case)
    partner = Partner.objects.select_related("organization").get(pk=partner.pk)
    if not partner.is_active:
        raise InvalidInput(
            _("%(code)s is not an active partner: CASEs are not subcontracted to it.")
            % {"code": partner.code}
        )
    if case.organization_id == partner.organization_id:
        raise InvalidInput(_("A partner does not serve its own organization's CASEs."))
    case = cases.case_subcontract(case=case, partner=partner.organization, reason=reason, by=by)
    respond_by, resolve_by, clamped = _due_times(partner, case)
    subcontract = Subcontract.objects.create(
        case=case,
        partner=partner,
        rule=rule,
        reason=(reason or "").strip()[:500],
        priority=case.priority,
        subcontracted_at=clock.now(),
        subcontracted_by=by,
        respond_by=respond_by,
        resolve_by=resolve_by,
        clamped=clamped,
    )
    audit.record(
        action="subcontract.open",
        obj=subcontract,
        actor=by,
        after={
            "case": case.number,
            "partner": partner.code,
            "rule": rule.pk if rule else None,
            "respond_by": clock.iso_utc(respond_by) if respond_by else None,
            "resolve_by": clock.iso_utc(resolve_by) if resolve_by else None,
            "clamped": clamped,
        },
        reason=subcontract.reason,
    )
    return subcontract


@operation
def subcontract_withdraw(*, case: Case, reason: str, by: User | None) -> Case:
    """Take the CASE back from its partner: open again at the desk."""
    case = cases.case_subcontract_withdraw(case=case, reason=reason, by=by)
    live = Subcontract.objects.select_for_update().filter(case=case, withdrawn_at__isnull=True)
    for subcontract in live:
        subcontract.withdrawn_at = clock.now()
        subcontract.save(update_fields=["withdrawn_at"])
        audit.record(
            action="subcontract.withdraw",
            obj=subcontract,
            actor=by,
            before={"partner": subcontract.partner.code},
            after={"withdrawn_at": clock.iso_utc(subcontract.withdrawn_at)},
            reason=(reason or "").strip(),
        )
    return case


# --- followers (events.py) ----------------------------------------------------------------


def rule_for(case: Case) -> SubcontractRule | None:
    """The first active rule of an active partner that ``case`` matches."""
    rules = (
        SubcontractRule.objects.filter(is_active=True, partner__is_active=True)
        .exclude(partner__organization_id=case.organization_id)
        .select_related("partner")
        .order_by("position", "id")
    )
    where = " ".join(
        filter(None, [case.caller_address, getattr(case.organization, "address", "")])
    ).casefold()
    platform = (case.hardware_platform or "").casefold()
    for rule in rules:
        if rule.customer_id is not None and rule.customer_id != case.organization_id:
            continue
        if rule.region and rule.region.casefold() not in where:
            continue
        if rule.product and rule.product.casefold() not in platform:
            continue
        return rule
    return None


def subcontract_by_rule(case: Case) -> Subcontract | None:
    """A new CASE goes to the partner whose rule it matches (by the system), if any.

    A rule that cannot be followed never costs the CASE its opening: it stays at the desk
    (the refused subcontract rolls back alone, in its own savepoint) and the log says why."""
    rule = rule_for(case)
    if rule is None:
        return None
    try:
        return subcontract_open(case=case, partner=rule.partner, rule=rule, by=None)
    except DomainError as exc:
        log.warning("rule %s did not subcontract %s: %s", rule.pk, case.number, exc.detail)
        return None


def on_case_worked(case: Case, kind: str, actor: User | None, at: dt.datetime) -> None:
    """The partner's accept and resolve, kept on its live subcontract for its figures
    (a follower of the CASE's own operation, in its transaction)."""
    if case.partner_id is None:
        return
    live = Subcontract.objects.filter(case_id=case.pk, withdrawn_at__isnull=True)
    if kind == "accepted":
        live.filter(accepted_at__isnull=True).update(accepted_at=at, accepted_by=actor)
    elif kind == "resolved":
        live.filter(resolved_at__isnull=True).update(resolved_at=at)
    elif kind == "reopened":
        live.update(resolved_at=None)
