"""Writes of the api app: making and revoking tokens, logging their use."""

import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken, ApiTokenUse, TokenHolder, token_hash


def token_check(token: ApiToken) -> None:
    """A token is bound to exactly the holder its kind names."""
    if token.holder == TokenHolder.CONTACT_POINT and (token.contact_point_id is None or token.department_id):
        raise ValidationError(_("联系点令牌须绑定一个联系点，且不能绑定承办单位。"))
    if token.holder == TokenHolder.DEPARTMENT and (token.department_id is None or token.contact_point_id):
        raise ValidationError(_("承办单位令牌须绑定一个承办单位，且不能绑定联系点。"))
    if token.holder == TokenHolder.STAFF and (token.department_id or token.contact_point_id):
        raise ValidationError(_("工作人员令牌不能绑定联系点或承办单位。"))


def token_create(*, token: ApiToken, user=None) -> str:
    """Save a new token (fields set by the caller) and return its raw key, shown once and never stored."""
    token_check(token)
    prefix = secrets.token_hex(4)
    raw = f"lt_{prefix}_{secrets.token_urlsafe(32)}"
    token.prefix = prefix
    token.key_hash = token_hash(raw)
    token.created_by = user
    token.save()
    return raw


def token_revoke(*, token: ApiToken, now=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])


def token_use_log(*, token: ApiToken, method: str, path: str, status: int, now=None) -> None:
    now = now or timezone.now()
    ApiTokenUse.objects.create(token=token, at=now, method=method[:10], path=path[:500], status=status)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
