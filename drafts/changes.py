"""What changed in a version against the one before it, article by article, for the public pages.

On a version that has a predecessor each changed article says so (「本条有修改」, 「新增条文」), and its
own page shows the redline and the public reasons.  The changed set of a pair of versions is computed
once (``drafts.version_diff``: lineage pairing, a character diff inside each changed article) and
cached until either version changes, so the draft page pays for it only when its text is rendered
anew and an article page reads one cache entry.  The reasons are read per article, on its page, from
``drafts.extensions``' comparison point: they move with the handling of opinions, the text does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

from drafts.comparison import ChangeNote
from drafts.extensions import comparison_notes
from drafts.models import DraftVersion
from drafts.version_diff import Ops, version_diff

__all__ = ["CHANGED", "NEW", "ArticleChange", "change_note", "previous_version", "version_changes"]

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


def version_changes(old: DraftVersion, new: DraftVersion) -> dict[int, ArticleChange]:
    """The changed and added articles of ``new`` against ``old``, by provision id of ``new``; cached."""
    key = changes_cache_key(old, new)
    found = cache.get(key)
    if found is None:
        found = {}
        for row in version_diff(old, new):
            if row.status == "added":
                found[row.new.id] = ArticleChange(NEW)
            elif row.changed:
                found[row.new.id] = ArticleChange(CHANGED, row.old.label, row.old.number, row.ops)
        cache.set(key, found, CHANGES_CACHE_SECONDS)
    return found


def change_note(old: DraftVersion, new: DraftVersion, article_id: int) -> ChangeNote:
    """Why an article of ``new`` reads as it does: the public reasons and the opinions adopted into it."""
    return ChangeNote.combine(comparison_notes(old, new, [article_id]).get(article_id, []))
