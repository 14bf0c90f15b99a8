import re

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import ApiClient, ContactFactory, OrganizationFactory, make_user

# No per-example deadline: on a loaded machine (xdist workers, CI) a slow example is not a
# failing one.  Properties still run their full number of examples.
hypothesis_settings.register_profile("casedesk", deadline=None)
hypothesis_settings.load_profile("casedesk")


def pytest_sessionfinish(session, exitstatus):
    """The browser tests' one Playwright of this process ends with the session."""
    from tests.e2e.conftest import stop_playwright

    stop_playwright()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Report queries on the request's own connection: a pool thread's would outlive the
    # test and keep the test database from being dropped (tests/reports tests the pool).
    settings.CASEDESK_REPORT_THREADS = 0


@pytest.fixture(autouse=True)
def _desk_language():
    """Each test starts in the desk's language: a request through the web middleware (or a
    test's own ``activate``) leaves its language active in the thread, and the next test
    in the same process would read its strings in it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _seeded_defaults(request):
    """Transactional tests flush the tables, seeded data too: put the defaults back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from casedesk.sla.defaults import ensure_all

        ensure_all()


@pytest.fixture
def org(db):
    return OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(code="OTHER", name="Other Corp", service_level="silver")


@pytest.fixture
def contact(org):
    return ContactFactory(organization=org, name="张三", phone="13800138000", email="zhang@acme.cn")


@pytest.fixture
def call_taker(db):
    return make_user("call_taker", username="taker")


@pytest.fixture
def duty(db):
    return make_user("duty_engineer", username="duty")


@pytest.fixture
def engineer(db):
    return make_user("engineer", username="eng1", tier="first_line", skills=("routing",))


@pytest.fixture
def senior(db):
    return make_user("engineer", username="se1", tier="senior", skills=("security",))


@pytest.fixture
def manager(db):
    return make_user("cs_manager", username="csm")


@pytest.fixture
def customer(org, contact):
    return make_user("customer", username="cust", org=org)


@pytest.fixture
def api():
    """``api(user)`` → a JSON client with that user's bearer token (None: no token)."""
    return ApiClient


ACKNOWLEDGEMENT = re.compile(r"<C\d+@")


class MailSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        msg = message_from_bytes(envelope.content, policy=policy.default)
        msg.envelope_rcpt = list(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_rcpt]

    def answers(self, address):
        """What reached ``address`` besides the acknowledgements of new CASEs (every new
        CASE gets one; its Message-ID is the CASE's root id, ``<C2612001@…>``)."""
        return [m for m in self.to(address) if not ACKNOWLEDGEMENT.match(m["Message-ID"] or "")]

    def recipients(self):
        return sorted(r for m in self.messages for r in m.envelope_rcpt)

    def clear(self):
        self.messages.clear()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Mail goes over SMTP to a real server in this test; ``smtp.messages`` is what arrived."""
    from aiosmtpd.controller import Controller

    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    sink.controller = controller
    yield sink
    sink.controller.stop()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` (row locks that SQLite has not) run on PostgreSQL and are
    deselected, not skipped, on SQLite: the SQLite run reports no skips to look into."""
    import os

    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
