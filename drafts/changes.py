"""What changed in a version against the one before it, article by article, for the public pages.

On a version that has a predecessor each changed article says so (「本条有修改」, 「新增条文」), and its
own page shows the redline and the public reasons.  The changed set of a pair of versions is computed
once (``drafts.version_diff``: lineage pairing, a character diff inside each changed article) and
cached until either version changes, so the draft page pays for it only when its text is rendered
anew, and an article page reads two small cache entries: the set, and its own change.  The reasons
are read per article, on its page, from ``drafts.extensions``' comparison point: they move with the
handling of opinions, the text does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

from drafts.comparison import ChangeNote
from drafts.extensions import comparison_notes
from drafts.models import DraftVersion
from drafts.version_diff import Ops, version_diff

__all__ = ["CHANGED", "NEW", "ArticleChange", "article_change", "change_note", "previous_version", "version_changes"]

CHANGED, NEW = "changed", "added"
CHANGES_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ArticleChange:
    """An article of the newer version that changed (``CHANGED``) or is new (``NEW``): the label it had
    before, and the character diff of its text."""

    status: str
    old_label: str = ""
    old_number: int | None = None
    ops: Ops = ()


def previous_version(versions: Sequence[DraftVersion], version: DraftVersion) -> DraftVersion | None:
    """The version published just before ``version``, among the draft's ``versions``."""
    earlier = [v for v in versions if v.number < version.number]
    return max(earlier, key=lambda v: v.number) if earlier else None


def changes_cache_key(old: DraftVersion, new: DraftVersion) -> str:
    return f"drafts:changes:{old.pk}:{old.updated_at.timestamp()}:{new.pk}:{new.updated_at.timestamp()}"


def version_changes(old: DraftVersion, new: DraftVersion) -> dict[int, str]:
    """The changed and added articles of ``new`` against ``old``: ``CHANGED`` or ``NEW`` by provision id of
    ``new``; cached, with each article's change under a key of its own (``article_change``), so that an
    article's page reads its own diff, not those of every changed article."""
    key = changes_cache_key(old, new)
    statuses = cache.get(key)
    if statuses is None:
        statuses = _compute(old, new, key)
    return statuses


def article_change(old: DraftVersion, new: DraftVersion, article_id: int) -> ArticleChange | None:
    """How the article ``article_id`` of ``new`` changed against ``old``, or None if it did not."""
    key = changes_cache_key(old, new)
    if article_id not in version_changes(old, new):
        return None
    change = cache.get(f"{key}:{article_id}")
    if change is None:  # evicted alone: compute the pair again
        _compute(old, new, key)
        change = cache.get(f"{key}:{article_id}")
    return change


def _compute(old: DraftVersion, new: DraftVersion, key: str) -> dict[int, str]:
    changes: dict[int, ArticleChange] = {}
    for row in version_diff(old, new):
        if row.status == "added":
            changes[row.new.id] = ArticleChange(NEW)
        elif row.changed:
            changes[row.new.id] = ArticleChange(CHANGED, row.old.label, row.old.number, row.ops)
    statuses = {pk: change.status for pk, change in changes.items()}
    cache.set_many({f"{key}:{pk}": change for pk, change in changes.items()}, CHANGES_CACHE_SECONDS)
    cache.set(key, statuses, CHANGES_CACHE_SECONDS)
    return statuses


def change_note(old: DraftVersion, new: DraftVersion, article_id: int) -> ChangeNote:
    """Why an article of ``new`` reads as it does: the public reasons and the opinions adopted into it."""
    return ChangeNote.combine(comparison_notes(old, new, [article_id]).get(article_id, []))
