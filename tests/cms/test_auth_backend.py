"""The session's user is loaded with their roles in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.auth_backends import IdentifierBackend
from cms.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_and_roles_in_one_query():
    staff = UserFactory(roles=[Role.STAFF, Role.MODERATOR])
    citizen = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        loaded = IdentifierBackend().get_user(staff.pk)
        assert loaded == staff and loaded.has_role(Role.STAFF) and loaded.has_role(Role.MODERATOR)
        assert not loaded.has_role(Role.COORDINATOR)
        plain = IdentifierBackend().get_user(citizen.pk)
        assert plain == citizen and not plain.has_role(Role.STAFF)
    assert len(queries) == 2
    assert plain.email == citizen.email and plain.password == citizen.password  # every field, as the ORM loads it


def test_no_user_for_an_inactive_account_or_a_bad_id():
    inactive = UserFactory(is_active=False)
    backend = IdentifierBackend()
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(999999) is None
    assert backend.get_user("abc") is None


def test_a_logged_in_request_sees_its_roles(client):
    staff = UserFactory(roles=[Role.STAFF])
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
