"""The wording of a reached deadline in a CASE's history (see ``cases.presenters``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from casedesk.cases.choices import EventKind
from casedesk.cases.presenters import DOMAIN, finish, label
from casedesk.core import presenters
from casedesk.core.presenters import Presented, Reader

from .choices import DeadlineKind


@presenters.register(DOMAIN, EventKind.DEADLINE_FIRED)
def deadline_fired(event, reader: Reader) -> Presented:
    data = event.data or {}
    head = _("Deadline reached: %(deadline)s") % {
        "deadline": label(DeadlineKind, data.get("deadline", ""))
    }
    lines = []
    if data.get("to"):
        people = ", ".join(reader.name(u) for u in data["to"])
        lines.append(_("Notified: %(people)s") % {"people": people})
    if data.get("roster_hole"):
        lines.append(
            _("Nobody was on the duty roster: every duty engineer and supervisor was told.")
        )
    chosen = {"engineer": reader.name(data.get("engineer", ""))}
    if data.get("action") == "proposed":
        lines.append(_("Proposed reassignment to %(engineer)s") % chosen)
    elif data.get("action") == "reassigned":
        lines.append(_("Reassigned to %(engineer)s") % chosen)
    elif data.get("action") == "none":
        lines.append(_("No other engineer is available: please reassign it by hand."))
    # ``reason`` here is the supervisor's code ("no engineer available"), not a person's.
    presented = finish(event, reader, head, lines)
    presented.texts = [t for t in presented.texts if t != data.get("reason")]
    return presented
