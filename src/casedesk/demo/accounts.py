"""Demo data of ``accounts``: the customers (organizations, contacts, one customer login
each) and the desk's staff (roles, tiers, skills, a manager chain), in ``content.accounts``'s
words, made through ``accounts.services`` a month before the history starts."""

from __future__ import annotations

import datetime as dt

from casedesk.accounts import services as people
from casedesk.core import clock

from .content import accounts as A
from .desk import DAYS, Desk, Org


def load(desk: Desk) -> None:
    with clock.frozen(desk.now - dt.timedelta(days=DAYS + 30)):
        for s in A.STAFF:
            desk.staff[s.username] = people.user_create(
                username=s.username,
                role=s.role,
                email=f"{s.username}@desk.example",
                tier=s.tier,
                skills=s.skills,
                phone=s.phone,
                manager=desk.staff[s.manager] if s.manager else None,
                password=A.PASSWORD,
                first_name=s.first_name,
                last_name=s.last_name,
            )
        admin = desk.staff["admin"]
        for o in A.ORGS:
            org = people.organization_create(
                code=o.code,
                name=o.name,
                service_level=o.level,
                phone=o.phone,
                address=o.address,
                by=admin,
            )
            contacts = [
                people.contact_create(
                    organization=org,
                    name=name,
                    phone=phone,
                    email=email,
                    address=o.address,
                    by=admin,
                )
                for name, phone, email in o.contacts
            ]
            login = people.user_create(
                username=o.login,
                role="customer",
                email=contacts[0].email,
                organization=org,
                contact=contacts[0],
                password=A.PASSWORD,
                language="en" if o.lang == "en" else "zh-hans",
                **_given_and_family(contacts[0].name),
            )
            desk.orgs.append(Org(o, org, contacts, login))


def _given_and_family(name: str) -> dict[str, str]:
    """A demo contact's name in the user's name fields: 张伟 → family 张, given 伟 (every
    demo surname is one character); David Miller → given David, family Miller."""
    if " " in name:
        given, family = name.rsplit(" ", 1)
    else:
        family, given = name[:1], name[1:]
    return {"first_name": given, "last_name": family}
