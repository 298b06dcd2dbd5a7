import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from cms.roles import ROLE_PERMISSIONS, STAFF_PAGE_PERMISSIONS, Role, sync_role_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {str(role) for role in Role}


def test_every_listed_permission_exists_and_is_granted():
    for role, names in ROLE_PERMISSIONS.items():
        granted = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=str(role)).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        for name in names:
            app_label, codename = name.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), name
        assert set(names) <= granted, role


def test_staff_may_edit_and_publish_pages_from_the_home_page_down(home_page):
    perms = set(
        GroupPagePermission.objects.filter(group__name=Role.STAFF, page=home_page).values_list(
            "permission__codename", flat=True
        )
    )
    assert perms == set(STAFF_PAGE_PERMISSIONS)


def test_admin_access_follows_roles(client):
    for role, may_enter in [
        (Role.STAFF, True),
        (Role.MODERATOR, True),
        (Role.ADMINISTRATOR, True),
        (Role.COORDINATOR, False),
        (Role.LIAISON, False),
        (None, False),
    ]:
        user = UserFactory(roles=[role] if role else [])
        client.force_login(user)
        response = client.get("/admin/")
        assert (response.status_code == 200) is may_enter, role
        client.logout()


def test_sync_is_idempotent():
    from django.apps import apps

    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    sync_role_groups(apps)
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


def test_has_role():
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    assert coordinator.has_role(Role.COORDINATOR)
    assert not coordinator.has_role(Role.STAFF)
