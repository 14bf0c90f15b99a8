"""Bearer tokens: who a token authenticates, and when its last use is recorded."""

import datetime as dt

from casedesk.accounts import services as people
from casedesk.accounts.models import ApiToken
from casedesk.core import clock
from tests.factories import make_user

T0 = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def test_a_token_authenticates_its_user_only_while_valid(db):
    user = make_user("engineer", username="eng.t")
    other = make_user("engineer", username="eng.u")
    token, raw = people.token_create(user=user)
    _, raw_other = people.token_create(user=other)

    assert people.token_authenticate(raw) == user
    assert people.token_authenticate(raw_other) == other
    assert people.token_authenticate(raw + "x") is None
    assert people.token_authenticate("") is None

    user.is_active = False
    user.save(update_fields=["is_active"])
    assert people.token_authenticate(raw) is None
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert people.token_authenticate(raw) == user

    people.token_revoke(token=token)
    assert people.token_authenticate(raw) is None
    assert people.token_authenticate(raw_other) == other


def test_last_use_is_recorded_at_most_every_few_minutes(db):
    user = make_user("call_taker", username="taker.t")
    token, raw = people.token_create(user=user)
    assert token.last_used_at is None

    def last_used():
        return ApiToken.objects.get(pk=token.pk).last_used_at

    with clock.frozen(T0):
        people.token_authenticate(raw)
    assert last_used() == T0
    with clock.frozen(T0 + people.TOKEN_TOUCH_INTERVAL - dt.timedelta(seconds=1)):
        people.token_authenticate(raw)
    assert last_used() == T0
    later = T0 + people.TOKEN_TOUCH_INTERVAL + dt.timedelta(seconds=1)
    with clock.frozen(later):
        assert people.token_authenticate(raw) == user
    assert last_used() == later
