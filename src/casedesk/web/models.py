"""The console's own data: failed logins (for throttling) and saved CASE-list filters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One refused login.  Kept in the database (not a per-process cache) so the throttle
    holds across every web worker; rows older than the window are deleted as new ones come.
    """

    username = models.CharField(_("username"), max_length=150)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_user_at"),
            models.Index(fields=["ip", "at"], name="loginfailure_ip_at"),
            models.Index(fields=["at"], name="loginfailure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M:%S}"


class SavedFilter(models.Model):
    """A CASE-list filter a member of staff named and keeps in the nav."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=500, help_text=_("The list's query string."))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedfilter_user_name")
        ]

    def __str__(self) -> str:
        return self.name
