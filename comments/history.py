"""Moderation in Wagtail's site history (cms.audit): its actions, and the entries written with each
ModerationEvent, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms import audit
from comments.models import ModerationEvent, ModerationState, Opinion
from drafts.models import DraftPage

PREFIX = "comments.moderation"


def opinion_titles(opinions: Iterable[Opinion]) -> Callable[[Opinion], str]:
    """How the site history names each of `opinions`: 《draft》第 N 号意见, in the site language.

    Never the opinion's text: it may hold what its author would not want on a list of names.
    """
    titles = dict(DraftPage.objects.filter(pk__in={o.draft_id for o in opinions}).values_list("pk", "title"))
    with translation.override(settings.LANGUAGE_CODE):
        pattern = _("《%(draft)s》第 %(pk)s 号意见")
    return lambda opinion: pattern % {"draft": titles.get(opinion.draft_id, ""), "pk": opinion.pk}


def _changes(data: dict) -> list[tuple[str, str, str]]:
    states = dict(ModerationState.choices)
    before, after = data.get("from_state", ""), data.get("to_state", "")
    return [(str(_("审核状态")), str(states.get(before, before or "—")), str(states.get(after, after or "—")))]


def register_actions(actions) -> None:
    """意见审核：<state> for each state an opinion can be moved to."""
    audit.register_actions(actions, PREFIX, gettext_lazy("意见审核"), ModerationState.choices, _changes)


def log_moderation(events: list[ModerationEvent], *, actor, now=None) -> None:
    """Mirror moderation events (all to one state, as one moderation step makes them) in the site history."""
    if not events:
        return
    (to_state,) = {e.to_state for e in events}
    audit.log_many(
        [
            (e.opinion, {"event": e.pk, "from_state": e.from_state, "to_state": e.to_state, "reason": e.reason})
            for e in events
        ],
        f"{PREFIX}.{to_state}",
        user=actor,
        title=opinion_titles(e.opinion for e in events),
        timestamp=now,
    )
