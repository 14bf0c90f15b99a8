"""People: users with a role, staff profiles, customer organizations and their contacts."""

import re

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Language, Role, ServiceLevel, Tier

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, '.', '_' or '-', starting with a letter or digit."),
)


# Scripts whose names are written family name first with no space: Han (汉字/漢字/kanji/
# hanja), Japanese kana, Korean hangul.
_FAMILY_FIRST = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)


def person_name(first_name: str | None, last_name: str | None) -> str:
    """A person's name as its language writes it, from the given (``first_name``) and family
    (``last_name``) names: ``王建国`` (family first, no space) when either holds Han, kana or
    hangul, else ``Wei Wang`` (given first); empty when neither is recorded.

    The one place that decides name order: :attr:`User.display_name`, the greetings of mail,
    webhooks, the console, the portal and the reports all read it.
    """
    given, family = (first_name or "").strip(), (last_name or "").strip()
    if _FAMILY_FIRST.search(given + family):
        return f"{family}{given}"
    return f"{given} {family}".strip()


class Organization(models.Model):
    """A customer organization; its service level decides its support hours."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    service_level = models.CharField(
        _("service level"), max_length=16, choices=ServiceLevel.choices, default=ServiceLevel.SILVER
    )
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))
    # Routing (SPEC §2): "the engineer who ran the customer's original project" and "the
    # customer's request" rank these engineers higher when the desk assigns a CASE.
    preferred_engineer = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred engineer"),
        help_text=_("The engineer this customer asks for."),
    )
    project_engineers = models.ManyToManyField(
        "User",
        blank=True,
        related_name="project_organizations",
        verbose_name=_("project engineers"),
        help_text=_("The engineers who ran this customer's original project."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contact(models.Model):
    """A person at a customer organization who reports problems."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=64, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["organization__code", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.code})"


class User(AbstractUser):
    """Anyone who logs in: staff of the desk, or a customer contact (role ``customer``)."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.ENGINEER)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organization"),
        help_text=_("Customers only: the organization whose CASEs this user sees."),
    )
    contact = models.OneToOneField(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("contact"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    def get_full_name(self) -> str:
        """The name in its language's order (``王建国``, ``Wei Wang``); see :func:`person_name`."""
        return person_name(self.first_name, self.last_name)

    def get_short_name(self) -> str:
        """What the admin greets with (欢迎，王建国): the whole name, family name first for a
        Chinese one — never the given name alone."""
        return self.get_full_name()

    @property
    def display_name(self) -> str:
        """How the desk shows this person everywhere: the name, else the login."""
        return self.get_full_name() or self.username


class Skill(models.Model):
    """A technical specialty used for routing (routing, switching, security, wireless…)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words in a CASE's hardware platform, software version, title or description that "
            "call for this skill, separated by commas or new lines (e.g. ASA, Firepower, 防火墙). "
            "Empty: the built-in words for the usual skill codes."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.code


class StaffProfile(models.Model):
    """What the desk knows about a member of staff for routing and escalation."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="staff", verbose_name=_("user")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.FIRST_LINE)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="staff", verbose_name=_("skills")
    )
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    manager = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=8, help_text=_("How many open CASEs this engineer can carry.")
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_tier_display()})"


class ApiToken(models.Model):
    """A bearer token for integrations; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"
