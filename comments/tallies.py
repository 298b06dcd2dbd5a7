"""Opinion tallies, computed one way for every page, export and figure (staff workspace, export page, adoption
table, summary report, statistics).

What counts is `comments.selectors.opinions_counted`: the top-level opinions moderation let through and those of
the internal channels (contact points, letters, e-mail); pending, rejected, hidden and withdrawn ones and replies
never count. A tally of a group of them is its counts by disposition, and everything else follows from those:
handled (any disposition but undecided: merged and forwarded ones are handled), adopted (adopted and partly
adopted, comments.models.ADOPTING) and the adoption rate (adopted / handled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from comments.models import ADOPTING, Disposition, Opinion
from comments.selectors import opinions_counted


@dataclass
class OpinionTally:
    """The counted opinions of a group, by disposition, and the figures that follow from them."""

    by_disposition: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_disposition = {str(d): n for d, n in self.by_disposition.items() if n}

    @property
    def count(self) -> int:
        return sum(self.by_disposition.values())

    def of(self, disposition: str) -> int:
        return self.by_disposition.get(disposition, 0)

    @property
    def undecided(self) -> int:
        return self.of(Disposition.UNDECIDED)

    @property
    def handled(self) -> int:
        return self.count - self.undecided

    @property
    def adopted(self) -> int:
        """Adopted in whole or in part."""
        return sum(self.of(d) for d in ADOPTING)

    @property
    def forwarded(self) -> int:
        return self.of(Disposition.FORWARDED)

    @property
    def rate(self) -> float | None:
        """The adoption rate: adopted (in whole or in part) / handled; None while nothing is handled."""
        return self.adopted / self.handled if self.handled else None

    @property
    def rate_text(self) -> str:
        return percent(self.rate)

    def __add__(self, other: OpinionTally) -> OpinionTally:
        merged = dict(self.by_disposition)
        for disposition, n in other.by_disposition.items():
            merged[disposition] = merged.get(disposition, 0) + n
        return OpinionTally(merged)

    @classmethod
    def total(cls, tallies: Iterable[OpinionTally]) -> OpinionTally:
        result = cls()
        for tally in tallies:
            result += tally
        return result


def percent(rate: float | None) -> str:
    """A rate (0.125) as a percentage with one decimal (12.5%), or — when there is none."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def opinion_tallies(*keys: str, opinions: QuerySet[Opinion] | None = None, **filters) -> dict[Any, OpinionTally]:
    """Tallies of the counted opinions grouped by `keys` (field paths), from one grouped query.

    The opinions are `opinions_counted(**filters)`, or `opinions` when given: a queryset of opinions_counted
    (annotated as the caller needs). Each group is keyed by its value, or by the tuple of its values for
    several keys.
    """
    if opinions is None:
        opinions = opinions_counted(**filters)
    elif filters:
        opinions = opinions.filter(**filters)
    grouped: dict[Any, dict[str, int]] = {}
    rows = opinions.values(*keys, "disposition").annotate(n=Count("pk")).order_by()
    for *group, disposition, n in rows.values_list(*keys, "disposition", "n"):
        key = group[0] if len(keys) == 1 else tuple(group)
        counts = grouped.setdefault(key, {})
        counts[disposition] = counts.get(disposition, 0) + n
    return {key: OpinionTally(counts) for key, counts in grouped.items()}


def opinion_tally(opinions: QuerySet[Opinion] | None = None, **filters) -> OpinionTally:
    """The tally of all the counted opinions (of `opinions`, or `opinions_counted(**filters)`), in one query."""
    return opinion_tallies(opinions=opinions, **filters).get((), OpinionTally())
