from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemKind(models.TextChoices):
    SITE = "site", pgettext_lazy("configuration item kind", "Site")
    ROUTER = "router", _("Router")
    SWITCH = "switch", pgettext_lazy("configuration item kind", "Switch")
    FIREWALL = "firewall", _("Firewall")
    SERVER = "server", _("Server")
    CIRCUIT = "circuit", _("Circuit")
    APPLICATION = "application", _("Application")
    # What a customer buys (a private line, a hosted application): the CI its Service names.
    SERVICE = "service", _("Customer service")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class RelationKind(models.TextChoices):
    DEPENDS_ON = "depends_on", _("depends on")
    RUNS_ON = "runs_on", _("runs on")
    CONNECTED_TO = "connected_to", _("connected to")


# Impact flows along these (from the CI they point to back to the CI that points): if ``to``
# fails, ``from`` is hit.  They never form a cycle.  ``connected_to`` is a symmetric cable
# or link between peers (a ring of switches is normal): it may form cycles and carries no
# impact.
IMPACT_KINDS = (RelationKind.DEPENDS_ON, RelationKind.RUNS_ON)
