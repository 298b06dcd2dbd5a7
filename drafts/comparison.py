"""Two texts of a regulation compared article by article: the rows of the 修改前后对照表.

A row pairs an article of the older text with its successor in the newer one and says what
happened to it: ``modified`` (its text or title changed), ``added``, ``deleted``, ``moved`` (text
unchanged, but renumbered or out of the old order) or ``unchanged``.  Rows come in the newer
text's reading order, each deleted article where it stood.

Articles keep their identity in one of two ways.  Texts that carry it (``Article.key``: the
lineage of the versions of a draft, or the tracked edits of a revision) pair by key, as the
version diff does; two texts without it (files read from disk) are paired by
``drafts.matching``, the matcher the importer uses.  The reasons and opinions behind a change
come as ``ChangeNote``s keyed by the article's key: from the revision workspace, or, for
two stored versions, from the opinions adopted into each article (``drafts.extensions``'
comparison point, which comments fills; see ``drafts.selectors.version_comparison``).

No database here: the parser, the matcher and this module need none, which is what lets
``manage.py export_comparison --old --new`` compare two files.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from drafts.matching import ArticleRef, aligned, match_articles, normalize_text
from drafts.parser import HEADING_LEVELS, Node, ParseResult

__all__ = [
    "CHANGES",
    "Article",
    "ChangeNote",
    "Comparison",
    "ComparisonRow",
    "Text",
    "compare",
    "heading_text",
    "parsed_text",
]

#: What can happen to an article, as the JSON export names it.
MODIFIED, ADDED, DELETED, MOVED, UNCHANGED = "modified", "added", "deleted", "moved", "unchanged"
CHANGES = (MODIFIED, ADDED, DELETED, MOVED, UNCHANGED)


@dataclass(frozen=True)
class Article:
    """An article as the table shows it.

    ``text`` is the whole article without its label, one 款 (or table row) a line; ``headings``
    the 编, 章 and 节 it stands under, outermost first (``第一章　总则``); ``key`` its identity
    across the two texts, when they carry one.
    """

    number: int | None
    label: str  # 第十二条, 第十二条之一
    text: str
    title: str = ""  # 立法目的, printed 第一条（立法目的）
    headings: tuple[str, ...] = ()
    key: Hashable | None = None

    @property
    def heading(self) -> str:
        """The label as printed before the text: 第一条（立法目的）."""
        return f"{self.label}（{self.title}）" if self.title else self.label


@dataclass
class Text:
    """One text of a regulation: its title, the name of its stage, its articles in order.

    ``name`` is what the table prints (征求意见稿（2026年11月1日）, or a file's name); ``ref`` what
    the JSON export calls it (the version number, or the file's name).
    """

    title: str
    name: str
    articles: list[Article]
    ref: int | str | None = None


@dataclass(frozen=True)
class ChangeNote:
    """Why an article of the newer text reads as it does: the 修改理由 and the opinions behind it."""

    reasons: tuple[str, ...] = ()
    opinions: tuple[int, ...] = ()

    @classmethod
    def combine(cls, notes: Iterable[ChangeNote]) -> ChangeNote:
        """One note of several: reasons in order without repeats or blanks, opinion ids ascending."""
        reasons: dict[str, None] = {}
        opinions: set[int] = set()
        for note in notes:
            reasons.update((reason.strip(), None) for reason in note.reasons if reason.strip())
            opinions.update(note.opinions)
        return cls(tuple(reasons), tuple(sorted(opinions)))


@dataclass
class ComparisonRow:
    """One article of either text, and what became of it.

    ``moved`` is set when a pair left the old order (an article put elsewhere), ``renumbered``
    when its label changed; a ``moved`` change with neither is impossible, a ``modified`` one may
    have both.
    """

    change: str
    old: Article | None
    new: Article | None
    note: ChangeNote = field(default_factory=ChangeNote)
    moved: bool = False
    renumbered: bool = False

    @property
    def headings(self) -> tuple[str, ...]:
        return (self.new or self.old).headings

    @property
    def changed(self) -> bool:
        return self.change != UNCHANGED

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "old_number": self.old.number if self.old else None,
            "new_number": self.new.number if self.new else None,
            "old_text": self.old.text if self.old else "",
            "new_text": self.new.text if self.new else "",
            "reasons": list(self.note.reasons),
            "opinions": list(self.note.opinions),
        }


@dataclass
class Comparison:
    """The rows of two texts, in the newer text's order."""

    old: Text
    new: Text
    rows: list[ComparisonRow]

    @property
    def title(self) -> str:
        """The regulation's name, without 《》: the newer text's, else the older one's."""
        return (self.new.title or self.old.title).strip().strip("《》")

    def selected(self, *, everything: bool = False) -> list[ComparisonRow]:
        """Every row, or only those where something changed."""
        return list(self.rows) if everything else [row for row in self.rows if row.changed]

    def placed(self) -> list[tuple[tuple[str, ...], ComparisonRow]]:
        """Every row with the 编, 章 and 节 it is printed under.

        A row stands under the headings of its newer article.  A deleted article stays with its old
        neighbours: under the new headings of the nearest kept article before it (else after it) from
        the same old chapter, or under its own old headings when the whole chapter went.
        """
        placed = []
        for index, row in enumerate(self.rows):
            if row.new is not None:
                placed.append((row.new.headings, row))
                continue
            neighbours = chain(reversed(self.rows[:index]), self.rows[index + 1 :])
            kept = (other for other in neighbours if other.old is not None and other.new is not None)
            same = next((other for other in kept if other.old.headings == row.old.headings), None)
            placed.append((same.new.headings if same else row.old.headings, row))
        return placed

    def to_dict(self, *, everything: bool = False) -> dict[str, Any]:
        """The JSON export: ``{"from", "to", "rows"}``, only changed rows unless ``everything``."""
        return {
            "from": self.old.ref,
            "to": self.new.ref,
            "rows": [row.to_dict() for row in self.selected(everything=everything)],
        }


# --- comparing --------------------------------------------------------------------------


def compare(old: Text, new: Text, *, notes: Mapping[Hashable, ChangeNote] | None = None) -> Comparison:
    """Pair the articles of two texts (by key when both carry unique keys, else by the matcher) and
    classify each row; ``notes`` by an article's key say why it changed (or, for a deleted one, went)."""
    notes = notes or {}
    old_for_new = _pair_by_key(old.articles, new.articles)
    if old_for_new is None:
        old_for_new = _pair_by_matcher(old.articles, new.articles)
    rows = []
    for i, j, moved in aligned(old_for_new, len(old.articles)):
        before = old.articles[i] if i is not None else None
        after = new.articles[j] if j is not None else None
        key = (after or before).key
        rows.append(_row(before, after, moved, notes.get(key, ChangeNote()) if key is not None else ChangeNote()))
    return Comparison(old, new, rows)


def _row(old: Article | None, new: Article | None, moved: bool, note: ChangeNote) -> ComparisonRow:
    if new is None:
        return ComparisonRow(DELETED, old, None, note)
    if old is None:
        return ComparisonRow(ADDED, None, new, note)
    changed = normalize_text(old.text) != normalize_text(new.text) or normalize_text(old.title) != normalize_text(
        new.title
    )
    renumbered = old.label != new.label
    change = MODIFIED if changed else MOVED if moved or renumbered else UNCHANGED
    return ComparisonRow(change, old, new, note, moved=moved, renumbered=renumbered)


def _pair_by_key(old: Sequence[Article], new: Sequence[Article]) -> list[int | None] | None:
    """New index → old index by identity, or None when either text lacks unique keys."""
    old_keys = [article.key for article in old]
    new_keys = [article.key for article in new]
    for keys in (old_keys, new_keys):
        if None in keys or len(set(keys)) != len(keys):
            return None
    position = {key: i for i, key in enumerate(old_keys)}
    return [position.get(key) for key in new_keys]


def _pair_by_matcher(old: Sequence[Article], new: Sequence[Article]) -> list[int | None]:
    def refs(articles: Sequence[Article]) -> list[ArticleRef]:
        return [ArticleRef(a.number or 0, a.label, a.text, a.title) for a in articles]

    pairs = match_articles(refs(old), refs(new)).old_for_new()
    return [pairs.get(j) for j in range(len(new))]


# --- texts from the parser --------------------------------------------------------------


def parsed_text(result: ParseResult, *, name: str, ref: int | str | None = None) -> Text:
    """A text read by ``drafts.readers``/``drafts.parser`` (a file, no draft behind it)."""
    articles: list[Article] = []

    def walk(nodes: Iterable[Node], headings: tuple[str, ...]) -> None:
        for node in nodes:
            if node.kind in HEADING_LEVELS:
                walk(node.children, (*headings, heading_text(node.label, node.title)))
            elif node.kind == "article":
                articles.append(Article(node.number, node.label, node.text, node.title, headings))

    walk(result.nodes, ())
    return Text(result.title, name, articles, ref)


def heading_text(label: str, title: str) -> str:
    """第一章　总则: a heading as the table prints it."""
    return f"{label}\u3000{title}" if title else label
