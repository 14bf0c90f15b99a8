"""What an administrator may register as a webhook URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import WebhookFormat

# What each bot's webhook address contains (its settings page shows the whole URL).
BOT_URL_MARKS = {
    WebhookFormat.WECOM: "key=",
    WebhookFormat.DINGTALK: "access_token=",
    WebhookFormat.FEISHU: "/bot/v2/hook/",
}


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


def format_problems(*, format: str, url: str, secret: str) -> dict[str, str]:
    """What does not fit the chosen format, by field: a bot's URL or a WeCom secret."""
    problems: dict[str, str] = {}
    mark = BOT_URL_MARKS.get(format)
    if url and mark and mark not in url:
        problems["url"] = _("This is not a %(bot)s address: it should contain “%(mark)s”.") % {
            "bot": WebhookFormat(format).label,
            "mark": mark,
        }
    if format == WebhookFormat.WECOM and secret:
        problems["secret"] = str(_("WeCom group bots do not sign: leave the secret empty."))
    return problems
