"""Template helpers of the console: the nav's saved filters, deadline countdowns."""

from __future__ import annotations

import functools
import math
from datetime import datetime

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from casedesk.contracts.presenters import kept_entitlement_text
from casedesk.core import clock, discovery, markup, policy
from casedesk.web.models import SavedFilter

register = template.Library()

SOON_SECONDS = 3600


# What people wrote (work logs, solutions, descriptions) as sanitized Markdown that keeps
# pasted output's layout: ``{{ note|markup }}``.
register.filter("markup", markup.render, is_safe=True)


# The entitlement a CASE kept from intake, as a sentence: ``{{ case.entitlement|entitlement }}``.
register.filter("entitlement", kept_entitlement_text)


@register.filter
def may(user, action: str) -> bool:
    """``{% if user|may:"view_dashboard" %}``: the permission policy decides what a link offers."""
    return policy.can(user, action)


@register.simple_tag
def domain_menu(user) -> list[tuple[str, str]]:
    """(address, label) of each domain's console pages in the nav: the ``MENU`` of its
    ``urls.py``, ``(url name, label, the policy action that shows it)``, the user may open."""
    return [
        (reverse(name), str(label))
        for urls in discovery.app_modules("urls")
        for name, label, action in getattr(urls, "MENU", ())
        if policy.can(user, action)
    ]


@register.simple_tag(takes_context=True)
def saved_filters(context):
    """The user's saved CASE-list filters: one query per request, only where shown."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_customer:
        return []
    if not hasattr(request, "_saved_filters"):
        request._saved_filters = list(
            SavedFilter.objects.filter(user=user).only("id", "name", "query")
        )
    return request._saved_filters


def _formats() -> dict[str, str]:
    """The countdown's phrases in the active language: the one source of its wording for
    the server (``countdown_text``) and for the page's live script (``countdown_formats``)."""
    return {
        "m": _("%(minutes)d min"),
        "h": _("%(hours)d h"),
        "hm": _("%(hours)d h %(minutes)d min"),
        "d": _("%(days)d d"),
        "dh": _("%(days)d d %(hours)d h"),
        "left": _("%(time)s left"),
        "overdue": _("%(time)s overdue"),
    }


def countdown_text(seconds: float) -> str:
    """Time to a deadline as people say it: "45 min left" / "剩余 45 分", "3 h 22 min
    overdue" / "超时 3 小时 22 分", "2 d 4 h left" / "剩余 2 天 4 小时" (days from 24 h on).

    Time left counts whole minutes up (never "0 min left" while time remains), time
    overdue counts them down (from "1 min overdue"); a zero smaller unit is left out.
    ``case.js`` does the same arithmetic with the same phrases (``countdown_formats``).
    """
    phrases = _formats()
    overdue = seconds <= 0
    minutes = max(1, math.floor(-seconds / 60)) if overdue else math.ceil(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        span = phrases["dh" if hours else "d"] % {"days": days, "hours": hours}
    elif hours:
        span = phrases["hm" if minutes else "h"] % {"hours": hours, "minutes": minutes}
    else:
        span = phrases["m"] % {"minutes": minutes}
    return phrases["overdue" if overdue else "left"] % {"time": span}


@register.simple_tag
def countdown_formats() -> dict[str, str]:
    """The countdown's phrases for ``json_script``: the live script words it like the server."""
    return _formats()


@register.filter
def countdown(due: datetime | None, now: datetime | None = None) -> str:
    """ "25 min left" / "12 min overdue" from ``now`` (default: the clock)."""
    if due is None:
        return ""
    return countdown_text((due - (now or clock.now())).total_seconds())


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
