"""Extension points of the comments app (cms.extensions explains the mechanism)."""

from __future__ import annotations

from dataclasses import dataclass

from cms.extensions import ExtensionPoint


@dataclass(frozen=True)
class Note:
    """A line shown under an opinion, with an optional link (e.g. 承办单位已答复 · 查看答复并评价)."""

    text: str
    url: str = ""
    link_text: str = ""


opinion_notes = ExtensionPoint(
    "comments.opinion_notes",
    "Called with [opinions] shown to their author (我的意见) or to the people who speak for their source; "
    "returns {opinion id: [Note]}.",
)


def attach_opinion_notes(opinions: list) -> list:
    """Set `opinion.notes` on each opinion from every registered function (one call each for the list)."""
    found = opinion_notes.merge_lists(opinions) if opinions else {}
    for opinion in opinions:
        opinion.notes = found.get(opinion.pk, [])
    return opinions
