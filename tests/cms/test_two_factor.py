"""The second factor (issue 21): TOTP set up with a QR code drawn on the server, verified after every sign-in,
one-time backup codes, required per role, wrong codes throttled. Codes are real: computed from the device's
key for a fixed instant (cms.two_factor.clock is set to it), never by waiting."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms import two_factor
from cms.models import AccessEvent, AccessEventKind
from cms.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000.0
SETUP = "/accounts/otp/setup/"
VERIFY = "/accounts/otp/verify/"


def code_at(device: TOTPDevice, t: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = t
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(two_factor, "clock", lambda: NOW)


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)


def _sign_in(client, username="staff1"):
    response = client.post(reverse("accounts:login"), {"identifier": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_setup_shows_a_qr_code_drawn_here_and_the_secret(client, staff):
    client.force_login(staff)
    response = client.get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert 'src="data:image/svg+xml' in html  # no external QR service
    assert two_factor.secret_for_display(device) in html
    assert "otpauth" not in html.split('src="data:')[0]  # the key travels only inside the picture and as text


def test_setup_confirmed_with_a_real_code_turns_it_on_and_shows_backup_codes_once(client, staff):
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(SETUP, {"code": code_at(device, NOW)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert "no-store" in response["Cache-Control"]  # shown once: not kept in the browser's cache either
    # The session is verified: the admin opens; the codes are not shown again.
    assert client.get("/admin/").status_code == 200
    manage = client.get(SETUP).content.decode()
    assert not any(code in manage for code in codes)
    assert AccessEvent.objects.filter(user=staff, kind=AccessEventKind.OTP_SETUP).exists()


def test_a_wrong_code_at_setup_is_refused_in_chinese_and_nothing_is_turned_on(client, staff):
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = f"{(int(code_at(device, NOW)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert "验证码不正确或已使用过" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_after_signing_in_a_user_with_a_device_must_verify_before_the_admin(client, staff, device):
    _sign_in(client)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2Fpages%2F"
    assert client.get("/").status_code == 302  # any page: the session is not a staff session yet
    response = client.post(VERIFY + "?next=/admin/pages/", {"code": code_at(device, NOW), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/")["Location"].startswith("/admin/pages/")  # Wagtail's own redirect
    assert client.get("/admin/").status_code == 200
    assert AccessEvent.objects.filter(user=staff, kind=AccessEventKind.OTP_VERIFY).count() == 1


def test_the_code_of_the_previous_step_is_accepted_but_a_used_code_is_not(client, staff, device):
    _sign_in(client)
    previous = code_at(device, NOW - 30)
    assert client.post(VERIFY, {"code": previous}).status_code == 302
    client.post(reverse("accounts:logout"))
    _sign_in(client)
    response = client.post(VERIFY, {"code": previous})
    assert response.status_code == 200 and "验证码不正确或已使用过" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_code_from_ten_minutes_ago_is_refused(client, staff, device):
    _sign_in(client)
    response = client.post(VERIFY, {"code": code_at(device, NOW - 600)})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_backup_code_works_once(client, staff, device):
    codes = two_factor.backup_codes_generate(user=staff)
    _sign_in(client)
    assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post(reverse("accounts:logout"))
    _sign_in(client)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=staff).count() == 9


def test_wrong_codes_are_throttled_with_a_chinese_message_even_before_a_right_one(client, staff, device, settings):
    settings.OTP_THROTTLE_LIMIT = 3
    _sign_in(client)
    for _ in range(3):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    response = client.post(VERIFY, {"code": code_at(device, NOW)})
    assert response.status_code == 429
    assert "验证码错误次数过多，请 15 分钟后再试。" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AccessEvent.objects.filter(user=staff, kind=AccessEventKind.OTP_FAILURE).count() == 4


def test_a_required_role_without_a_device_is_sent_to_setup(client, moderator, settings):
    settings.OTP_REQUIRED_ROLES = [str(Role.MODERATOR)]
    client.force_login(moderator)
    for path in ["/admin/", "/", "/accounts/profile/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(SETUP + "?next="), path
    page = client.get(SETUP)
    assert page.status_code == 200 and "您的角色要求使用两步验证" in page.content.decode()


def test_a_role_not_required_is_left_alone_without_a_device(client, moderator, settings):
    settings.OTP_REQUIRED_ROLES = [str(Role.STAFF)]
    client.force_login(moderator)
    assert client.get("/admin/").status_code == 200


def test_citizens_cannot_set_up_a_second_factor_and_are_never_redirected(client, citizen):
    client.force_login(citizen)
    assert client.get(SETUP).status_code == 403
    assert client.get("/accounts/profile/").status_code == 200


def test_disable_needs_a_current_code_and_removes_every_device(client, staff, device):
    two_factor.backup_codes_generate(user=staff)
    _sign_in(client)
    client.post(VERIFY, {"code": code_at(device, NOW)})
    response = client.post("/accounts/otp/disable/", {"code": "123"})
    assert response.status_code == 200 and TOTPDevice.objects.filter(user=staff).exists()
    response = client.post("/accounts/otp/disable/", {"code": code_at(device, NOW + 30)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticToken.objects.filter(device__user=staff).exists()
    assert AccessEvent.objects.filter(user=staff, kind=AccessEventKind.OTP_DISABLE).exists()


def test_disable_is_refused_while_the_role_requires_it(client, staff, device, settings):
    settings.OTP_REQUIRED_ROLES = [str(Role.STAFF)]
    _sign_in(client)
    client.post(VERIFY, {"code": code_at(device, NOW)})
    response = client.post("/accounts/otp/disable/", {"code": code_at(device, NOW + 30)})
    assert "您的角色要求使用两步验证，不能关闭。" in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_backup_codes_need_a_verified_session(client, staff, device):
    _sign_in(client)
    response = client.post("/accounts/otp/backup-codes/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not StaticToken.objects.filter(device__user=staff).exists()


def test_new_backup_codes_replace_the_old_ones(client, staff, device):
    old = set(two_factor.backup_codes_generate(user=staff))
    _sign_in(client)
    client.post(VERIFY, {"code": code_at(device, NOW)})
    response = client.post("/accounts/otp/backup-codes/")
    new = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(new) == 10 and not (old & new)
    assert all(code in response.content.decode() for code in new)


def test_the_issuer_names_the_site_in_the_authenticator(staff, settings):
    settings.OTP_TOTP_ISSUER = "某市人大"
    device = two_factor.totp_setup_start(user=staff)
    assert "issuer=%E6%9F%90%E5%B8%82%E4%BA%BA%E5%A4%A7" in device.config_url


def test_an_unknown_required_role_fails_the_system_check(settings):
    settings.OTP_REQUIRED_ROLES = ["管理员"]
    with pytest.raises(SystemCheckError, match="cms.E202"):
        call_command("check")


def test_a_superuser_with_a_device_must_verify_too(client, device):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    totp = TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)
    _sign_in(client, "root")
    assert client.get("/admin/").status_code == 302
    client.post(VERIFY, {"code": code_at(totp, NOW)})
    assert client.get("/admin/").status_code == 200
