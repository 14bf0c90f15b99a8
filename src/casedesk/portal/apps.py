from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """客户之家: the customer contacts' self-service portal."""

    name = "casedesk.portal"
    label = "portal"
    verbose_name = _("Customer portal")
