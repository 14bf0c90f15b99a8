import base64
import re
from pathlib import Path

import pytest

from tests.factories import ContactFactory, OrganizationFactory

CORPUS = Path(__file__).parent / "corpus"
DESK = "support@casedesk.example"


@pytest.fixture(autouse=True)
def _mail_settings(settings, tmp_path):
    """Every test keeps its mail and files in its own MEDIA_ROOT; the desk's address is the
    one the corpus writes to (its root ids are ``<C…@casedesk.example>``)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEFAULT_FROM_EMAIL = DESK
    settings.CASEDESK_MAIL_UNKNOWN_SENDER = "triage"
    return settings


@pytest.fixture(autouse=True)
def _english_reasons():
    """The gateway writes its reasons in the desk's language (here English, to read them)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def corpus(name: str, number: str | None = None) -> bytes:
    """A corpus message; ``number`` replaces the CASE number C2611001 it was written with
    (in base64 encoded words of its headers too)."""
    raw = (CORPUS / name).read_bytes()
    return raw if number is None else renumber(raw, number)


_WORD = re.compile(rb"=\?([^?\s]+)\?[Bb]\?([A-Za-z0-9+/=]*)\?=")


def renumber(raw: bytes, number: str) -> bytes:
    def word(m: re.Match) -> bytes:
        charset = m.group(1).decode()
        text = base64.b64decode(m.group(2)).decode(charset).replace("C2611001", number)
        return b"=?%s?B?%s?=" % (m.group(1), base64.b64encode(text.encode(charset)))

    return _WORD.sub(word, raw).replace(b"C2611001", number.encode())


@pytest.fixture
def customers(db):
    """The organizations and contacts the corpus messages come from."""
    acme = OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")
    cmb = OrganizationFactory(code="CMB", name="招商银行", service_level="gold")
    northwind = OrganizationFactory(code="NW", name="Northwind Trading", service_level="gold")
    logistics = OrganizationFactory(code="LOG", name="Logistics Ltd", service_level="silver")
    hospital = OrganizationFactory(code="HOSP", name="人民医院", service_level="silver")
    univ = OrganizationFactory(code="UNIV", name="理工大学", service_level="silver")
    beta = OrganizationFactory(code="BETA", name="Beta Networks", service_level="gold")
    bjnet = OrganizationFactory(code="BJNET", name="北京网络", service_level="silver")
    people = {
        "zhang": ContactFactory(organization=acme, name="张喆", email="zhang@acme.cn"),
        "chan": ContactFactory(organization=acme, name="陳志明", email="Chan@ACME.cn"),
        "wanglei": ContactFactory(organization=cmb, name="王磊", email="wanglei@cmb.example.cn"),
        "emily": ContactFactory(
            organization=northwind, name="Emily Chen", email="emily.chen@northwind.example.com"
        ),
        "yamada": ContactFactory(
            organization=northwind, name="山田太郎", email="yamada@northwind.example.com"
        ),
        "david": ContactFactory(
            organization=logistics, name="David Liu", email="david.liu@logistics.example.com"
        ),
        "lina": ContactFactory(
            organization=hospital, name="Li Na", email="lina@hospital.example.cn"
        ),
        "wangfang": ContactFactory(
            organization=univ, name="Wang Fang", email="wangfang@univ.example.edu.cn"
        ),
        # The customer whose address the spoofing corpus (spoof_*.eml) tries to pass for.
        "beta": ContactFactory(
            organization=beta, name="Beta Contact", email="beta.contact@beta.example.com"
        ),
        # An internationalized domain, saved once in Unicode and once as punycode.
        "li": ContactFactory(organization=bjnet, name="李工", email="li@北京网络.cn"),
        "wu": ContactFactory(organization=bjnet, name="吴工", email="wu@xn--1lq90iqu1cmna.cn"),
    }
    return people


# The browser harness of tests/e2e (Debian Chromium, watched pages, screenshots), imported
# here so that its package-scoped browser closes with this package.
from tests.e2e.conftest import browser, screens  # noqa: E402, F401
