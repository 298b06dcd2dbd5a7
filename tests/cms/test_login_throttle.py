"""The sign-in limit is counted where authentication happens, so every login path shares it (issue 21, items 1
and 4): per account (user name, e-mail and phone are one count), atomically, and check --deploy warns when the
counts cannot be shared between processes."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from cms import checks
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

UTIL_LOGIN = "/_util/login/"


@pytest.fixture
def moderator():
    return UserFactory(username="moderator", email="moderator@example.com", phone="13700137000")


def _fail_on_accounts_login(client, identifier, times=5):
    for _ in range(times):
        client.post(reverse("accounts:login"), {"identifier": identifier, "password": "wrong"})


def test_wagtail_private_page_login_is_throttled(client, moderator):
    for _ in range(7):
        response = client.post(UTIL_LOGIN, {"username": "moderator", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(UTIL_LOGIN, {"username": "moderator", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not the redirect of a success
    assert "_auth_user_id" not in client.session


def test_an_account_locked_on_accounts_login_is_locked_on_every_path(client, moderator):
    _fail_on_accounts_login(client, "moderator")
    client.post(UTIL_LOGIN, {"username": "moderator", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    client.post(reverse("wagtailadmin_login"), {"username": "moderator", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert not client.login(username="moderator", password=PASSWORD)


@pytest.mark.parametrize(
    "other_name", ["MODERATOR@example.com", "moderator@example.com", "13700137000", "+86 137 0013 7000"]
)
def test_the_limit_counts_the_account_not_what_was_typed(client, moderator, other_name):
    _fail_on_accounts_login(client, "moderator")
    response = client.post(reverse("accounts:login"), {"identifier": other_name, "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_names_of_one_account_add_up(client, moderator):
    for name in ["moderator", "MODERATOR@example.com", "13700137000", "moderator@example.com", "Moderator@Example.com"]:
        client.post(reverse("accounts:login"), {"identifier": name, "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"identifier": "moderator", "password": PASSWORD})
    assert response.status_code == 429


def test_a_success_clears_the_account_count(client, moderator):
    _fail_on_accounts_login(client, "moderator", times=4)
    assert client.login(username="moderator@example.com", password=PASSWORD)
    client.logout()
    _fail_on_accounts_login(client, "moderator", times=4)
    assert client.login(username="moderator", password=PASSWORD)


def test_unknown_identifiers_are_limited_too(client):
    _fail_on_accounts_login(client, "nobody@example.com")
    response = client.post(reverse("accounts:login"), {"identifier": "NOBODY@example.com", "password": "x"})
    assert response.status_code == 429


def test_the_limit_per_address_covers_every_account(client, settings):
    settings.LOGIN_THROTTLE_PER_IP = 3
    users = [UserFactory(username=f"u{i}") for i in range(4)]
    for user in users[:3]:
        client.post(UTIL_LOGIN, {"username": user.username, "password": "wrong"})
    client.post(UTIL_LOGIN, {"username": users[3].username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_parallel_guesses_cannot_all_pass_the_check(moderator, monkeypatch):
    """Twelve guesses arrive while the first is still checking its password: only the limit's worth may reach
    the password check (a check-then-count would let all twelve through)."""
    checked = []
    real_check = type(moderator).check_password
    pending = list(range(11))
    rf = RequestFactory()

    def check_password(self, raw):
        checked.append(raw)
        while pending:  # the other guesses arrive now, before this one has finished
            pending.pop()
            authenticate(rf.post(UTIL_LOGIN), username="moderator", password="wrong")
        return real_check(self, raw)

    monkeypatch.setattr(type(moderator), "check_password", check_password)
    authenticate(rf.post(UTIL_LOGIN), username="moderator", password="wrong")
    assert len(checked) == 5


def test_check_deploy_warns_without_redis(settings):
    settings.REDIS_URL = None
    warnings = checks.limits_need_a_shared_cache(None)
    assert [w.id for w in warnings] == ["cms.W001"]
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert checks.limits_need_a_shared_cache(None) == []


def test_the_identifier_backend_stays_first(settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "cms.auth_backends.IdentifierBackend"


def test_on_redis_the_account_count_is_shared_and_atomic(redis_cache, moderator, monkeypatch):
    """The same interleaving on a real Redis (production's cache): one atomic INCR per attempt."""
    test_parallel_guesses_cannot_all_pass_the_check(moderator, monkeypatch)
    assert authenticate(RequestFactory().post(UTIL_LOGIN), username="MODERATOR@example.com", password=PASSWORD) is None


@pytest.mark.parametrize("method", ["get", "head", "put", "delete"])
def test_admin_logout_only_by_post(client, method):
    from cms.roles import Role

    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = getattr(client, method)("/admin/logout/")
    assert response.status_code == 405
    assert "sessionid" not in response.cookies
    assert client.get("/admin/").status_code == 200  # still logged in
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/").status_code == 302  # logged out by the POST
