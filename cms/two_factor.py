"""The second factor (TOTP through django-otp, one-time backup codes through its static device): who may and
who must use it, setting it up, verifying, disabling, and the middleware that enforces it.

Codes are checked here rather than by the devices' own `verify_token`, for two reasons: the clock is
injected (`clock`, so tests compute real codes for a fixed instant instead of waiting), and wrong codes
are limited by the project's own throttle (cms.throttle, per account, OTP_THROTTLE_LIMIT in
OTP_THROTTLE_WINDOW_SECONDS) like every other code the site accepts, instead of django-otp's per-device delays.
"""

from __future__ import annotations

import time
from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.roles import Role
from cms.throttle import Throttle

# Where the time comes from; tests replace it with a fixed instant.
clock = time.time

ELIGIBLE_ROLES = (Role.STAFF, Role.MODERATOR, Role.ADMINISTRATOR)
BACKUP_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


def _throttle() -> Throttle:
    return Throttle("otp-code", limit=settings.OTP_THROTTLE_LIMIT, window_seconds=settings.OTP_THROTTLE_WINDOW_SECONDS)


# Who --------------------------------------------------------------------------------------------------------


def may_use(user) -> bool:
    """Staff, moderators, administrators, superusers, and anyone whose role requires it may turn it on."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(user.has_role(r) for r in ELIGIBLE_ROLES) or is_required(user)


def is_required(user) -> bool:
    """True when one of the user's roles is in OTP_REQUIRED_ROLES."""
    return bool(user.is_authenticated) and any(user.has_role(role) for role in settings.OTP_REQUIRED_ROLES)


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# Checking a code --------------------------------------------------------------------------------------------


def _normalize(code: str) -> str:
    return "".join(str(code).split()).replace("-", "").lower()


def _totp_matches(device: TOTPDevice, code: str, now: float) -> bool:
    """Whether `code` is the device's code at `now` (within its tolerance), never one already used."""
    if not (code.isdigit() and len(code) == device.digits):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    if not totp.verify(int(code), device.tolerance, device.last_t + 1):
        return False
    device.last_t = totp.t()
    device.drift = totp.drift
    device.save(update_fields=["last_t", "drift"])
    return True


def _backup_code_matches(user, code: str) -> StaticDevice | None:
    token = StaticToken.objects.select_related("device").filter(device__user=user, token=code).first()
    if token is None:
        return None
    token.delete()  # one use each
    return token.device


def _limited(user, check):
    """Count an attempt against the user's limit and run `check`; a success clears the count."""
    throttle, subject = _throttle(), f"user:{user.pk}"
    if throttle.hit(subject) > throttle.limit:
        minutes = max(1, settings.OTP_THROTTLE_WINDOW_SECONDS // 60)
        raise ValidationError(
            _("验证码错误次数过多，请 %(minutes)d 分钟后再试。") % {"minutes": minutes}, code="throttled"
        )
    result = check()
    if not result:
        raise ValidationError(_("验证码不正确或已使用过，请重新输入。"), code="invalid")
    throttle.reset(subject)
    return result


@transaction.atomic
def code_verify(*, user, code: str, now: float | None = None):
    """The device that accepts `code` (a TOTP code, or one of the user's backup codes, which is used up).

    Raises ValidationError (throttled or invalid).
    """
    code = _normalize(code)
    now = clock() if now is None else now

    def check():
        device = totp_device(user)
        if device is not None and _totp_matches(device, code, now):
            return device
        return _backup_code_matches(user, code)

    return _limited(user, check)


# Setting up, backup codes, disabling --------------------------------------------------------------------


def totp_setup_start(*, user) -> TOTPDevice:
    """The unconfirmed device the setup page shows (one per user, kept until confirmed)."""
    if not may_use(user):
        raise ValidationError(_("您的账号不能使用两步验证。"), code="not_eligible")
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_setup_confirm(*, user, code: str, now: float | None = None) -> TOTPDevice:
    """Confirm the device shown at setup with a code from the app; any older device is replaced."""
    device = totp_setup_start(user=user)
    code = _normalize(code)
    now = clock() if now is None else now
    _limited(user, lambda: _totp_matches(device, code, now))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def backup_codes_generate(*, user) -> list[str]:
    """New one-time backup codes, replacing the old ones; the caller shows them once (they are not shown again)."""
    if not has_device(user):
        raise ValidationError(_("请先启用两步验证。"), code="no_device")
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_disable(*, user, code: str, now: float | None = None) -> None:
    """Turn the second factor off, with a current code (or a backup code) as proof; refused while a role of
    the user requires it."""
    if is_required(user):
        raise ValidationError(_("您的角色要求使用两步验证，不能关闭。"), code="required")
    code_verify(user=user, code=code, now=now)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# Enforcing ---------------------------------------------------------------------------------------------------


class SecondFactorMiddleware:
    """After authentication (and django-otp's OTPMiddleware): a signed-in user who has a device and has not
    verified in this session is sent to the verify page; one whose role requires a device and has none is
    sent to set one up. Every page counts, not only /admin/: a session signed in with the password alone is
    not yet a staff session anywhere. The second-factor pages themselves, signing out, static files and the
    health probe are left through.

    Only users who may use a second factor are looked at, from the role names their session already loaded,
    so citizens' requests cost no query here.
    """

    OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz", "/favicon.ico")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def _open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = (
                *self.OPEN_PREFIXES,
                reverse("accounts:otp_verify"),
                reverse("accounts:otp_setup"),
                reverse("accounts:logout"),
                reverse("wagtailadmin_logout"),
            )
        return path.startswith(self._open_paths)

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and may_use(user) and not self._open(request.path):
            target = None
            if not user.is_verified():
                if has_device(user):
                    target = "accounts:otp_verify"
                elif is_required(user):
                    target = "accounts:otp_setup"
            if target is not None:
                return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


def check_required_roles(app_configs, **kwargs):
    known = {str(role) for role in Role.values}
    unknown = [name for name in settings.OTP_REQUIRED_ROLES if name not in known]
    if unknown:
        return [
            checks.Error(
                f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
                hint=f"Use names from cms.roles.Role: {', '.join(sorted(known))}",
                id="cms.E202",
            )
        ]
    return []


def register_checks() -> None:
    checks.register(check_required_roles, checks.Tags.security)
