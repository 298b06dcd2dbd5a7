"""Account writes: registration, confirmation, password reset and the public profile."""

import contextlib
import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms import emails
from cms.models import User, Verification
from cms.selectors import identifier_kind, normalize_identifier, user_by_identifier
from cms.sms import send_sms
from cms.throttle import Throttle

logger = logging.getLogger(__name__)

# At most this many confirmation or reset messages per account an hour: each costs an SMS.
SEND_THROTTLE = Throttle("verification-send", limit=5, window_seconds=3600)
# The same limit per identifier typed, counted for every identifier (known or not), so the limit itself does not
# tell who is registered.
REQUEST_THROTTLE = Throttle("verification-request", limit=5, window_seconds=3600)
# Code guesses per identifier typed, known or not; the window covers a code's life, so an account's own count of
# failures (Verification.failed_attempts) can never run out before this one does and answer differently.
CODE_THROTTLE = Throttle(
    "code-attempt",
    limit=settings.ACCOUNT_CODE_MAX_ATTEMPTS,
    window_seconds=max(settings.ACCOUNT_CODE_TTL_MINUTES * 60, 900),
)
_CONTACT_LIKE = re.compile(r"@|\d{7,}")


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _code_digest(verification_user_id: int, code: str) -> str:
    return _digest(f"code:{verification_user_id}:{code}")


def _validate_identifier(identifier: str) -> tuple[str, str]:
    value = normalize_identifier(identifier)
    kind = identifier_kind(value)
    if kind == "email":
        try:
            validate_email(value)
        except ValidationError:
            kind = None
    if kind is None:
        raise ValidationError({"identifier": _("请输入有效的电子邮箱地址或中国大陆手机号码（11 位数字）。")})
    return value, kind


def _validate_display_name(display_name: str) -> str:
    display_name = display_name.strip()
    if _CONTACT_LIKE.search(display_name):
        raise ValidationError({"display_name": _("公开显示名称不能包含电子邮箱或电话号码，以免泄露个人信息。")})
    return display_name


@transaction.atomic
def user_register(*, identifier: str, password: str, display_name: str = "") -> User | None:
    """Create an inactive citizen account and send it a confirmation link or code.

    None when the identifier already has an account (its owner is sent a message instead): callers answer
    the same either way."""
    value, kind = _validate_identifier(identifier)
    user = get_user_model()(
        username=value,
        email=value if kind == "email" else "",
        phone=value if kind == "phone" else "",
        display_name=_validate_display_name(display_name),
        is_active=False,
    )
    _validate_new_password(password, user)
    user.set_password(password)
    if not REQUEST_THROTTLE.hit(f"register:{value}") <= REQUEST_THROTTLE.limit:
        raise ValidationError(_("发送过于频繁，请一小时后再试。"))
    existing = user_by_identifier(value)
    if existing is not None:
        # The same answer as a new registration (issue 21: no one learns who is registered). The owner gets
        # what helps them: the confirmation again, or a way to reset the password of their confirmed account.
        purpose = Verification.Purpose.CONFIRM if existing.confirmed_at is None else Verification.Purpose.RESET
        if kind == Verification.Channel.PHONE:
            _count_text()  # the day's cap answers the same as for a new number
        with contextlib.suppress(ValidationError):  # the account's own send limit: say nothing different
            verification_send(user=existing, purpose=purpose, channel=kind, text_counted=True)
        return None
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations of the same address at once: the database's unique index decides, the other
        # gets the same answer as everyone.
        return None
    verification_send(user=user, purpose=Verification.Purpose.CONFIRM, channel=kind)
    return user


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def verification_send(*, user: User, purpose: str, channel: str, text_counted: bool = False) -> Verification:
    """Issue a link and a code, and send them once the transaction commits."""
    if not SEND_THROTTLE.hit(f"{user.pk}:{purpose}") <= SEND_THROTTLE.limit:
        raise ValidationError(_("发送过于频繁，请一小时后再试。"))
    if channel == Verification.Channel.PHONE and not text_counted:
        _count_text()
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    verification = Verification.objects.create(
        user=user,
        purpose=purpose,
        channel=channel,
        token_hash=_digest(f"token:{token}"),
        code_hash=_code_digest(user.pk, code),
        link_expires_at=now + timedelta(hours=settings.ACCOUNT_LINK_TTL_HOURS),
        code_expires_at=now + timedelta(minutes=settings.ACCOUNT_CODE_TTL_MINUTES),
    )
    # In the language the person is reading the site in: they asked for it on this page.
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _deliver(verification, token=token, code=code, language=language))
    return verification


def _count_text() -> None:
    """Count one text against the day's cap (atomic); the text that reaches it alerts the staff once."""
    cap = settings.SMS_DAILY_CAP
    day = timezone.localdate()
    count = Throttle("sms-daily", limit=cap, window_seconds=2 * 86400).hit(day.isoformat())
    if count == cap:
        transaction.on_commit(lambda: _alert_staff_sms_cap(day=day, cap=cap))
    if count > cap:
        raise ValidationError(_("今天的短信发送量已达上限，请改用电子邮箱，或明天再试。"))


def _alert_staff_sms_cap(*, day, cap: int) -> None:
    from cms.roles import Role

    staff = get_user_model().objects.filter(is_active=True, groups__name=str(Role.STAFF)).exclude(email="")
    recipients = sorted(set(staff.values_list("email", flat=True)) | {email for _name, email in settings.ADMINS})
    try:
        emails.send("accounts/sms_cap", recipients, {"day": day.isoformat(), "cap": cap})
    except Exception:
        logger.exception("could not alert staff that the daily SMS cap was reached")
    logger.warning("daily SMS cap of %s reached on %s", cap, day)


def _deliver(verification: Verification, *, token: str, code: str, language: str) -> None:
    user = verification.user
    route = "accounts:confirm_link" if verification.purpose == Verification.Purpose.CONFIRM else "accounts:reset_link"
    context = {
        "user": user,
        "purpose": verification.get_purpose_display(),
        "code": code,
        "link": settings.BASE_URL + reverse(route, args=[token]),
        "link_hours": settings.ACCOUNT_LINK_TTL_HOURS,
        "code_minutes": settings.ACCOUNT_CODE_TTL_MINUTES,
        "site_name": settings.SITE_NAME,
    }
    try:
        if verification.channel == Verification.Channel.EMAIL:
            emails.send("accounts/verification", user.email, context, language=language)
        else:
            with translation.override(language):
                send_sms(user.phone, render_to_string("accounts/sms/verification.txt", context).strip())
    except Exception:
        # The account is saved; the person can ask for the message again from the confirm page.
        logger.exception("could not deliver verification %s", verification.pk)


def _check_usable(verification: Verification | None, *, now, link: bool) -> Verification:
    if verification is None:
        raise ValidationError(_("链接无效，请检查是否完整复制了链接。"), code="invalid")
    if verification.used_at is not None:
        raise ValidationError(_("该链接或验证码已经使用过。如已完成确认，请直接登录。"), code="used")
    expires_at = verification.link_expires_at if link else verification.code_expires_at
    if expires_at < now:
        raise ValidationError(_("链接或验证码已过期，请重新获取。"), code="expired")
    return verification


def _verification_for_token(token: str, purpose: str) -> Verification:
    verification = (
        Verification.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_digest(f"token:{token}"), purpose=purpose)
        .first()
    )
    return _check_usable(verification, now=timezone.now(), link=True)


def _verification_for_code(identifier: str, code: str, purpose: str) -> Verification:
    """The newest open verification matching the code; failed tries count, even when we refuse."""
    subject = f"{purpose}:{normalize_identifier(identifier).casefold()}"
    too_many = ValidationError({"code": _("验证码错误次数过多，请重新获取。")})
    if CODE_THROTTLE.hit(subject) > CODE_THROTTLE.limit:
        raise too_many
    # One answer for a wrong, expired or missing code and for an unknown identifier (issue 21).
    invalid = ValidationError({"code": _("验证码不正确或已过期，请检查或重新获取。")})
    user = user_by_identifier(identifier)
    if user is None:
        raise invalid
    with transaction.atomic():
        verification = (
            Verification.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if verification is None:
            raise invalid
        if verification.failed_attempts >= settings.ACCOUNT_CODE_MAX_ATTEMPTS:
            raise too_many
        if verification.code_expires_at < timezone.now():
            raise invalid
        if not hmac.compare_digest(verification.code_hash, _code_digest(user.pk, code.strip())):
            verification.failed_attempts += 1
            verification.save(update_fields=["failed_attempts"])
            wrong = True
        else:
            wrong = False
    if wrong:
        raise invalid
    CODE_THROTTLE.reset(subject)
    return verification


def _activate(user: User, now) -> None:
    if not user.is_active or user.confirmed_at is None:
        user.is_active = True
        user.confirmed_at = user.confirmed_at or now
        user.save(update_fields=["is_active", "confirmed_at"])


@transaction.atomic
def account_confirm_link(*, token: str) -> User:
    verification = _verification_for_token(token, Verification.Purpose.CONFIRM)
    now = timezone.now()
    verification.used_at = now
    verification.save(update_fields=["used_at"])
    _activate(verification.user, now)
    return verification.user


def _consume(verification: Verification, now) -> None:
    """Mark used, once: of two requests racing with the same code only one gets through."""
    if not Verification.objects.filter(pk=verification.pk, used_at__isnull=True).update(used_at=now):
        raise ValidationError({"code": _("该验证码已经使用过。")})


def account_confirm_code(*, identifier: str, code: str) -> User:
    # Not one transaction: a wrong code's failed attempt must stay counted when we refuse it.
    verification = _verification_for_code(identifier, code, Verification.Purpose.CONFIRM)
    with transaction.atomic():
        now = timezone.now()
        _consume(verification, now)
        user = get_user_model().objects.get(pk=verification.user_id)
        _activate(user, now)
    return user


def account_confirm_resend(*, identifier: str) -> None:
    """Send a new confirmation to an unconfirmed account; say nothing about other identifiers."""
    _count_request("confirm", identifier)
    user = user_by_identifier(identifier)
    if user is None or user.confirmed_at is not None:
        return
    kind = identifier_kind(normalize_identifier(identifier)) or ("email" if user.email else "phone")
    # The account's own send limit (its registration counted there too) answers as the typed identifier's
    # limit does for everyone: otherwise registering a free identifier and asking again found it out one
    # request sooner than a taken one (found by the probe, tests/probe/test_enumeration.py).
    with contextlib.suppress(ValidationError), transaction.atomic():
        verification_send(user=user, purpose=Verification.Purpose.CONFIRM, channel=kind)


def password_reset_request(*, identifier: str) -> None:
    """Send a reset link or code; the same answer whether or not the account exists."""
    value = normalize_identifier(identifier)
    _count_request("reset", value)
    user = user_by_identifier(value)
    kind = identifier_kind(value)
    if user is None or kind is None:
        return
    if settings.LDAP_SERVER_URI and not user.has_usable_password():
        # A directory account's password lives in the directory (cms.directory): a local one would let the person
        # sign in here with roles the directory has since taken away. The same answer as everyone.
        return
    # The account's own send limit (reached through its other names) gives the same answer as everyone.
    with contextlib.suppress(ValidationError), transaction.atomic():
        verification_send(user=user, purpose=Verification.Purpose.RESET, channel=kind)


def _count_request(purpose: str, identifier: str) -> None:
    """Count a request for a message against the identifier typed, whether or not it has an account."""
    if REQUEST_THROTTLE.hit(f"{purpose}:{normalize_identifier(identifier).casefold()}") > REQUEST_THROTTLE.limit:
        raise ValidationError(_("发送过于频繁，请一小时后再试。"))


def _set_password(user: User, password: str, verification: Verification) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    now = timezone.now()
    _consume(verification, now)
    user.set_password(password)
    user.save(update_fields=["password"])
    # Proving control of the address also confirms an account that never was.
    _activate(user, now)


@transaction.atomic
def password_reset_with_token(*, token: str, password: str) -> User:
    verification = _verification_for_token(token, Verification.Purpose.RESET)
    _set_password(verification.user, password, verification)
    return verification.user


def password_reset_check_token(*, token: str) -> None:
    """Raise ValidationError when a reset link can no longer be used (before showing the form)."""
    with transaction.atomic():
        _verification_for_token(token, Verification.Purpose.RESET)


def password_reset_with_code(*, identifier: str, code: str, password: str) -> User:
    # A weak password must not burn the code the person just typed; checked the same for unknown identifiers.
    user = user_by_identifier(identifier)
    _validate_new_password(password, user if user is not None else get_user_model()(username=identifier))
    verification = _verification_for_code(identifier, code, Verification.Purpose.RESET)
    with transaction.atomic():
        user = get_user_model().objects.get(pk=verification.user_id)
        _set_password(user, password, verification)
    return user


@transaction.atomic
def user_update_profile(*, user: User, display_name: str) -> User:
    user.display_name = _validate_display_name(display_name)
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name"])
    return user
