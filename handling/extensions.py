"""Extension points of the handling app (cms.extensions explains the mechanism): what later apps
(referrals) add to the staff workspace's rows and to an opinion's handling page."""

from __future__ import annotations

from cms.extensions import ExtensionPoint

staff_notes = ExtensionPoint(
    "handling.staff_notes",
    "Called with [opinions] on the staff workspace or an opinion's page; returns {opinion id: [comments Note]} "
    "(e.g. the department an opinion was forwarded to, and where the referral stands).",
)
opinion_history = ExtensionPoint(
    "handling.opinion_history",
    "Called with (opinion); returns events about it kept by a later app (its referral's steps). Each event has "
    "created_at, pk, actor, get_action_display(), reason and describe().",
)
export_replies = ExtensionPoint(
    "handling.export_replies",
    "Called with (draft_id); returns {opinion id: str}: what the adoption table adds to a row's reason (the "
    "department's closing reply to a forwarded opinion).",
)

export_warnings = ExtensionPoint(
    "handling.export_warnings",
    "Called with (draft); returns [str]: what staff should know before exporting the adoption table (opinions "
    "marked 采纳 that no change of the text points to, changes without a reason).",
)


def attach_staff_notes(opinions: list) -> list:
    found = staff_notes.merge_lists(opinions) if opinions else {}
    for opinion in opinions:
        opinion.staff_notes = found.get(opinion.pk, [])
    return opinions


def export_warning_list(draft) -> list[str]:
    return [warning for warnings in export_warnings.call(draft) for warning in warnings]
