from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "casedesk.web"
    label = "web"
    verbose_name = _("Console")


class DeskAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with :class:`~casedesk.web.admin_site.DeskAdminSite` as
    ``admin.site`` (named, not imported: that module needs the apps loaded)."""

    default = False  # (WebConfig is this module's app; settings name this one)
    default_site = "casedesk.web.admin_site.DeskAdminSite"
