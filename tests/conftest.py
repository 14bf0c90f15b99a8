import pytest

from tests.factories import ApiClient, ContactFactory, OrganizationFactory, make_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
