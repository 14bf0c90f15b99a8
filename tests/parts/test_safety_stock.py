"""Below its safety stock a part mails the customer service managers once, over real SMTP;
again only after its good stock has been back at the level."""

from __future__ import annotations

import pytest

from casedesk.core.models import AuditRecord
from casedesk.notify.services import deliver_due
from casedesk.parts import selectors, services
from tests.accounts.factories import make_user
from tests.parts.factories import keeper, make_location, make_part, receive

pytestmark = pytest.mark.django_db


def _take(part, location, n):
    return services.stock_move(
        part=part, kind="shipment", quantity=n, from_location=location, by=keeper()
    )


def test_one_mail_below_safety_stock_and_another_only_after_recovery(smtp):
    for username, language in (("csm", "zh-hans"), ("csm2", "en")):
        manager = make_user("cs_manager", username=username, email=f"{username}@desk.example")
        manager.language = language
        manager.save(update_fields=["language"])
    make_user("engineer", username="eng", email="eng@desk.example")
    part = make_part("SFP-10G-SR", safety_stock=3)
    central, quarantine = make_location("WH-BJ"), make_location("QT", kind="quarantine")
    receive(part, central, 4)
    receive(part, quarantine, 5, condition="good")  # quarantine is not the desk's to give out
    deliver_due()
    assert smtp.messages == []

    _take(part, central, 2)  # 2 < 3
    deliver_due()
    assert smtp.recipients() == ["csm2@desk.example", "csm@desk.example"]
    [zh] = smtp.to("csm@desk.example")
    assert "SFP-10G-SR" in zh["Subject"] and "安全库存" in zh["Subject"]
    [en] = smtp.to("csm2@desk.example")
    assert "SFP-10G-SR" in en["Subject"] and "safety stock" in en["Subject"]
    smtp.clear()

    _take(part, central, 1)  # still below: no second mail
    receive(part, central, 2)  # 3: back at the level
    deliver_due()
    assert smtp.messages == []

    _take(part, central, 1)  # below again: a new mail
    deliver_due()
    assert len(smtp.messages) == 2
    assert AuditRecord.objects.filter(action="part.safety_stock").count() == 3
    assert [p.part.part_number for p in selectors.reorder_list(fetched_by=keeper())] == [
        "SFP-10G-SR"
    ]
