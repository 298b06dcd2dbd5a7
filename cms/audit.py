"""The platform's audit trails in Wagtail's site history (报告 › 站点历史), so that one admin screen answers
"who did what, when" for pages, snippets and opinions alike.

The append-only records stay the source of truth (comments.ModerationEvent, handling.HandlingEvent,
referrals.ReferralEvent); each is mirrored by a `wagtail.models.ModelLogEntry` written in the same transaction,
whose `data` holds the event's id and its before / after / reason. Each app registers its actions with Chinese
labels in its `register_log_actions` hook (`register_actions`), and the site history words each entry through
`EventFormatter`. One event is logged with `wagtail.log_actions.log`; a bulk operation (a disposition of 10,000
opinions) writes its entries with `log_many`, a few INSERTs rather than one per entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from wagtail.log_actions import LogFormatter, get_active_log_context
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

BATCH_SIZE = 2000

# (field label, before, after) in words, from an entry's data.
Changes = Callable[[dict], list[tuple[str, str, str]]]


class EventFormatter(LogFormatter):
    """The site history's words for an audit event: its label, then what changed and why."""

    label = ""

    @staticmethod
    def changes(data: dict) -> list[tuple[str, str, str]]:
        return []

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        parts = [f"{field}：{before} → {after}" for field, before, after in self.changes(data)]
        if data.get("reason"):
            parts.append(_("理由：%(reason)s") % {"reason": data["reason"]})
        return str(self.label) + ("（" + "；".join(parts) + "）" if parts else "")


def register_actions(actions, prefix: str, group_label, choices, changes: Changes | None = None) -> None:
    """Register an action "<prefix>.<value>" labelled "<group label>：<label>" for each (value, label) choice."""
    for value, label in choices:
        attributes = {"label": format_lazy("{}：{}", group_label, label)}
        if changes is not None:
            attributes["changes"] = staticmethod(changes)
        actions.register_action(f"{prefix}.{value}")(type(f"{prefix}.{value}", (EventFormatter,), attributes))


def operation_uuid() -> uuid.UUID:
    """The id the entries of one operation share: the admin request's (Wagtail's log context), or a new one."""
    return get_active_log_context().uuid or uuid.uuid4()


def log_many(
    entries: Iterable[tuple[models.Model, dict]],
    action: str,
    *,
    user,
    title: Callable[[models.Model], str],
    timestamp: datetime | None = None,
) -> list[ModelLogEntry]:
    """Write an entry of `action` by `user` for each (instance, data), as `wagtail.log_actions.log` would, in a
    few INSERTs. `title(instance)` names the instance in the site history.

    Bulk creation skips the entry's own check that the action is registered, so it is made here, once.
    """
    if not log_registry.action_exists(action):
        raise ImproperlyConfigured(f"the log action {action!r} is not registered")
    entries = list(entries)
    if not entries:
        return []
    content_types = ContentType.objects.get_for_models(*{type(i) for i, _data in entries}, for_concrete_models=False)
    shared = {
        "action": action,
        "user_id": user.pk if user is not None else None,  # ids, not objects: cheaper by the thousand
        "timestamp": timestamp or timezone.now(),
        "uuid": operation_uuid(),
    }
    rows = [
        ModelLogEntry(
            content_type_id=content_types[type(instance)].pk,
            object_id=str(instance.pk),
            label=title(instance),
            data=data,
            **shared,
        )
        for instance, data in entries
    ]
    return ModelLogEntry.objects.bulk_create(rows, batch_size=BATCH_SIZE)
