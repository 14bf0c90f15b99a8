"""Who wrote a mail: the addr-spec of its one From mailbox, nothing else.

A display name is only a name whatever it decodes to; Sender, Reply-To and Return-Path never
say who wrote; a plus-tagged, quoted or look-alike address is not the contact's; the same
address in capitals or with its IDN domain spelt the other way is.  The spoofing messages
are the corpus's ``spoof_*.eml``; none may open a CASE for Beta or mail Beta.
"""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casedesk.cases.models import Case, WorkLog
from casedesk.mailgate import parse, services
from casedesk.notify.models import Notification
from tests.factories import ContactFactory, make_case

from .conftest import corpus

BETA = "beta.contact@beta.example.com"
ATTACKER = "attacker@evil.example"
UNVERIFIED = "UNVERIFIED"

SPOOFS = [
    # file, what it becomes, the CASE's organization, who is acknowledged (or the reason)
    ("spoof_display_name_quoted_word.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_display_name_quote_break.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_display_name_angle_addr.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_display_name_gbk_word.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_display_name_raw8bit.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_sender_header.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_reply_to_known_contact.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_reply_to_stranger.eml", "processed", UNVERIFIED, ATTACKER),
    ("spoof_plus_tag.eml", "processed", UNVERIFIED, "beta.contact+support@beta.example.com"),
    ("spoof_quoted_local_part.eml", "processed", UNVERIFIED, f'"{BETA}"@evil.example'),
    ("spoof_idn_homoglyph.eml", "processed", UNVERIFIED, "beta.contact@xn--bta-rdd.example.com"),
    ("spoof_sender_without_from.eml", "quarantined", None, "has no sender address"),
    ("spoof_two_from_headers.eml", "quarantined", None, "more than one sender"),
    ("spoof_two_mailboxes.eml", "quarantined", None, "more than one sender"),
    ("spoof_idn_fullwidth.eml", "quarantined", None, "address cannot be read"),
]


@pytest.mark.parametrize("name, status, org, outcome", SPOOFS, ids=[s[0] for s in SPOOFS])
def test_a_spoofed_sender_never_passes_for_the_contact(customers, name, status, org, outcome):
    message = services.ingest_bytes(corpus(name))

    assert message.status == status, message.reason
    assert not Case.objects.filter(organization__code="BETA").exists()
    assert not Case.objects.filter(contact=customers["beta"]).exists()
    assert not Notification.objects.filter(to_email__iexact=BETA).exists()
    assert not Notification.objects.filter(to_email__icontains="third-party").exists()
    if status == "processed":
        case = message.case
        assert case.organization.code == org and case.contact.email == outcome
        assert message.sender == outcome  # what staff see in the inbound list, too
        assert BETA not in case.caller_name and BETA not in case.contact.name
        assert list(Notification.objects.values_list("to_email", flat=True)) == [outcome]
    else:
        assert outcome in message.reason
        assert message.case is None and not Case.objects.exists()
        assert not Notification.objects.exists()


def test_a_reply_whose_display_name_is_the_contact_is_not_theirs(customers):
    case = make_case(contact=customers["beta"], title="核心路由器宕机")
    message = services.ingest_bytes(corpus("spoof_display_name_reply.eml", case.number))

    assert message.status == "quarantined"
    assert f"{ATTACKER} is not a contact of BETA" in message.reason
    assert not WorkLog.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.status == "open"


def test_the_stored_sender_is_never_the_display_name(customers):
    """The inbound list shows the real address even for a message never read further."""
    raw = corpus("spoof_display_name_angle_addr.eml")
    message, _created = services.store(__import__("io").BytesIO(raw))
    assert message.sender == ATTACKER


IDENTITIES = [
    # file, the contact it is, the address the acknowledgement goes to
    ("identity_mixed_case.eml", "beta", BETA),
    ("identity_idn_punycode.eml", "li", "li@xn--1lq90iqu1cmna.cn"),
    ("identity_idn_unicode.eml", "wu", "wu@xn--1lq90iqu1cmna.cn"),
]


@pytest.mark.parametrize("name, who, to", IDENTITIES, ids=[i[0] for i in IDENTITIES])
def test_the_same_address_in_another_spelling_is_the_contact(customers, name, who, to):
    message = services.ingest_bytes(corpus(name))

    assert message.status == "processed", message.reason
    assert message.case.contact == customers[who]
    assert message.case.organization == customers[who].organization
    assert Notification.objects.get(case=message.case).to_email == to


def test_an_address_is_one_spelling_of_one_mailbox():
    assert parse.normal_address("Beta.Contact", "BETA.Example.COM") == BETA
    assert parse.normal_address("li", "北京网络.cn") == "li@xn--1lq90iqu1cmna.cn"
    assert parse.normal_address("li", "北京网络.CN") == "li@xn--1lq90iqu1cmna.cn"
    assert parse.address_spellings("li@xn--1lq90iqu1cmna.cn") == [
        "li@xn--1lq90iqu1cmna.cn",
        "li@北京网络.cn",
    ]
    assert parse.normal_address("beta.contact+x", "beta.example.com") != BETA
    assert parse.normal_address("beta.contact", "ｂｅｔａ.example.com") == ""
    assert parse.normal_address("", "beta.example.com") == ""
    assert parse.normal_address("a b", "beta.example.com") == ""


@given(st.text(max_size=120), st.sampled_from(["utf-8", "gb18030"]))
def test_no_display_name_is_ever_taken_for_the_address(name, charset):
    """Whatever a display name says, encoded or quoted, the address is the angle-addr's."""
    word = f"=?{charset}?B?{base64.b64encode(name.encode(charset)).decode()}?="
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    for written in (word, f'"{word}"', quoted):
        address, _name, _problem = parse.mailbox(f"{written} <{ATTACKER}>")
        assert address in (ATTACKER, ""), (written, address)


MALFORMED_FROM = [
    b"",  # no From header at all
    b"From: \r\n",
    b"From: <>\r\n",
    b"From: nobody\r\n",
    b'From: "\\" <@>,,,;;\r\n',
    b"From: a@b@c\r\n",
    b"From: undisclosed-recipients:;\r\n",
    b"From: support team: beta.contact@beta.example.com;\r\n",
    b"From: =?utf-8?b?YmV0YS5jb250YWN0QGJldGEuZXhhbXBsZS5jb20=?=\r\n",  # only a word
    b'From: "unterminated <beta.contact@beta.example.com>\r\n',
    b"From: \xff\xfe <\xff@\xfe>\r\n",
    b"From: <beta.contact@beta.example.com\x00>\r\n",
    b"From: <beta.contact\xe2\x80\x8b@beta.example.com>\r\n",  # a zero-width space
    b"From: <beta.contact@beta.example.com\xe2\x80\xae>\r\n",  # right-to-left override
    b"From: " + b"x" * 300 + b"@beta.example.com\r\n",
    b"From: Beta <beta.contact@beta..example.com>\r\n",
    b"From: =?utf-8?q?Beta?= <beta.contact@[300.1.1.1]>\r\n",
    b"From: Beta\r\n <beta.contact@\r\n beta.example.com>, <x@y.z>\r\n",
]


@pytest.mark.parametrize("from_line", MALFORMED_FROM, ids=range(len(MALFORMED_FROM)))
def test_a_malformed_from_is_quarantined_never_a_crash_nor_a_case(customers, from_line):
    raw = (
        from_line
        + b"Sender: beta.contact@beta.example.com\r\nReply-To: beta.contact@beta.example.com\r\n"
        b"Return-Path: <beta.contact@beta.example.com>\r\n"
        b"To: support@casedesk.example\r\nSubject: help\r\nMessage-ID: <m%d@evil.example>\r\n"
        b"\r\nour router is down\r\n" % abs(hash(from_line))
    )
    message = services.ingest_bytes(raw)

    assert message.status == "quarantined", (message.status, message.reason)
    assert any(  # a reason for people, not an exception
        why in message.reason
        for why in ("has no sender address", "more than one sender", "address cannot be read")
    ), message.reason
    assert not Case.objects.exists() and not Notification.objects.exists()
    assert message.sender != BETA


# --- where the acknowledgement goes ----------------------------------------------------------


def _with_reply_to(reply_to: bytes) -> bytes:
    return corpus("gmail_rfc2231.eml").replace(
        b"\r\nTo: support@casedesk.example",
        b"\r\nReply-To: " + reply_to + b"\r\nTo: support@casedesk.example",
        1,
    )


def test_a_known_contacts_reply_to_elsewhere_is_not_followed(customers):
    """A forged From with the forger's Reply-To must not carry the acknowledgement off."""
    message = services.ingest_bytes(_with_reply_to(b"Emily <" + ATTACKER.encode() + b">"))
    assert message.case.contact == customers["emily"]
    assert Notification.objects.get().to_email == "emily.chen@northwind.example.com"


def test_a_reply_to_another_contact_of_the_same_customer_is_followed(customers):
    ContactFactory(
        organization=customers["emily"].organization, name="NW HK", email="ops@nw-hk.example"
    )
    message = services.ingest_bytes(_with_reply_to(b"NW HK ops <OPS@nw-hk.example>"))
    assert message.case.contact == customers["emily"]
    assert Notification.objects.get().to_email == "ops@nw-hk.example"


def test_a_reply_to_a_contact_of_another_customer_is_not_followed(customers):
    message = services.ingest_bytes(_with_reply_to(BETA.encode()))
    assert message.case.contact == customers["emily"]
    assert Notification.objects.get().to_email == "emily.chen@northwind.example.com"


def test_a_refusal_goes_to_the_from_address_only(customers, settings):
    settings.CASEDESK_MAIL_UNKNOWN_SENDER = "reject"
    message = services.ingest_bytes(corpus("spoof_reply_to_known_contact.eml"))
    assert message.status == "rejected"
    assert list(Notification.objects.values_list("to_email", flat=True)) == [ATTACKER]
