"""The article-level difference between two versions of a draft.

Articles are paired by their lineage (the identity the importer gave them when it matched a revised
text to the one before), so any two versions compare, not only neighbours. Inside a changed article
the difference is shown character by character: Chinese has no spaces to split words on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from drafts.matching import aligned, normalize_text
from drafts.models import DraftVersion
from drafts.rendering import Row, articles, version_rows
from drafts.text_diff import char_diff, diff_html

#: A character diff as kept in caches: ("equal" | "delete" | "insert", text) pairs.
Ops = tuple[tuple[str, str], ...]


@dataclass
class DiffRow:
    status: str  # "added" | "deleted" | "changed" | "moved" | "renumbered" | "same"
    old: Row | None
    new: Row | None
    changed: bool = False
    moved: bool = False
    renumbered: bool = False
    html: SafeString | None = None
    ops: Ops = ()
    # Where an article came from or went when the importer saw a split or a merge.
    related: list[Row] | None = None

    @property
    def opinions(self) -> int:
        """Opinions the article drew in the older version."""
        return self.old.opinion_count if self.old else 0

    @property
    def label(self) -> str:
        return (self.new or self.old).label


def redline_html(ops: Iterable[tuple[str, str]]) -> SafeString:
    """A character diff as HTML readers of every kind can follow: ``<del>`` and ``<ins>`` (struck through
    and underlined, not colour alone), each starting with a visually hidden 「删除：」 or 「增加：」."""
    html = diff_html(ops, deleted_label=_("删除："), inserted_label=_("增加："))
    return mark_safe(html)  # noqa: S308 - diff_html escapes every piece of text


def compared_text(row: Row) -> str:
    """An article's text as the diff compares it: with its title in front, 「（立法目的）」, when it has one."""
    return f"（{row.title}）{row.text}" if row.title else row.text


def version_diff(old_version: DraftVersion, new_version: DraftVersion) -> list[DiffRow]:
    """Every article of both versions, in the newer version's order, deleted ones where they stood."""
    old = articles(version_rows(old_version, identity=True))
    new = articles(version_rows(new_version, identity=True))
    old_index = {str(row.lineage): i for i, row in enumerate(old)}
    # Older articles that a newer one absorbed (a merge), by the older one's lineage.
    merged_into: dict[str, list[Row]] = {}
    for row in new:
        for lineage in row.derived_from:
            merged_into.setdefault(str(lineage), []).append(row)

    rows: list[DiffRow] = []
    for i, j, moved in aligned([old_index.get(str(row.lineage)) for row in new], len(old)):
        if j is None:
            rows.append(DiffRow("deleted", old[i], None, related=merged_into.get(str(old[i].lineage))))
            continue
        row = new[j]
        if i is None:
            related = [old[old_index[str(x)]] for x in row.derived_from if str(x) in old_index]
            rows.append(DiffRow("added", None, row, related=related or None))
            continue
        before = old[i]
        changed = normalize_text(before.text) != normalize_text(row.text) or before.title != row.title
        renumbered = before.number != row.number
        status = "changed" if changed else "moved" if moved else "renumbered" if renumbered else "same"
        if changed:
            # A changed title is shown with the text; an unchanged one would only repeat itself.
            if before.title == row.title:
                ops = tuple(char_diff(before.text, row.text))
            else:
                ops = tuple(char_diff(compared_text(before), compared_text(row)))
            rows.append(DiffRow(status, before, row, changed, moved, renumbered, redline_html(ops), ops))
        else:
            rows.append(DiffRow(status, before, row, changed, moved, renumbered))
    return rows
