"""The access audit: one `record` for every sign-in, download of a private file, role or permission change and
token use (cms.models.AccessEvent), the signal receivers that call it, and the retention purge.

Records are append-only (the model refuses, and so do the database's triggers); `purge` is the one way rows
leave, older than ACCESS_AUDIT_RETENTION_DAYS, through the guard row the triggers look for.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from cms.models import AccessAuditPurge, AccessEvent, AccessEventKind
from cms.throttle import client_ip

logger = logging.getLogger(__name__)

MIN_RETENTION_DAYS = 180


def record(
    *,
    kind: str,
    request=None,
    user=None,
    username: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AccessEvent:
    """Write one access record. `user` defaults to the request's signed-in user; `username` to that user's
    user name (a failed sign-in passes what was typed); `obj` names what was reached."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if user is not None and not username:
        username = user.get_username()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    ip = None
    user_agent = ""
    if request is not None:
        ip = client_ip(request, trusted_proxies=settings.TRUSTED_PROXY_COUNT) or None
        user_agent = str(request.META.get("HTTP_USER_AGENT", ""))[:512]
    event = AccessEvent(
        kind=kind,
        user_id=user.pk if user is not None else None,
        username=str(username)[:150],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:255],
        ip=_valid_ip(ip),
        user_agent=user_agent,
    )
    event.save()
    return event


def _valid_ip(value: str | None) -> str | None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    if not value:
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


# Sign-in, sign-out and role changes, on every path (the site's login, the admin's, Wagtail's private-page
# form, the test client): Django's signals fire wherever authentication happens. --------------------------


@receiver(user_logged_in, dispatch_uid="access_audit_login")
def _logged_in(sender, request, user, **kwargs):
    record(kind=AccessEventKind.LOGIN_SUCCESS, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="access_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    typed = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD) or ""
    record(kind=AccessEventKind.LOGIN_FAILURE, request=request, username=typed)


@receiver(user_logged_out, dispatch_uid="access_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(kind=AccessEventKind.LOGOUT, request=request, user=user)


def _name(item) -> str:
    """A group by its name, a permission as "app_label.codename" (as has_perm spells it)."""
    from django.contrib.auth.models import Permission

    if isinstance(item, Permission):
        return f"{item.content_type.app_label}.{item.codename}"
    return str(item)


def _membership_changed(kind: str, related_label: str):
    def receiver_(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        verb = {"post_add": "+", "post_remove": "-", "post_clear": "-*"}[action]
        if reverse:  # group.user_set.add(...) or permission.user_set...: one record per user
            users = get_user_model().objects.filter(pk__in=pk_set or [])
            for user in users:
                record(kind=kind, user=user, obj=instance, object_repr=f"{verb} {instance}")
            return
        names = sorted(_name(item) for item in model.objects.filter(pk__in=pk_set or []))
        record(
            kind=kind,
            user=instance,
            object_type=related_label,
            object_id=",".join(str(pk) for pk in sorted(pk_set or [])),
            object_repr=f"{verb} {', '.join(names)}" if names else verb,
        )

    return receiver_


def connect_membership_signals() -> None:
    """Role (group) and permission changes of users, whichever side they are made from."""
    user_model = get_user_model()
    m2m_changed.connect(
        _membership_changed(AccessEventKind.ROLE_CHANGE, "auth.group"),
        sender=user_model.groups.through,
        dispatch_uid="access_audit_groups",
        weak=False,
    )
    m2m_changed.connect(
        _membership_changed(AccessEventKind.PERMISSION_CHANGE, "auth.permission"),
        sender=user_model.user_permissions.through,
        dispatch_uid="access_audit_permissions",
        weak=False,
    )


def _group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A role's own permissions changed (group.permissions): who did it is not known here, only what."""
    from django.contrib.auth.models import Group

    if action not in {"post_add", "post_remove", "post_clear"} or reverse or not isinstance(instance, Group):
        return
    verb = {"post_add": "+", "post_remove": "-", "post_clear": "-*"}[action]
    names = sorted(_name(p) for p in model.objects.filter(pk__in=pk_set or []).select_related("content_type"))
    record(
        kind=AccessEventKind.PERMISSION_CHANGE,
        obj=instance,
        object_repr=f"{instance}: {verb} {', '.join(names)}" if names else f"{instance}: {verb}",
    )


def connect_group_permission_signal() -> None:
    from django.contrib.auth.models import Group

    m2m_changed.connect(
        _group_permissions_changed, sender=Group.permissions.through, dispatch_uid="access_audit_group_perms"
    )


# Retention -------------------------------------------------------------------------------------------------


def retention_days() -> int:
    days = settings.ACCESS_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"ACCESS_AUDIT_RETENTION_DAYS={days}: access records are kept at least {MIN_RETENTION_DAYS} days"
        )
    return days


def purge(*, now: datetime | None = None) -> int:
    """Delete the access records older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    deleted = delete_before(cutoff)
    if deleted:
        logger.info("access audit: %d records older than %s deleted", deleted, cutoff.isoformat())
    return deleted


@transaction.atomic
def delete_before(cutoff: datetime) -> int:
    """Delete the records older than `cutoff` through the database's guard: a guard row lets the triggers
    pass DELETEs of older rows, and it is gone again before the transaction commits."""
    guard = AccessAuditPurge.objects.create(before=cutoff)
    try:
        deleted, _per_model = models.QuerySet.delete(AccessEvent.objects.filter(occurred_at__lt=cutoff))
    finally:
        guard.delete()
    return deleted


@checks.register(checks.Tags.security)
def check_retention(app_configs, **kwargs):
    days = settings.ACCESS_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        return [
            checks.Error(
                f"ACCESS_AUDIT_RETENTION_DAYS is {days}; access records must be kept at least {MIN_RETENTION_DAYS}"
                " days.",
                id="cms.E201",
            )
        ]
    return []
