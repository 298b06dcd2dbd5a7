"""A request made with an API token is recorded in the access audit (issue 21); a refused token is not."""

import pytest

from cms.models import AccessEvent, AccessEventKind
from tests.api.test_tokens import URL, _auth, _token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_use_is_recorded_with_the_token_and_its_acting_user(client):
    acting = UserFactory(username="reporter")
    token, raw = _token(acting_user=acting)
    assert client.get(URL, REMOTE_ADDR="192.0.2.77", **_auth(raw)).status_code == 200
    (event,) = AccessEvent.objects.filter(kind=AccessEventKind.TOKEN_USE)
    assert (event.object_type, event.object_id) == ("api.apitoken", str(token.pk))
    assert event.user_id == acting.pk and event.ip == "192.0.2.77"


def test_an_unknown_token_is_not_recorded_as_a_use(client):
    assert client.get(URL, **_auth("lt_nothing_wrong")).status_code == 401
    assert not AccessEvent.objects.filter(kind=AccessEventKind.TOKEN_USE).exists()
