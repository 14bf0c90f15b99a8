"""Every change the console itself makes: the login throttle and saved filters.

Changes to CASEs never happen here; they go through ``casedesk.cases.services``.
"""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.core import clock
from casedesk.core.errors import Conflict, InvalidInput, NotFound

from .models import LoginFailure, SavedFilter


def _window() -> timedelta:
    return timedelta(minutes=settings.CASEDESK_LOGIN_WINDOW_MINUTES)


def login_retry_after(*, username: str, ip: str | None) -> int:
    """Seconds until a login for ``username`` from ``ip`` is accepted again; 0 if now.

    Too many failures for the username (someone guessing one password) or from the IP
    (someone trying many usernames) in the window refuse every attempt, right password or
    not, until the oldest counted failure leaves the window.
    """
    now = clock.now()
    since = now - _window()
    waits = []
    checks = [
        (
            LoginFailure.objects.filter(username=username.lower()),
            settings.CASEDESK_LOGIN_MAX_PER_USER,
        )
    ]
    if ip:
        checks.append((LoginFailure.objects.filter(ip=ip), settings.CASEDESK_LOGIN_MAX_PER_IP))
    for qs, limit in checks:
        times = list(qs.filter(at__gt=since).order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            waits.append((times[-1] + _window() - now).total_seconds())
    return max(0, math.ceil(max(waits, default=0)))


def login_failure_record(*, username: str, ip: str | None) -> None:
    """Count a refused login and forget failures older than the window."""
    now = clock.now()
    with transaction.atomic():
        LoginFailure.objects.filter(at__lte=now - _window()).delete()
        LoginFailure.objects.create(username=username.lower()[:150], ip=ip or None, at=now)


def login_success_record(*, username: str) -> None:
    """A right password outside a lock clears the username's failures (not the IP's)."""
    LoginFailure.objects.filter(username=username.lower()).delete()


# The CASE-list parameters a saved filter keeps (never the page number).
FILTER_KEYS = ("status", "priority", "engineer", "organization", "q", "sort")


def filter_query(params) -> str:
    """The filter part of a list query string, normalised (known keys, non-empty, ordered)."""
    pairs = [(k, params.get(k, "").strip()) for k in FILTER_KEYS]
    return urlencode([(k, v) for k, v in pairs if v])


def saved_filter_save(*, user: User, name: str, query: str) -> SavedFilter:
    """Save ``query`` under ``name`` for ``user``; the same name again replaces it."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the filter a name."))
    if len(name) > 60:
        raise InvalidInput(_("A filter name has at most 60 characters."))
    query = filter_query(dict(parse_qsl(query)))
    if not query:
        raise InvalidInput(_("Choose at least one filter before saving it."))
    try:
        with transaction.atomic():
            saved, _created = SavedFilter.objects.update_or_create(
                user=user, name=name, defaults={"query": query, "created_at": clock.now()}
            )
    except IntegrityError as exc:  # a concurrent save of the same name
        raise Conflict(_("A filter with this name already exists.")) from exc
    return saved


def saved_filter_delete(*, user: User, pk: int) -> None:
    deleted, _rows = SavedFilter.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound(_("No such saved filter."))
