"""Handling in Wagtail's site history (cms.audit): its actions, and the entries written with each HandlingEvent,
in the same transaction."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from cms import audit
from comments.history import opinion_titles
from handling.models import HandlingAction, HandlingEvent

PREFIX = "handling"


def register_actions(actions) -> None:
    """意见处理：<action> for each kind of handling step."""
    audit.register_actions(
        actions, PREFIX, gettext_lazy("意见处理"), HandlingAction.choices, HandlingEvent.describe_data
    )


def log_handling(events: list[HandlingEvent], *, actor, now=None) -> None:
    """Mirror handling events (of one action, as one handling step makes them) in the site history."""
    if not events:
        return
    (action,) = {e.action for e in events}
    audit.log_many(
        [(e.opinion, e.log_data()) for e in events],
        f"{PREFIX}.{action}",
        user=actor,
        title=opinion_titles(e.opinion for e in events),
        timestamp=now,
    )
