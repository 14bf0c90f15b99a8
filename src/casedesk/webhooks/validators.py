"""What an administrator may register as a webhook URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_webhook_url(value: str) -> None:
    """An absolute http(s) URL with a host and no credentials.

    Private and loopback addresses are allowed on purpose: a desk often posts to a chat
    server or ticket bridge inside the company network, and only administrators register
    URLs.  Redirects are never followed, so a receiver cannot bounce a delivery elsewhere.
    """
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise ValidationError(_("Enter a valid URL."), code="invalid") from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("The URL must start with http:// or https://."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("The URL must name a host."), code="host")
    if parts.username or parts.password:
        raise ValidationError(
            _("Put no user name or password in the URL; use the secret instead."), code="auth"
        )
    if port == 0 or any(c.isspace() for c in value.strip()):
        raise ValidationError(_("Enter a valid URL."), code="invalid")
