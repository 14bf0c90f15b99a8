import pytest

from casedesk.accounts import services as people
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user

DESK = "support@casedesk.example"


@pytest.fixture(autouse=True)
def _mail_settings(settings, tmp_path):
    """Files in the test's own MEDIA_ROOT; the desk's address as the gateway's tests have it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEFAULT_FROM_EMAIL = DESK
    return settings


@pytest.fixture
def acme(db):
    return OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")


@pytest.fixture
def zhang(acme):
    return ContactFactory(
        organization=acme, name="张三", phone="13800138000", email="zhang@acme.cn"
    )


@pytest.fixture
def zhang_login(zhang):
    """The contact's portal login (its language is the one the desk writes to them in)."""
    return people.user_create(
        username="zhang",
        role="customer",
        organization=zhang.organization,
        contact=zhang,
        email=zhang.email,
        language="zh-hans",
    )


@pytest.fixture
def desk_staff(db):
    taker = make_user("call_taker", username="taker")
    duty = make_user("duty_engineer", username="duty")
    eng = make_user("engineer", username="eng1", tier="senior", first_name="建国", last_name="王")
    return {"taker": taker, "duty": duty, "eng": eng}
