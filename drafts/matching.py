"""Match the articles of an old version of a draft to those of a new version.

When staff import a revised text, every article must keep its identity (and with it its
opinions and history) across versions, although the revision inserts, deletes, moves,
renumbers, rewrites, splits and merges articles.  Matching runs in passes:

1. Identical texts (after dropping all whitespace and invisible characters) pair first.
   That alone handles moved and renumbered articles.  When a text occurs several times,
   each copy goes where its neighbours say it belongs, else to the same number, else to
   the nearest position.
2. The rest pair by similarity: the Dice coefficient on the multisets of character bigrams
   (Chinese has no spaces to split words on).  Candidates come from an inverted index of
   the bigrams that are not common across articles, so large texts stay fast; all
   candidate pairs above ``threshold`` are assigned greedily, best first, with a small
   bonus for the same number and for lying between the matched neighbours, so that
   near-ties go to the article where one would expect it.
3. Best effort, splits and merges: a new article left over whose bigrams come mostly
   (``PIECE_CONTAINMENT``) from the part of an old article that the old article's
   successor lost was split off it; an old article left over whose bigrams mostly went
   into what a new article gained over its predecessor was merged into it.  Split-off
   articles stay in ``added`` and merged ones in ``deleted``; ``splits`` and ``merges``
   say where they came from or went.

Everything is deterministic: ties are broken by index, never by hash order.  The module
is pure Python so that the importer, tests and scripts can use it without Django.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drafts.parser import Node

__all__ = [
    "DEFAULT_THRESHOLD",
    "STATUSES",
    "ArticleRef",
    "MatchResult",
    "Pair",
    "aligned",
    "apply_corrections",
    "match_articles",
    "normalize_text",
    "similarity",
]

#: Two articles with a lower bigram Dice coefficient are different articles.
DEFAULT_THRESHOLD = 0.5
#: Share of an article's bigrams that must have moved for it to count as split off / merged.
PIECE_CONTAINMENT = 0.6
#: Shorter pieces are never reported as split off or merged: short phrases recur everywhere.
MIN_PIECE_BIGRAMS = 4
#: Score bonus for an old article lying between the old partners of the new article's neighbours.
NEIGHBOURHOOD_BONUS = 0.02
#: Score bonus for the same article number.
SAME_NUMBER_BONUS = 0.01
#: How many index candidates per article are scored exactly.
CANDIDATES = 8
#: A bigram in more than this share of the indexed articles (and more than COMMON_MIN of them)
#: proposes no candidates: 应当, 规定, 本法 would make every article a candidate of every other.
COMMON_SHARE = 0.01
COMMON_MIN = 10
#: Gaps between matched neighbours with at most this many free old articles offer them all.
SMALL_GAP = 3
#: A positional candidate this similar spares an article the index search (it still competes greedily).
SURE_MATCH = 0.9

#: ``MatchResult.status`` values, from most to least informative.
STATUSES = ("changed", "moved", "renumbered", "same", "added")

_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def normalize_text(text: str) -> str:
    """Drop every whitespace (including the full-width U+3000) and invisible character."""
    # str.replace is several times faster than str.translate on non-ASCII text.
    for invisible in _INVISIBLE:
        if invisible in text:
            text = text.replace(invisible, "")
    return "".join(text.split())


# --- data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleRef:
    """What matching needs to know of an article."""

    number: int  # 12
    label: str  # 第十二条
    text: str  # the whole article without its label, paragraphs joined by "\n"
    title: str = ""

    @classmethod
    def from_node(cls, node: Node) -> ArticleRef:
        """From an article of ``drafts.parser`` (``ParseResult.articles_flat()``)."""
        return cls(number=node.number or 0, label=node.label, text=node.text, title=node.title)


@dataclass
class Pair:
    """An old article and its successor in the new version."""

    old: int  # index into the old list
    new: int  # index into the new list
    score: float  # bigram similarity, 0..1 (1 for identical texts)
    changed: bool  # text or title differ, whitespace aside
    renumbered: bool  # number (or 之一 suffix) differs
    moved: bool  # out of order: not in the longest increasing run of old indices taken in new order
    manual: bool = False  # set by a staff correction

    @property
    def status(self) -> str:
        """The most informative status: changed, then moved, then renumbered, else same.

        A changed article may also have moved or been renumbered (see the flags); the text
        change matters most to readers because it is what the diff shows.
        """
        if self.changed:
            return "changed"
        if self.moved:
            return "moved"
        return "renumbered" if self.renumbered else "same"

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "score": round(self.score, 4),
            "changed": self.changed,
            "renumbered": self.renumbered,
            "moved": self.moved,
            "manual": self.manual,
            "status": self.status,
        }


@dataclass
class MatchResult:
    """How the articles of two versions correspond.

    ``added`` holds every new article without a predecessor, split-off ones included, and
    ``deleted`` every old article without a successor, merged ones included; ``splits``
    (old index → the further new articles split off it) and ``merges`` (new index → the
    further old articles merged into it) annotate them.  ``declared_new`` lists the new
    articles staff declared new, so that later corrections leave them unmatched.
    """

    pairs: list[Pair]  # sorted by new index
    added: list[int]
    deleted: list[int]
    splits: dict[int, list[int]]
    merges: dict[int, list[int]]
    declared_new: tuple[int, ...] = ()

    def old_for_new(self) -> dict[int, int]:
        """New index → old index of every pair."""
        return {pair.new: pair.old for pair in self.pairs}

    def new_for_old(self) -> dict[int, int]:
        """Old index → new index of every pair."""
        return {pair.old: pair.new for pair in self.pairs}

    def pair_for_new(self, new_index: int) -> Pair | None:
        """The pair of a new article, None when it was added."""
        position = bisect.bisect_left(self.pairs, new_index, key=lambda pair: pair.new)
        if position < len(self.pairs) and self.pairs[position].new == new_index:
            return self.pairs[position]
        return None

    def status(self, new_index: int) -> str:
        """``changed`` | ``moved`` | ``renumbered`` | ``same`` | ``added`` (see ``Pair.status``)."""
        pair = self.pair_for_new(new_index)
        if pair is not None:
            return pair.status
        position = bisect.bisect_left(self.added, new_index)
        if position < len(self.added) and self.added[position] == new_index:
            return "added"
        raise ValueError(f"新版本中没有索引为 {new_index} 的条文")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable; dictionary keys are strings as JSON requires (``from_dict`` reads them back)."""
        return {
            "pairs": [pair.to_dict() for pair in self.pairs],
            "added": list(self.added),
            "deleted": list(self.deleted),
            "splits": {str(key): list(value) for key, value in sorted(self.splits.items())},
            "merges": {str(key): list(value) for key, value in sorted(self.merges.items())},
            "declared_new": list(self.declared_new),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchResult:
        """The inverse of ``to_dict``, for a result kept between two requests."""
        fields = ("old", "new", "score", "changed", "renumbered", "moved", "manual")
        pairs = [Pair(**{name: item[name] for name in fields}) for item in data["pairs"]]
        return cls(
            pairs=sorted(pairs, key=lambda pair: pair.new),
            added=sorted(data["added"]),
            deleted=sorted(data["deleted"]),
            splits={int(key): sorted(value) for key, value in data.get("splits", {}).items()},
            merges={int(key): sorted(value) for key, value in data.get("merges", {}).items()},
            declared_new=tuple(sorted(data.get("declared_new", ()))),
        )


# --- bigram profiles --------------------------------------------------------------------


class _Profile:
    """The character bigrams of one article, as a set of tokens for fast intersections.

    The k-th repeat of a bigram is tagged with k (a bigram is two characters, so ``gram + str(k)``
    never collides with another token): ``len(a.tokens & b.tokens)`` is then the size of the
    multiset intersection, computed by C code.  Strings beat tuples here: their hashes are cached
    and their comparison is a memcmp.
    """

    __slots__ = ("_counts", "content", "size", "tokens")

    def __init__(self, content: str) -> None:
        self.content = content
        self._counts: Counter[str] | None = None
        grams = _bigrams(content)
        tokens = set(grams)
        if len(tokens) < len(grams):
            self._counts = counts = Counter(grams)
            tokens.update([f"{gram}{k}" for gram, count in counts.items() if count > 1 for k in range(1, count)])
        self.tokens = tokens
        self.size = len(tokens)

    @property
    def counts(self) -> Counter[str]:
        """The bigram multiset, for the few comparisons that need multiset differences."""
        if self._counts is None:
            self._counts = Counter(_bigrams(self.content))
        return self._counts


def _bigrams(content: str) -> list[str]:
    """Overlapping character pairs; a one-character text is its own single "bigram"."""
    if len(content) < 2:
        return [content] if content else []
    return [content[k : k + 2] for k in range(len(content) - 1)]


def _dice(a: _Profile, b: _Profile) -> float:
    total = a.size + b.size
    return 2 * len(a.tokens & b.tokens) / total if total else 0.0


def _moved_share(piece: _Profile, source: _Profile, remainder: _Profile) -> float:
    """Share of ``piece`` found in ``source`` but no longer in ``remainder`` (as multisets)."""
    if len(piece.tokens & source.tokens) < PIECE_CONTAINMENT * piece.size:
        return 0.0  # a cheap necessary condition first
    moved = source.counts - remainder.counts
    return sum((piece.counts & moved).values()) / piece.size


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigram multisets of two texts, whitespace aside."""
    a, b = normalize_text(a), normalize_text(b)
    if a == b:
        return 1.0
    return _dice(_Profile(a), _Profile(b))


class _Index:
    """Inverted index from the bigrams that are not common to the articles holding them."""

    def __init__(self, profiles: Mapping[int, _Profile]) -> None:
        frequency = Counter(chain.from_iterable(profile.tokens for profile in profiles.values()))
        limit = max(COMMON_MIN, int(COMMON_SHARE * len(profiles)))
        common = frozenset(gram for gram, count in frequency.items() if count > limit)
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for key in sorted(profiles):
            for gram in profiles[key].tokens - common:
                postings[gram].append(key)
        self.postings = dict(postings)

    def candidates(self, profile: _Profile, limit: int = CANDIDATES) -> list[int]:
        """The indexed articles sharing most uncommon bigrams with ``profile``, best first."""
        shared = profile.tokens & self.postings.keys()
        hits = Counter(chain.from_iterable(map(self.postings.__getitem__, shared)))
        # Sorting by key first makes ties go to the lowest index, whatever the hash order.
        best = heapq.nlargest(limit, sorted(hits.items()), key=itemgetter(1))
        return [key for key, _count in best]


# --- the matcher ------------------------------------------------------------------------


def _content(article: ArticleRef) -> str:
    """What identifies an article: its text, or its title when it has no text."""
    return normalize_text(article.text) or "\x00" + normalize_text(article.title)


def _place(article: ArticleRef) -> tuple[int, str]:
    """Number and 之一 suffix: 第十二条之一 is not 第十二条."""
    return article.number, article.label.partition("条")[2]


def stable_positions(sequence: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tail_values: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(sequence)
    for position, value in enumerate(sequence):
        k = bisect.bisect_left(tail_values, value)
        if k:
            previous[position] = tail_positions[k - 1]
        if k == len(tail_values):
            tail_values.append(value)
            tail_positions.append(position)
        else:
            tail_values[k] = value
            tail_positions[k] = position
    stable: set[int] = set()
    position = tail_positions[-1] if tail_positions else -1
    while position != -1:
        stable.add(position)
        position = previous[position]
    return stable


def aligned(old_for_new: Sequence[int | None], old_count: int) -> list[tuple[int | None, int | None, bool]]:
    """Both versions' articles in one reading order: the newer version's, each deleted old article where it stood.

    ``old_for_new`` gives, for each new article in order, the index of its old article (None when it was
    added).  The result is (old index or None, new index or None, moved): a deleted article comes right
    before the first article that kept its place after it; ``moved`` marks a pair out of the old order
    (not in the longest run of old indices that the new order keeps).
    """
    matched = [i for i in old_for_new if i is not None]
    kept = set(matched)
    stable = stable_positions(matched)
    stable_old = {matched[k] for k in stable}
    out: list[tuple[int | None, int | None, bool]] = []
    next_old = 0  # deleted old articles before this index are already placed

    def place_deleted(up_to: int) -> None:
        nonlocal next_old
        while next_old < up_to:
            if next_old not in kept:
                out.append((next_old, None, False))
            next_old += 1

    for j, i in enumerate(old_for_new):
        if i is None:
            out.append((None, j, False))
            continue
        if i in stable_old:
            place_deleted(i)
        out.append((i, j, i not in stable_old))
    place_deleted(old_count)
    return out


class _Matcher:
    def __init__(self, old: Sequence[ArticleRef], new: Sequence[ArticleRef], threshold: float) -> None:
        if not 0 < threshold <= 1:
            raise ValueError(f"相似度阈值必须大于0且不超过1，实际为{threshold}")
        self.old, self.new, self.threshold = old, new, threshold
        self.old_content = [_content(article) for article in old]
        self.new_content = [_content(article) for article in new]
        self._old_profiles: dict[int, _Profile] = {}
        self._new_profiles: dict[int, _Profile] = {}
        self.old_to_new: list[int | None] = [None] * len(old)
        self.new_to_old: list[int | None] = [None] * len(new)
        self.scores: dict[int, float] = {}  # by new index
        self.manual: set[int] = set()  # new indices
        self.declared_new: set[int] = set()  # new indices staff declared new: never matched

    # -- helpers --

    def old_profile(self, i: int) -> _Profile:
        if (profile := self._old_profiles.get(i)) is None:
            profile = self._old_profiles[i] = _Profile(self.old_content[i])
        return profile

    def new_profile(self, j: int) -> _Profile:
        if (profile := self._new_profiles.get(j)) is None:
            profile = self._new_profiles[j] = _Profile(self.new_content[j])
        return profile

    def similarity(self, i: int, j: int) -> float:
        if self.old_content[i] == self.new_content[j]:
            return 1.0
        return _dice(self.old_profile(i), self.new_profile(j))

    def pair(self, i: int, j: int, score: float, *, manual: bool = False) -> None:
        self.old_to_new[i], self.new_to_old[j], self.scores[j] = j, i, score
        if manual:
            self.manual.add(j)

    def free_old(self) -> list[int]:
        return [i for i, j in enumerate(self.old_to_new) if j is None]

    def free_new(self) -> list[int]:
        return [j for j, i in enumerate(self.new_to_old) if i is None and j not in self.declared_new]

    # -- passes --

    def match_identical(self) -> None:
        """Pair identical texts.

        Texts found once on each side pair first.  A text repeated on either side then goes,
        copy by copy, preferably to an old article lying between the old partners of the new
        article's neighbours, then to the same number, then to the nearest position.
        """
        by_content: defaultdict[str, list[int]] = defaultdict(list)
        for i in self.free_old():
            by_content[self.old_content[i]].append(i)
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for j in self.free_new():
            if self.new_content[j] in by_content:
                groups[self.new_content[j]].append(j)
        repeated: list[tuple[list[int], list[int]]] = []
        for content, new_indices in groups.items():
            old_indices = by_content[content]
            if len(old_indices) == len(new_indices) == 1:
                self.pair(old_indices[0], new_indices[0], 1.0)
            else:
                repeated.append((old_indices, new_indices))
        if not repeated:
            return
        before, after = self.neighbourhood()
        for old_indices, new_indices in repeated:
            options = sorted(
                (not before[j] < i < after[j], _place(self.old[i]) != _place(self.new[j]), abs(i - j), j, i)
                for i in old_indices
                for j in new_indices
            )
            for *_rank, j, i in options:
                if self.old_to_new[i] is None and self.new_to_old[j] is None:
                    self.pair(i, j, 1.0)

    def neighbourhood(self) -> tuple[list[int], list[int]]:
        """For each new index, the old partners of the nearest paired new articles before and after it."""
        before, after = [-1] * len(self.new), [len(self.old)] * len(self.new)
        last = -1
        for j, i in enumerate(self.new_to_old):
            before[j] = last
            if i is not None:
                last = i
        last = len(self.old)
        for j in range(len(self.new) - 1, -1, -1):
            after[j] = last
            if (i := self.new_to_old[j]) is not None:
                last = i
        return before, after

    def match_similar(self) -> None:
        """Greedy assignment of the free articles by descending similarity (plus positional bonus).

        Each new article is scored against the old articles where one would expect it (same
        number, or a small gap between matched neighbours) and, unless one of those is already
        a sure match, against the best candidates of the bigram index.  Skipping the index for
        sure matches is what keeps a revision that touches every article (a term replaced
        throughout) fast; the index is built only when some article needs it.
        """
        free_old, free_new = self.free_old(), self.free_new()
        if not free_old or not free_new:
            return
        index: _Index | None = None
        old_places = {i: _place(self.old[i]) for i in free_old}
        by_place: defaultdict[tuple[int, str], list[int]] = defaultdict(list)
        for i in free_old:
            by_place[old_places[i]].append(i)
        before, after = self.neighbourhood()
        options: list[tuple[float, float, int, int]] = []
        for j in free_new:
            profile = self.new_profile(j)
            if not profile.size:
                continue
            place = _place(self.new[j])
            expected = set(by_place.get(place, ()))
            start, stop = bisect.bisect_right(free_old, before[j]), bisect.bisect_left(free_old, after[j])
            if stop - start <= SMALL_GAP:
                expected.update(free_old[start:stop])
            scores = {i: self.similarity_to(i, profile) for i in sorted(expected)}
            if max(scores.values(), default=0.0) < SURE_MATCH:
                if index is None:
                    index = _Index({i: self.old_profile(i) for i in free_old})
                for i in index.candidates(profile):
                    if i not in scores:
                        scores[i] = self.similarity_to(i, profile)
            for i, score in scores.items():
                if score >= self.threshold:
                    bonus = NEIGHBOURHOOD_BONUS * (before[j] < i < after[j])
                    bonus += SAME_NUMBER_BONUS * (old_places[i] == place)
                    options.append((-(score + bonus), -score, j, i))
        options.sort()
        for _ranked, negative_score, j, i in options:
            if self.old_to_new[i] is None and self.new_to_old[j] is None:
                self.pair(i, j, -negative_score)

    def similarity_to(self, i: int, profile: _Profile) -> float:
        """Similarity of old article ``i`` to ``profile``; 0 when their sizes alone rule out the threshold."""
        other = self.old_profile(i)
        small, large = sorted((other.size, profile.size))
        # Dice is at most 2·small/(small + large).
        if 2 * small < self.threshold * (small + large):
            return 0.0
        return _dice(other, profile)

    def splits(self) -> dict[int, list[int]]:
        """Free new articles made of text that a paired old article lost.

        Only old articles whose successor's text differs can have lost text, which keeps the
        index small in a typical revision.
        """
        pieces = [j for j in self.free_new() if self.new_profile(j).size >= MIN_PIECE_BIGRAMS]
        successors = {
            i: j for i, j in enumerate(self.old_to_new) if j is not None and self.old_content[i] != self.new_content[j]
        }
        if not pieces or not successors:
            return {}
        index = _Index({i: self.old_profile(i) for i in successors})
        found: defaultdict[int, list[int]] = defaultdict(list)
        for j in pieces:
            piece = self.new_profile(j)
            ranked = []
            for i in index.candidates(piece):
                successor = successors[i]
                share = _moved_share(piece, self.old_profile(i), self.new_profile(successor))
                if share >= PIECE_CONTAINMENT:
                    ranked.append((-share, abs(successor - j), i))
            if ranked:
                found[min(ranked)[2]].append(j)
        return dict(sorted(found.items()))

    def merges(self) -> dict[int, list[int]]:
        """Free old articles whose text went into what a paired new article gained (see ``splits``)."""
        pieces = [i for i in self.free_old() if self.old_profile(i).size >= MIN_PIECE_BIGRAMS]
        predecessors = {
            j: i for j, i in enumerate(self.new_to_old) if i is not None and self.old_content[i] != self.new_content[j]
        }
        if not pieces or not predecessors:
            return {}
        index = _Index({j: self.new_profile(j) for j in predecessors})
        found: defaultdict[int, list[int]] = defaultdict(list)
        for i in pieces:
            piece = self.old_profile(i)
            ranked = []
            for j in index.candidates(piece):
                predecessor = predecessors[j]
                share = _moved_share(piece, self.new_profile(j), self.old_profile(predecessor))
                if share >= PIECE_CONTAINMENT:
                    ranked.append((-share, abs(predecessor - i), j))
            if ranked:
                found[min(ranked)[2]].append(i)
        return dict(sorted(found.items()))

    def result(self) -> MatchResult:
        paired = [(j, i) for j, i in enumerate(self.new_to_old) if i is not None]
        stable = stable_positions([i for _j, i in paired])
        pairs = [
            Pair(
                old=i,
                new=j,
                score=self.scores[j],
                changed=(
                    self.old_content[i] != self.new_content[j]
                    or normalize_text(self.old[i].title) != normalize_text(self.new[j].title)
                ),
                renumbered=_place(self.old[i]) != _place(self.new[j]),
                moved=position not in stable,
                manual=j in self.manual,
            )
            for position, (j, i) in enumerate(paired)
        ]
        return MatchResult(
            pairs=pairs,
            added=[j for j, i in enumerate(self.new_to_old) if i is None],
            deleted=self.free_old(),
            splits=self.splits(),
            merges=self.merges(),
            declared_new=tuple(sorted(self.declared_new)),
        )


# --- public functions -------------------------------------------------------------------


def match_articles(
    old: Sequence[ArticleRef], new: Sequence[ArticleRef], *, threshold: float = DEFAULT_THRESHOLD
) -> MatchResult:
    """Pair the articles of two versions: identical texts first, then the most similar."""
    matcher = _Matcher(old, new, threshold)
    matcher.match_identical()
    matcher.match_similar()
    return matcher.result()


def apply_corrections(
    old: Sequence[ArticleRef],
    new: Sequence[ArticleRef],
    result: MatchResult,
    corrections: Mapping[int, int | None],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> MatchResult:
    """Apply staff corrections (new index → old index, or None for "a new article").

    Corrected pairs are marked manual.  A pair that used an old article now claimed by a
    correction is dropped; its new article is matched again against the old articles left
    free (identical text, then similarity), or becomes added.  Pairs and declarations of
    earlier corrections in ``result`` stay unless overridden.  Flags, splits and merges are
    recomputed.  Invalid indices raise ``ValueError`` with a message for staff.
    """
    _check_result(result, len(old), len(new))
    checked = _check_corrections(old, new, corrections)
    matcher = _Matcher(old, new, threshold)
    claimed = {i for i in checked.values() if i is not None}
    for pair in result.pairs:
        if pair.new not in checked and pair.old not in claimed:
            matcher.pair(pair.old, pair.new, pair.score, manual=pair.manual)
    matcher.declared_new.update(j for j in result.declared_new if j not in checked)
    for j, i in sorted(checked.items()):
        if i is None:
            matcher.declared_new.add(j)
        else:
            matcher.pair(i, j, matcher.similarity(i, j), manual=True)
    matcher.match_identical()
    matcher.match_similar()
    return matcher.result()


def _check_index(value: object, size: int, version: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{version}条文的索引必须是整数，实际为“{value!r}”")
    if not 0 <= value < size:
        raise ValueError(f"{version}中没有索引为 {value} 的条文（共 {size} 条）")
    return value


def _check_corrections(
    old: Sequence[ArticleRef], new: Sequence[ArticleRef], corrections: Mapping[int, int | None]
) -> dict[int, int | None]:
    checked: dict[int, int | None] = {}
    claimed: dict[int, int] = {}
    for new_index, old_index in corrections.items():
        j = _check_index(new_index, len(new), "新版本")
        i = None if old_index is None else _check_index(old_index, len(old), "旧版本")
        if i is not None:
            if i in claimed:
                first, second = sorted((claimed[i], j))
                raise ValueError(f"旧版本的{old[i].label}不能同时对应新版本的{new[first].label}和{new[second].label}")
            claimed[i] = j
        checked[j] = i
    return checked


def _check_result(result: MatchResult, old_count: int, new_count: int) -> None:
    """A result computed for other versions (or another import of them) cannot be corrected."""
    pairs_fit = all(0 <= pair.old < old_count and 0 <= pair.new < new_count for pair in result.pairs)
    if not pairs_fit or not all(0 <= j < new_count for j in result.declared_new):
        raise ValueError("匹配结果与条文列表不一致，请重新匹配")
