"""First mails arriving at the same moment: every one opens its CASE, none is quarantined.

Each runs on its own thread and database connection, as two ``casedesk mailgate``
processes would; on PostgreSQL ``tests.racing.race`` makes them meet inside the
get-or-create of the triage organization, of a contact and of a sender's user."""

import pytest

from casedesk.accounts.models import Contact, Organization, User
from casedesk.cases.models import Case
from casedesk.mailgate import services
from casedesk.mailgate.models import InboundMessage
from casedesk.notify.models import Notification
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


def _mail(sender: str, n: int) -> bytes:
    return (
        f"From: {sender}\r\nTo: support@casedesk.example\r\n"
        f"Subject: switch down {n}\r\nMessage-ID: <race{n}.{sender}>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nour core switch is down\r\n"
    ).encode()


def _ingest(raw: bytes):
    return lambda: services.ingest_bytes(raw)


def _all_opened(messages: list[InboundMessage]) -> None:
    assert sorted(m.status for m in messages) == ["processed"] * len(messages), [
        (m.status, m.reason) for m in messages
    ]
    assert Case.objects.count() == len(messages)
    assert not InboundMessage.objects.exclude(status="processed").exists()


def test_two_unknown_senders_of_a_new_domain_at_once_both_open_cases(customers):
    """Neither the triage organization nor either sender exists yet."""
    assert not Organization.objects.filter(code="UNVERIFIED").exists()
    a, b = "li.lei@newcorp.example", "han.meimei@newcorp.example"

    messages, errors = race([_ingest(_mail(a, 1)), _ingest(_mail(b, 2))], hold=Organization)

    assert errors == []
    _all_opened(messages)
    triage = Organization.objects.get(code="UNVERIFIED")  # one, made by whichever came first
    assert sorted(Case.objects.values_list("organization__code", "contact__email")) == [
        ("UNVERIFIED", b),
        ("UNVERIFIED", a),
    ]
    assert Contact.objects.filter(organization=triage).count() == 2
    assert sorted(Notification.objects.values_list("to_email", flat=True)) == sorted([a, b])


def test_two_first_mails_from_one_unknown_sender_at_once_make_one_contact(customers):
    services.triage_organization()
    sender = "li.lei@newcorp.example"

    messages, errors = race([_ingest(_mail(sender, 1)), _ingest(_mail(sender, 2))], hold=Contact)

    assert errors == []
    _all_opened(messages)
    contact = Contact.objects.get(email=sender)  # not one per mail
    assert set(Case.objects.values_list("contact", flat=True)) == {contact.pk}
    assert User.objects.filter(contact=contact).count() == 1


def test_two_mails_from_a_contact_without_a_user_at_once_make_one_user(customers):
    zhang = customers["zhang"]
    assert not User.objects.filter(contact=zhang).exists()

    messages, errors = race(
        [_ingest(_mail(zhang.email, 1)), _ingest(_mail(zhang.email, 2))], hold=User
    )

    assert errors == []
    _all_opened(messages)
    user = User.objects.get(contact=zhang)
    assert set(Case.objects.values_list("created_by", flat=True)) == {user.pk}
