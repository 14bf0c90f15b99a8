"""Template helpers of the console: the nav's saved filters, deadline countdowns."""

from __future__ import annotations

import functools
from datetime import datetime

from django import template
from django.utils.translation import gettext as _

from casedesk import clock, policy

register = template.Library()

SOON_SECONDS = 3600


@register.filter
def may(user, action: str) -> bool:
    """``{% if user|may:"view_dashboard" %}``: the permission policy decides what a link offers."""
    return policy.can(user, action)


@register.simple_tag(takes_context=True)
def saved_filters(context):
    """The user's saved CASE-list filters: one query per request, only where shown."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_customer:
        return []
    if not hasattr(request, "_saved_filters"):
        from casedesk.web.models import SavedFilter

        request._saved_filters = list(
            SavedFilter.objects.filter(user=user).only("id", "name", "query")
        )
    return request._saved_filters


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


@register.filter
def countdown(due: datetime | None, now: datetime | None = None) -> str:
    """ "in 25 min" / "12 min overdue" from ``now`` (default: the clock)."""
    if due is None:
        return ""
    seconds = (due - (now or clock.now())).total_seconds()
    if seconds < 0:
        return _("%(span)s overdue") % {"span": _span(seconds)}
    return _("in %(span)s") % {"span": _span(seconds)}


@register.filter
def urgency(due: datetime | None, now: datetime | None = None) -> str:
    """A CSS class: ``overdue`` (red), ``soon`` (within the hour) or nothing."""
    if due is None:
        return ""
    seconds = (due - (now or clock.now())).total_seconds()
    if seconds < 0:
        return "overdue"
    if seconds <= SOON_SECONDS:
        return "soon"
    return ""


@register.filter
def person(user) -> str:
    """A person's display name (``User.display_name``: 赵刚, "Gang Zhao", else the login)."""
    return user.display_name if user is not None else ""


@register.simple_tag(takes_context=True)
def query_with(context, base: str, **params) -> str:
    """``base`` (an encoded query) with ``params`` set, for sort and page links."""
    from urllib.parse import parse_qsl, urlencode

    pairs = [(k, v) for k, v in parse_qsl(base) if k not in params]
    pairs += [(k, v) for k, v in params.items() if v not in (None, "")]
    return urlencode(pairs)


_PLACEHOLDER = "C0000000"


@functools.cache
def _case_url_pattern(urlconf: str | None) -> str:
    from django.urls import reverse

    return reverse("web:case_detail", args=[_PLACEHOLDER])


@register.filter
def case_url(case) -> str:
    """The CASE page's address (reversed once, not once per row: a page lists up to 100)."""
    from django.urls import get_urlconf

    return _case_url_pattern(get_urlconf()).replace(_PLACEHOLDER, case.number)
