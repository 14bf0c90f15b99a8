"""Reads of CASEs, always scoped to the user who reads (``policy.visible``).

The CASE as the interfaces list and show it, with its deadlines and searched through the
index, is ``caselist.selectors`` (a read model over cases, sla and search): cases does not
know its followers.
"""

from __future__ import annotations

import re

from django.db.models import Aggregate, OuterRef, QuerySet, Subquery, TextField

from casedesk.accounts.models import Contact, User
from casedesk.accounts.selectors import display_names
from casedesk.core import policy

from .choices import EventKind
from .models import Case, CaseEvent

CASE_NUMBER = re.compile(r"^C\d{7,}$", re.IGNORECASE)
# What a person types for a CASE number: ``C2612001``, ``c2612001`` or just ``2612001``.
_TYPED_NUMBER = re.compile(r"^C?(\d{7,})$", re.IGNORECASE)


class _CommaJoined(Aggregate):
    """Values joined with commas: ``string_agg`` on PostgreSQL, ``group_concat`` on SQLite."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def _helper_names() -> Subquery:
    """The usernames of a CASE's helpers in one column (a username never holds a comma).

    A correlated subquery in the CASE's own query instead of a prefetch: one query less per
    read, and about 1.5 ms less CPU for a page of 25 (docs/PERFORMANCE.md).
    """
    helpers = (
        Case.helpers.through.objects.filter(case_id=OuterRef("pk"))
        .values("case_id")
        .annotate(names=_CommaJoined("user__username"))
        .values("names")  # type: ignore[misc]  # an annotation the plugin cannot see
    )
    return Subquery(helpers, output_field=TextField())


def with_related(qs: QuerySet[Case]) -> QuerySet[Case]:
    """``qs`` with what every page of a CASE shows: organization, engineer, helpers."""
    return qs.select_related("organization", "engineer").annotate(helper_names=_helper_names())


def helper_usernames(case: Case) -> list[str]:
    """The usernames of the CASE's helpers, sorted; read with the CASE when it came from here."""
    loaded = vars(case)
    if "helper_names" in loaded:
        return sorted(loaded["helper_names"].split(",")) if loaded["helper_names"] else []
    return sorted(case.helpers.values_list("username", flat=True))


def typed_number(q: str | None) -> str | None:
    """The CASE number ``q`` is, if it is one as people type them (``c2612001``,
    ``2612001``), in its stored form (``C2612001``); else None."""
    found = _TYPED_NUMBER.match((q or "").strip())
    return f"C{found.group(1)}" if found else None


def number_named(*, q: str | None, fetched_by: User | None) -> str | None:
    """The number of the CASE ``q`` names exactly (:func:`typed_number`) if ``fetched_by``
    may see it; None otherwise, as for a CASE that does not exist."""
    number = typed_number(q)
    if number is None:
        return None
    found = policy.visible(fetched_by, Case).filter(number=number).values_list("number")
    return next(iter(found.order_by()[:1]), (None,))[0]


def case_events(*, case: Case, fetched_by: User | None) -> QuerySet[CaseEvent]:
    """The CASE's history, oldest first; customers do not see internal entries."""
    qs = CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")
    if fetched_by is not None and fetched_by.is_customer:
        qs = qs.filter(internal=False)
    return qs


def _named_logins(data: dict):
    """The logins an event's data names: the engineer before and after (an assignment,
    an escalation), a helper, the people a deadline told, the engineer a chase chose."""
    engineer = data.get("engineer")
    if isinstance(engineer, dict):
        yield from (engineer.get("before"), engineer.get("after"))
    elif isinstance(engineer, str):
        yield engineer
    yield data.get("helper")
    if isinstance(data.get("system"), dict):  # a system note naming someone
        yield data["system"].get("engineer")
    for key in ("to", "cc"):
        if isinstance(data.get(key), list):
            yield from data[key]


def event_people(events) -> dict[str, str]:
    """``{login: display name}`` of everyone the events name by login, in one query.  History
    stores logins (they never change meaning); pages word them with the name at read time."""
    return display_names(
        u for event in events for u in _named_logins(event.data or {}) if isinstance(u, str)
    )


def contact_case_defaults(contact: Contact) -> dict[str, str]:
    """What a new CASE for ``contact`` most likely shares with their most recent one.

    Equipment (platform, version, serial number) and the contract ID come from the contact's
    latest CASE; with none, the contract ID from the organization's latest CASE that has one.
    """
    fields = ("contract_id", "hardware_platform", "software_version", "serial_number")
    latest = (
        Case.objects.filter(contact=contact).order_by("-created_at", "-id").values(*fields).first()
    )
    if latest is None:
        contract = (
            Case.objects.filter(organization_id=contact.organization_id)
            .exclude(contract_id="")
            .order_by("-created_at", "-id")
            .values_list("contract_id", flat=True)
            .first()
        )
        latest = dict.fromkeys(fields, "") | {"contract_id": contract or ""}
    return dict(latest)


def missed_callback_by(case: Case) -> set[str]:
    """Usernames of the engineers who let the callback run out on ``case``: the chase's
    reassignment step fired while they owned it (``missed_by`` in its event, which only the
    chase writes).  Automatic assignment passes them over, so a CASE never goes straight
    back to one of them."""
    return {
        name
        for name in CaseEvent.objects.filter(
            case=case, kind=EventKind.DEADLINE_FIRED, data__has_key="missed_by"
        ).values_list("data__missed_by", flat=True)
        if isinstance(name, str) and name
    }
