"""Writes of the api app: making and revoking tokens, logging their use."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.errors import ApiError
from api.models import ApiToken, ApiTokenUse, IdempotentRequest, TokenHolder, token_hash
from contact_points import services as contact_point_services


def token_check(token: ApiToken) -> None:
    """A token is bound to exactly the holder its kind names."""
    if token.holder == TokenHolder.CONTACT_POINT and (token.contact_point_id is None or token.department_id):
        raise ValidationError(_("联系点令牌须绑定一个联系点，且不能绑定承办单位。"))
    if token.holder == TokenHolder.DEPARTMENT and (token.department_id is None or token.contact_point_id):
        raise ValidationError(_("承办单位令牌须绑定一个承办单位，且不能绑定联系点。"))
    if token.holder == TokenHolder.CONTACT_POINT and not (
        token.acting_user_id and token.acting_user.has_perm("contact_points.work_for_point", token.contact_point)
    ):
        raise ValidationError(_("联系点令牌须指定该联系点的一位联络员。"))
    if token.holder == TokenHolder.DEPARTMENT and not (
        token.acting_user_id and token.department.liaisons.filter(pk=token.acting_user_id).exists()
    ):
        raise ValidationError(_("承办单位令牌须指定该单位的一位联络人。"))
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


def batch_submit(*, token: ApiToken, key: str, payload: bytes, draft, items: list, now=None) -> tuple[int, dict, bool]:
    """A contact point's batch through the API, once per Idempotency-Key: (status, body, replayed).

    The key's answer is stored in the same transaction as the batch, so a refused batch stores nothing
    (sending it again checks it again) and a second request with the key waits for the first and replays it.
    """
    digest = hashlib.sha256(payload).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    contact_point_id=token.contact_point_id, key=key, payload_hash=digest, status=0, body={}
                )
        except IntegrityError:
            record = IdempotentRequest.objects.get(contact_point_id=token.contact_point_id, key=key)
            if record.payload_hash != digest:
                raise ApiError(
                    "idempotency_key_reused", _("这个 Idempotency-Key 已用于另一批不同的意见。"), 422
                ) from None
            return record.status, record.body, True
        submission = contact_point_services.batch_submit_items(
            user=token.acting_user, contact_point=token.contact_point, draft=draft, items=items, now=now
        )
        batch = submission.batch
        body = {
            "batch": batch.pk,
            "draft": batch.draft_id,
            "created": submission.created,
            "late": batch.is_late,
            "submitted_at": batch.submitted_at.isoformat() if batch.submitted_at else None,
        }
        record.status, record.body = 201, body
        record.save(update_fields=["status", "body"])
    return 201, body, False
