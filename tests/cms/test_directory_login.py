"""Sign-in with the organisation's LDAP directory (issue 19), against a real OpenLDAP (tests/cms/slapd.py):
directory passwords, groups mapped to roles and to contact points / departments at every sign-in, the login
limit, local accounts beside the directory and while it is down, and the checks on the mapping settings."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cms import checks
from cms.roles import Role
from tests.cms.slapd import ADMIN_DN, ADMIN_PASSWORD, SUFFIX, Slapd, require_slapd
from tests.commands import manage
from tests.factories import PASSWORD, ContactPointFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
STAFF_GROUP = f"cn=fagongwei,{GROUPS}"
COORDINATORS_GROUP = f"cn=lianluoyuan,{GROUPS}"
POINT_GROUP = f"cn=point-xihu,{GROUPS}"
DEPARTMENT_GROUP = f"cn=dept-jiaotong,{GROUPS}"
DIRECTORY_PASSWORD = "Mulu-mima-2026"  # noqa: S105


def _person(uid: str, surname: str, given: str) -> str:
    return (
        f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {surname}{given}\nsn: {surname}\n"
        f"givenName: {given}\nmail: {uid}@example.gov.cn\nuserPassword: {DIRECTORY_PASSWORD}\n"
    )


def _group(dn: str, *uids: str) -> str:
    members = "".join(f"member: uid={uid},{PEOPLE}\n" for uid in uids)
    return f"dn: {dn}\nobjectClass: groupOfNames\ncn: {dn.split(',')[0][3:]}\n{members}"


@pytest.fixture(scope="module")
def slapd():
    require_slapd()
    server = Slapd().start()
    try:
        entries = [
            f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
            f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
            _person("zhangsan", "张", "三"),
            _person("lisi", "李", "四"),
            _person("wangwu", "王", "五"),
            _person("moderator", "赵", "六"),
            _group(STAFF_GROUP, "zhangsan"),
            _group(COORDINATORS_GROUP, "lisi"),
            _group(POINT_GROUP, "lisi"),
            _group(DEPARTMENT_GROUP, "wangwu"),
        ]
        server.add("\n".join(entries))
        yield server
    finally:
        server.stop()


@pytest.fixture
def point():
    return ContactPointFactory(name="西湖区基层立法联系点")


@pytest.fixture
def department():
    return DepartmentFactory(name="市交通运输局")


@pytest.fixture
def directory(slapd, settings, point, department):
    """The site configured for the test directory, as LDAP_* in the environment would configure it."""
    settings.LDAP_SERVER_URI = slapd.uri
    settings.LDAP_BIND_DN = ADMIN_DN
    settings.LDAP_BIND_PASSWORD = ADMIN_PASSWORD
    settings.LDAP_USER_SEARCH_BASE = PEOPLE
    settings.LDAP_USER_FILTER = "(uid=%(user)s)"
    settings.LDAP_GROUP_SEARCH_BASE = GROUPS
    settings.LDAP_GROUP_ROLES = json.dumps(
        {STAFF_GROUP: str(Role.STAFF), COORDINATORS_GROUP: str(Role.COORDINATOR), DEPARTMENT_GROUP: str(Role.LIAISON)}
    )
    settings.LDAP_GROUP_UNITS = json.dumps(
        {POINT_GROUP: f"contact_point:{point.name}", DEPARTMENT_GROUP: f"department:{department.pk}"}
    )
    settings.AUTHENTICATION_BACKENDS = ["cms.directory.DirectoryBackend", *settings.AUTHENTICATION_BACKENDS]
    return slapd


def _login(client, identifier, password):
    return client.post(reverse("accounts:login"), {"identifier": identifier, "password": password})


def _signed_in(client):
    return client.get(reverse("accounts:profile")).status_code == 200


def test_a_directory_password_signs_in_and_makes_the_account(client, directory, django_user_model):
    response = _login(client, "zhangsan", DIRECTORY_PASSWORD)
    assert response.status_code == 302 and _signed_in(client)
    user = django_user_model.objects.get(username="zhangsan")
    assert user.known_name == "张三" and user.email == "zhangsan@example.gov.cn"
    assert not user.has_usable_password()  # the password stays in the directory
    assert user.confirmed_at is not None


def test_directory_groups_give_roles(client, directory, django_user_model):
    _login(client, "zhangsan", DIRECTORY_PASSWORD)
    user = django_user_model.objects.get(username="zhangsan")
    assert user.has_role(Role.STAFF) and not user.has_role(Role.COORDINATOR)
    assert client.get("/admin/").status_code == 200  # staff reach the Wagtail admin


def test_directory_groups_give_contact_points_and_departments(client, directory, point, department, django_user_model):
    _login(client, "lisi", DIRECTORY_PASSWORD)
    _login(client, "wangwu", DIRECTORY_PASSWORD)
    lisi, wangwu = django_user_model.objects.get(username="lisi"), django_user_model.objects.get(username="wangwu")
    assert lisi.has_role(Role.COORDINATOR) and list(lisi.contact_points.all()) == [point]
    assert wangwu.has_role(Role.LIAISON) and list(wangwu.departments.all()) == [department]
    assert not lisi.departments.exists() and not wangwu.contact_points.exists()


def test_a_group_left_in_the_directory_takes_the_role_away_at_the_next_sign_in(
    client, directory, point, django_user_model
):
    other_point = ContactPointFactory(name="不在映射中的联系点")
    _login(client, "lisi", DIRECTORY_PASSWORD)
    lisi = django_user_model.objects.get(username="lisi")
    lisi.groups.add(Group.objects.get(name=str(Role.MODERATOR)))  # given by an administrator, not mapped
    other_point.coordinators.add(lisi)
    try:
        directory.modify(
            f"dn: {COORDINATORS_GROUP}\nchangetype: modify\ndelete: member\nmember: uid=lisi,{PEOPLE}\n"
            f"-\nadd: member\nmember: uid=zhangsan,{PEOPLE}\n\n"
            f"dn: {POINT_GROUP}\nchangetype: modify\ndelete: member\nmember: uid=lisi,{PEOPLE}\n"
            f"-\nadd: member\nmember: uid=zhangsan,{PEOPLE}\n"
        )
        client.logout()
        assert _login(client, "lisi", DIRECTORY_PASSWORD).status_code == 302
        lisi = django_user_model.objects.get(username="lisi")
        assert not lisi.has_role(Role.COORDINATOR) and not lisi.contact_points.filter(pk=point.pk).exists()
        # What the mapping does not name stays as the administrators left it.
        assert lisi.has_role(Role.MODERATOR) and lisi.contact_points.filter(pk=other_point.pk).exists()
    finally:
        directory.modify(
            f"dn: {COORDINATORS_GROUP}\nchangetype: modify\nadd: member\nmember: uid=lisi,{PEOPLE}\n"
            f"-\ndelete: member\nmember: uid=zhangsan,{PEOPLE}\n\n"
            f"dn: {POINT_GROUP}\nchangetype: modify\nadd: member\nmember: uid=lisi,{PEOPLE}\n"
            f"-\ndelete: member\nmember: uid=zhangsan,{PEOPLE}\n"
        )


def test_a_directory_account_gets_no_local_password_by_reset(
    client, directory, django_user_model, django_capture_on_commit_callbacks
):
    from django.core import mail

    _login(client, "zhangsan", DIRECTORY_PASSWORD)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:reset"), {"identifier": "zhangsan@example.gov.cn"})
    assert response.status_code == 302  # the same answer as for any address
    assert mail.outbox == [] and not django_user_model.objects.get(username="zhangsan").has_usable_password()


def test_wrong_directory_passwords_are_throttled(client, directory, settings):
    for _ in range(settings.LOGIN_THROTTLE_PER_ACCOUNT):
        assert _login(client, "zhangsan", "wrong-password").status_code == 200
    response = _login(client, "zhangsan", DIRECTORY_PASSWORD)  # the right password, too late
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert not _signed_in(client)


def test_a_local_account_is_never_taken_over_by_the_directory(client, directory):
    UserFactory(username="moderator")  # the directory has a "moderator" too, with another password
    assert _login(client, "moderator", DIRECTORY_PASSWORD).status_code == 200 and not _signed_in(client)
    assert _login(client, "moderator", PASSWORD).status_code == 302 and _signed_in(client)


def test_citizens_sign_in_as_before(client, directory):
    UserFactory(username="citizen", phone="13800138000")
    assert _login(client, "13800138000", PASSWORD).status_code == 302 and _signed_in(client)


def test_with_the_directory_down_local_accounts_still_sign_in(client, directory, settings, django_user_model):
    _login(client, "zhangsan", DIRECTORY_PASSWORD)
    client.logout()
    settings.LDAP_SERVER_URI = "ldap://127.0.0.1:1"  # nothing listens there
    UserFactory(username="local-staff", roles=[Role.STAFF])
    response = _login(client, "zhangsan", DIRECTORY_PASSWORD)
    assert response.status_code == 503 and "单位目录服务暂时无法连接" in response.content.decode()
    assert not _signed_in(client)
    assert _login(client, "local-staff", PASSWORD).status_code == 302 and _signed_in(client)


def test_without_ldap_server_uri_the_directory_is_not_asked(client, directory, settings):
    settings.LDAP_SERVER_URI = None
    assert _login(client, "zhangsan", DIRECTORY_PASSWORD).status_code == 200 and not _signed_in(client)


@pytest.mark.parametrize(
    ("roles", "units", "expected"),
    [
        ("{not json", "", ["cms.E001"]),
        ('["a list"]', "", ["cms.E001"]),
        ('{"cn=x,dc=example": "科长"}', "", ["cms.E002"]),
        ("", '{"cn=x,dc=example": 12}', ["cms.E003"]),
        ("", '{"cn=x,dc=example": "street:3"}', ["cms.E004"]),
        ('{"cn=x,dc=example": "审核员"}', '{"cn=y,dc=example": "contact_point:3"}', []),
    ],
)
def test_malformed_mappings_stop_start_up(settings, roles, units, expected):
    settings.LDAP_GROUP_ROLES, settings.LDAP_GROUP_UNITS = roles, units
    settings.LDAP_GROUP_SEARCH_BASE = GROUPS
    assert [error.id for error in checks.directory_settings(None)] == expected


def test_a_directory_without_its_search_bases_stops_start_up(settings):
    settings.LDAP_SERVER_URI, settings.LDAP_USER_SEARCH_BASE = "ldap://127.0.0.1", ""
    settings.LDAP_GROUP_ROLES, settings.LDAP_GROUP_SEARCH_BASE = '{"cn=x,dc=example": "审核员"}', ""
    assert [error.id for error in checks.directory_settings(None)] == ["cms.E005", "cms.E006"]
    settings.LDAP_USER_SEARCH_BASE, settings.LDAP_USER_FILTER = PEOPLE, "(uid=zhangsan)"
    assert [error.id for error in checks.directory_settings(None)] == ["cms.E007", "cms.E006"]


def test_the_directory_backend_goes_first_only_with_a_server():
    show = "from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS[0])"
    without = manage("shell", "-c", show, env_vars={"LDAP_SERVER_URI": ""})
    with_server = manage("shell", "-c", show, env_vars={"LDAP_SERVER_URI": "ldap://127.0.0.1:389", **_BASES})
    assert without.stdout.split()[-1] == "cms.auth_backends.IdentifierBackend", without.stderr
    assert with_server.stdout.split()[-1] == "cms.directory.DirectoryBackend", with_server.stderr


_BASES = {"LDAP_USER_SEARCH_BASE": PEOPLE}
