"""Every change to people, organizations and tokens goes through these functions."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from casedesk.accounts.policy import AccountAction
from casedesk.core import audit, clock, policy
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.operations import operation
from casedesk.core.services import snapshot

from .choices import ASSIGNABLE_ROLES, ORGANIZATION_ROLES, Language, Role, ServiceLevel, Tier
from .models import ApiToken, Contact, Organization, Skill, StaffProfile, User

TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def _validate(instance, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        messages = "; ".join(
            f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()
        )
        raise InvalidInput(messages) from exc


@operation
def organization_create(
    *,
    code: str,
    name: str,
    service_level: str = ServiceLevel.SILVER,
    phone: str = "",
    address: str = "",
    by: User | None,
) -> Organization:
    policy.require(by, AccountAction.MANAGE_CUSTOMERS)
    if Organization.objects.filter(code__iexact=code).exists():
        raise Conflict(_("Organization %(code)r already exists.") % {"code": code})
    org = Organization(
        code=code,
        name=name,
        service_level=service_level,
        phone=phone,
        address=address,
        created_at=clock.now(),
    )
    _validate(org)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:  # made by a concurrent call since the check above
        raise Conflict(_("Organization %(code)r already exists.") % {"code": code}) from exc
    audit.record(action="organization.create", obj=org, actor=by, data={"after": snapshot(org)})
    return org


def organization_get_or_create(
    *, code: str, name: str, by: User | None, **fields
) -> tuple[Organization, bool]:
    """The organization ``code`` (any case), made when missing: (organization, created).
    Two callers racing for a new code both get the one organization, neither an error."""
    found = Organization.objects.filter(code__iexact=code).order_by("id").first()
    if found is not None:
        return found, False
    try:
        return organization_create(code=code, name=name, by=by, **fields), True
    except Conflict:  # the other caller made it first (its commit is visible now)
        return Organization.objects.filter(code__iexact=code).order_by("id").get(), False


@operation
def contact_create(
    *,
    organization: Organization,
    name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    by: User | None,
) -> Contact:
    policy.require(by, AccountAction.MANAGE_CUSTOMERS)
    contact = Contact(
        organization=organization,
        name=name,
        phone=phone,
        email=email,
        address=address,
        created_at=clock.now(),
    )
    _validate(contact)
    contact.save()
    audit.record(action="contact.create", obj=contact, actor=by, data={"after": snapshot(contact)})
    return contact


@operation
def contact_get_or_create(
    *, organization: Organization, email: str, name: str, by: User | None, **fields
) -> tuple[Contact, bool]:
    """The contact of ``organization`` with this e-mail address (any case), made when
    missing: (contact, created).  Contacts have no unique key (two people may share a
    mailbox), so the organization's row is locked: whoever comes second waits for the
    first's commit and finds its contact, rather than making a second one."""
    policy.require(by, AccountAction.MANAGE_CUSTOMERS)
    # NO KEY UPDATE: waits only for another get-or-create, not for CASEs being opened.
    Organization.objects.select_for_update(no_key=True).filter(pk=organization.pk).first()
    found = (
        Contact.objects.filter(organization=organization, email__iexact=email)
        .order_by("id")
        .first()
    )
    if found is not None:
        return found, False
    contact = contact_create(organization=organization, name=name, email=email, by=by, **fields)
    return contact, True


@operation
def user_create(
    *,
    username: str,
    role: str,
    email: str = "",
    tier: str | None = None,
    skills: Iterable[str] = (),
    organization: Organization | None = None,
    contact: Contact | None = None,
    phone: str = "",
    manager: User | None = None,
    password: str | None = None,
    language: str = "zh-hans",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user of ``role``; staff get a profile, customers must name their organization."""
    if role not in Role.values:
        raise InvalidInput(
            _("Unknown role %(role)r; choose one of %(choices)s.")
            % {"role": role, "choices": ", ".join(Role.values)}
        )
    if role == Role.CUSTOMER and organization is None:
        raise InvalidInput(_("A customer needs an organization (--org CODE)."))
    if role == Role.PARTNER and organization is None:
        raise InvalidInput(_("A partner engineer needs the partner's organization (--org CODE)."))
    if role not in ORGANIZATION_ROLES and organization is not None:
        raise InvalidInput(_("Only customers and partner engineers belong to an organization."))
    if tier is not None and tier not in Tier.values:
        raise InvalidInput(
            _("Unknown tier %(tier)r; choose first_line or senior.") % {"tier": tier}
        )
    if role == Role.CUSTOMER and (tier or list(skills)):
        raise InvalidInput(_("Tier and skills are for staff, not customers."))
    if role == Role.PARTNER and (tier or list(skills)):
        raise InvalidInput(_("Tier and skills are for the desk's staff, not partner engineers."))
    if contact is not None and contact.organization_id != getattr(organization, "pk", None):
        raise InvalidInput(_("The contact belongs to another organization."))
    if User.objects.filter(username=username).exists():
        raise Conflict(_("User %(username)r already exists.") % {"username": username})

    user = User(
        username=username,
        email=email,
        role=role,
        organization=organization,
        contact=contact,
        language=language,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        date_joined=clock.now(),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _validate(user, exclude=["password"])
    try:
        user.save()
    except IntegrityError as exc:
        raise Conflict(_("User %(username)r already exists.") % {"username": username}) from exc

    if role not in ORGANIZATION_ROLES:
        default_tier = (
            Tier.SENIOR if role in ASSIGNABLE_ROLES - {Role.ENGINEER} else Tier.FIRST_LINE
        )
        profile = StaffProfile.objects.create(
            user=user, tier=tier or default_tier, phone=phone, manager=manager
        )
        skill_codes = [s.strip() for s in skills if s.strip()]
        if skill_codes:
            profile.skills.set(skills_get_or_create(skill_codes))
        after = {**snapshot(user), "tier": profile.tier, "skills": skill_codes}
    else:
        after = snapshot(user)
    after.pop("password")  # a new user's password is nobody's business, not even its digest
    audit.record(action="user.create", obj=user, data={"after": after})
    return user


@operation
def skills_get_or_create(codes: Iterable[str]) -> list[Skill]:
    result = []
    for code in codes:
        skill, created = Skill.objects.get_or_create(code=code, defaults={"name": code})
        if created:
            audit.record(action="skill.create", obj=skill, data={"after": snapshot(skill)})
        result.append(skill)
    return result


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@operation
def token_create(*, user: User, name: str = "", by: User | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw value is returned once and never stored."""
    raw = "cd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], digest=_digest(raw), created_at=clock.now()
    )
    audit.record(
        action="apitoken.create",
        obj=token,
        actor=by,
        data={"after": {"user": user.username, "name": name, "prefix": token.prefix}},
    )
    return token, raw


def token_authenticate(raw: str) -> User | None:
    """The active user owning this unrevoked token, else None.

    This runs on every API request, so it is one hand-written query (token, user and
    whether ``last_used_at`` needs a touch, in one round trip): compiling the equivalent
    ORM query cost about 1 ms of CPU per request, the raw one 0.2 ms (docs/PERFORMANCE.md).
    """
    if not raw or len(raw) > 200:
        return None
    now = clock.now()
    stale_before = connection.ops.adapt_datetimefield_value(now - TOKEN_TOUCH_INTERVAL)
    user = next(iter(User.objects.raw(_token_user_sql(), [stale_before, _digest(raw)])), None)
    if user is None:
        return None
    token = vars(user)  # the query's extra columns
    if token["token_stale"]:
        ApiToken.objects.filter(pk=token["token_pk"]).update(last_used_at=now)
    return user


@functools.cache
def _token_user_sql() -> str:
    q = connection.ops.quote_name
    user, token = q(User._meta.db_table), q(ApiToken._meta.db_table)
    return (
        f"SELECT u.*, t.id AS token_pk,"
        f" (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale"
        f" FROM {user} u INNER JOIN {token} t ON t.user_id = u.id"
        f" WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
    )


@operation
def token_revoke(*, token: ApiToken, by: User | None = None) -> None:
    now = clock.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        token.revoked_at = now
        audit.record(
            action="apitoken.revoke",
            obj=token,
            actor=by,
            before={"revoked_at": None},
            after={"revoked_at": now},
        )


@operation
def user_set_preferences(
    *, user: User, language: str | None = None, time_zone: str | None = None
) -> User:
    """Save the language and/or time zone ``user`` chose for themselves ("" zone: default)."""
    import zoneinfo

    if language is not None and language not in Language.values:
        raise InvalidInput(_("Unknown language %(language)r.") % {"language": language})
    if time_zone is not None:
        time_zone = time_zone.strip()
        if time_zone:
            try:
                zoneinfo.ZoneInfo(time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
                raise InvalidInput(_("Unknown time zone %(zone)r.") % {"zone": time_zone}) from exc
    before = {"language": user.language, "time_zone": user.time_zone}
    fields = []
    if language is not None:
        user.language = language
        fields.append("language")
    if time_zone is not None:
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        User.objects.filter(pk=user.pk).update(**{f: getattr(user, f) for f in fields})
        after = {"language": user.language, "time_zone": user.time_zone}
        if before != after:
            audit.record(
                action="user.preferences", obj=user, actor=user, before=before, after=after
            )
    return user
