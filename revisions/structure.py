"""Numbering a working copy and keeping its cross-references true after an insert, a delete or a move.

Pure Python (no database), like the parser and the citation grammar it builds on, so the rules are tested
on real text directly.  A working copy is a list of ``Unit``s in reading order: headings (编, 分编, 章, 节)
and articles.  ``number`` gives every live unit its number and label again: articles run on through the
whole text, a heading counts within the heading above it (the Civil Code's chapters start again in each
分编).  ``rewrite_references`` then brings every citation of this regulation (第十二条, 本条例第十二条第二款,
第五条至第七条) from the numbers before the change to those after it; what it cannot decide alone, it lists
for a person to check: an article cited that was deleted, a range whose articles are no longer the same
ones, a 前条 whose preceding article changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from drafts.citations import Range, Relative, Scope, Target, find_citations
from drafts.numerals import MAX_NUMBER, article_label, to_chinese

HEADING_LEVELS = {"part": 0, "subpart": 1, "chapter": 2, "section": 3}
UNITS = {"part": "编", "subpart": "分编", "chapter": "章", "section": "节"}


@dataclass
class Unit:
    """A heading or an article of a working copy, as numbering and rewriting need it."""

    key: object  # whatever identifies the row (its primary key)
    kind: str
    number: int | None = None
    label: str = ""
    text: str = ""
    deleted: bool = False
    checks: list[str] = field(default_factory=list)

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


def label_for(kind: str, number: int) -> str:
    return article_label(number) if kind == "article" else f"第{to_chinese(number)}{UNITS[kind]}"


def number(units: Sequence[Unit]) -> list[Unit]:
    """Number the live units in place (deleted ones keep the number they had); the units that changed."""
    changed: list[Unit] = []
    article = 0
    counters = dict.fromkeys(HEADING_LEVELS, 0)
    for unit in units:
        if unit.deleted:
            continue
        if unit.is_article:
            article += 1
            value = article
        else:
            level = HEADING_LEVELS[unit.kind]
            counters[unit.kind] += 1
            for kind, other in HEADING_LEVELS.items():
                if other > level:
                    counters[kind] = 0
            value = counters[unit.kind]
        if value > MAX_NUMBER:
            raise ValueError(f"序号 {value} 超出范围")
        label = label_for(unit.kind, value)
        if unit.number != value or unit.label != label:
            unit.number, unit.label = value, label
            changed.append(unit)
    return changed


def article_numbers(units: Iterable[Unit]) -> dict[object, int]:
    """The number of each live article, by key."""
    return {unit.key: unit.number for unit in units if unit.is_article and not unit.deleted and unit.number}


def _previous_articles(units: Iterable[Unit]) -> dict[object, object]:
    """For each live article, the key of the live article before it (None for the first)."""
    previous: dict[object, object] = {}
    last = None
    for unit in units:
        if unit.is_article and not unit.deleted:
            previous[unit.key] = last
            last = unit.key
    return previous


def _ranges(parts: Iterable[Target | Range]) -> Iterable[Range]:
    return (part for part in parts if isinstance(part, Range))


def rewrite_text(
    text: str,
    mapping: dict[int, int | None],
    *,
    own_titles: Iterable[str] = (),
    live_after: Sequence[int] = (),
) -> tuple[str, list[str]]:
    """``text`` with this regulation's article numbers moved by ``mapping`` (old number → new number, or
    None for a deleted article), and the citations a person should check.

    Only article numerals change (paragraph and item numbers are the article's own); citations of other
    laws and relative ones (本条, 前款) are left alone.  A number not in ``mapping`` is left as written.
    """
    checks: list[str] = []
    edits: dict[tuple[int, int], str] = {}
    live = set(live_after)
    for citation in find_citations(text, own_titles=own_titles):
        if citation.scope != Scope.THIS:
            continue
        for target in citation.targets:
            if target.relative is not None or target.article is None:
                continue
            old = target.article.value
            if old not in mapping:
                continue
            new = mapping[old]
            if new is None:
                checks.append(f"“{citation.text}”引用的{article_label(old)}已删除，请核对。")
                continue
            if new != old:
                written = text[target.article.start : target.article.end]
                edits[(target.article.start, target.article.end)] = (
                    str(new) if written.isascii() and written.isdigit() else to_chinese(new)
                )
        for part in _ranges(citation.parts):
            first, last = part.first.article, part.last.article
            if first is None or last is None or first.value >= last.value:
                continue
            before = [mapping.get(n) for n in range(first.value, last.value + 1)]
            kept = [n for n in before if n is not None]
            new_first, new_last = mapping.get(first.value), mapping.get(last.value)
            if new_first is None or new_last is None:
                continue  # already listed as a deleted article above
            between = [n for n in range(new_first, new_last + 1) if not live or n in live]
            if len(kept) != len(before) or sorted(kept) != between:
                checks.append(f"“{citation.text}”所含的条文已有增删或调整，请核对范围是否仍然正确。")
    for (start, end), numeral in sorted(edits.items(), reverse=True):
        text = text[:start] + numeral + text[end:]
    return text, checks


def _cites_preceding_article(text: str, own_titles: Iterable[str]) -> bool:
    return any(
        target.relative == Relative.PRECEDING_ARTICLE
        for citation in find_citations(text, own_titles=own_titles)
        for target in citation.targets
    )


def rewrite_references(before: Sequence[Unit], after: Sequence[Unit], *, own_titles: Iterable[str] = ()) -> list[Unit]:
    """After a change of structure (``before`` and ``after`` are the same units, ``after`` renumbered and in
    their new order; the same objects may be passed if numbers were saved beforehand), rewrite every live
    article's citations and add the checks it raised.  Returns the units whose text or checks changed.

    ``before`` must hold the numbers as they were: pass copies (``snapshot``) taken before ``number``.
    """
    old_numbers = article_numbers(before)
    new_numbers = article_numbers(after)
    mapping: dict[int, int | None] = {n: new_numbers.get(key) for key, n in old_numbers.items()}
    old_previous, new_previous = _previous_articles(before), _previous_articles(after)
    live_after = sorted(new_numbers.values())
    changed: list[Unit] = []
    moved_any = any(old != new for old, new in mapping.items())
    for unit in after:
        if not unit.is_article or unit.deleted or not unit.text:
            continue
        text, checks = (
            (unit.text, [])
            if not moved_any
            else rewrite_text(unit.text, mapping, own_titles=own_titles, live_after=live_after)
        )
        if (
            unit.key in old_previous
            and old_previous[unit.key] != new_previous.get(unit.key)
            and _cites_preceding_article(unit.text, own_titles)
        ):
            checks.append("本条中的“前条”所指的条文已经变化，请核对。")
        new_checks = [check for check in checks if check not in unit.checks]
        if text != unit.text or new_checks:
            unit.text = text
            unit.checks = [*unit.checks, *new_checks]
            changed.append(unit)
    return changed


def snapshot(units: Iterable[Unit]) -> list[Unit]:
    """Copies of the units as they are now (numbers, order), for ``rewrite_references``."""
    return [Unit(u.key, u.kind, u.number, u.label, "", u.deleted) for u in units]


def dangling_references(text: str, live_numbers: set[int], *, own_titles: Iterable[str] = ()) -> list[str]:
    """Citations in ``text`` of articles of this regulation that the working copy does not have."""
    found: list[str] = []
    for citation in find_citations(text, own_titles=own_titles):
        if citation.scope != Scope.THIS:
            continue
        for target in citation.targets:
            if target.relative is None and target.article is not None and target.article.value not in live_numbers:
                message = f"“{citation.text}”引用的{article_label(target.article.value)}不存在。"
                if message not in found:
                    found.append(message)
    return found
