"""Routing queues: which new CASEs the desk lets the system assign by itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.accounts.choices import ServiceLevel
from casedesk.accounts.models import Organization, Skill
from casedesk.cases.choices import Channel, Priority


class RoutingQueue(models.Model):
    """A queue of new CASEs matched by customer, service level, channel, priority and skill.

    A new CASE belongs to the first active queue (by position) whose every condition holds;
    an empty condition matches anything.  With ``auto_assign`` the supervisor gives the
    queue's unassigned CASEs to their top recommended engineer; otherwise a person assigns.
    """

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Queues are matched in this order, lowest first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    auto_assign = models.BooleanField(
        _("auto-assign"),
        default=False,
        help_text=_("Assign each new CASE of this queue to its top recommended engineer."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
        help_text=_("Empty: every customer."),
    )
    service_level = models.CharField(
        _("service level"), max_length=16, choices=ServiceLevel.choices, blank=True
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skill"),
        help_text=_("Only CASEs whose platform or text calls for this skill. Empty: any."),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing queue")
        verbose_name_plural = _("routing queues")

    def __str__(self) -> str:
        return self.name
