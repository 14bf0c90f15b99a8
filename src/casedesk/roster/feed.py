"""Each engineer's shifts as an iCalendar feed, at a URL with an unguessable token.

The token is an HMAC of the user's id under the project's secret key: nothing is stored,
nobody can make one without the key, and it reads one person's shifts only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from casedesk.accounts.models import User
from casedesk.core import clock

from . import selectors

PAST, AHEAD = dt.timedelta(days=30), dt.timedelta(days=90)
_SALT = b"casedesk.roster.feed"


def _mac(user_id: int) -> str:
    key = hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:40]


def token_for(user: User) -> str:
    return f"{user.pk}-{_mac(user.pk)}"


def user_for(token: str) -> User | None:
    """The active member of staff ``token`` was made for, or None."""
    user_id, _sep, mac = token.partition("-")
    if not user_id.isdigit() or not hmac.compare_digest(mac, _mac(int(user_id))):
        return None
    return User.objects.filter(pk=int(user_id), is_active=True).first()


def calendar_of(user: User) -> bytes:
    """``user``'s shifts from 30 days back to 90 days ahead, as an iCalendar."""
    now = clock.now()
    cal = Calendar()
    cal.add("prodid", "-//casedesk//duty roster//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Duty shifts of %(name)s") % {"name": user.username})
    for shift in selectors.my_shifts(user, now - PAST, now + AHEAD):
        event = Event()
        event.add("uid", f"dutyshift-{shift.pk}@casedesk")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", _summary(shift))
        cal.add_component(event)
    return cal.to_ical()


def _summary(shift) -> str:
    what = _("Duty engineer") if shift.duty_engineer else _("Working shift")
    if shift.covers_for_id:
        return _("%(what)s (covering for %(name)s)") % {
            "what": what,
            "name": shift.covers_for.username,
        }
    return str(what)
