"""The one interface both search backends implement, and the values that cross it.

A `SearchDoc` is what is indexed (a draft, an article of one version, an opinion); `SearchQuery` is what is
asked, with the asker's access tokens already worked out; `SearchResult` is what comes back: ranked hits with
highlighted fragments, the total, and facet counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

FACETS = ("draft", "chapter", "channel", "disposition", "contact_point", "year")
KINDS = ("draft", "article", "opinion")
PUBLIC = "public"  # the access token every asker has


@dataclass
class SearchDoc:
    key: str  # "draft:12", "article:345", "opinion:6789": unique across kinds
    kind: str  # one of KINDS
    object_id: int
    title: str  # the draft's title; "第十二条 标题" for an article; "对第十二条的意见" for an opinion
    body: str
    url: str  # where a hit links to (a public page, or for staff-only documents an admin page)
    draft_id: int | None = None
    draft_title: str = ""
    chapter: str = ""  # e.g. "第二章 物业管理区域"
    article_number: int | None = None
    channel: str = ""  # opinions: online / contact_point / letter / email
    disposition: str = ""
    contact_point_id: int | None = None
    contact_point_name: str = ""
    year: int | None = None
    # An article of a version that is no longer its draft's current one: found only when asked for
    # (the search page's 「包括历史版本」), so a search lists each article once.
    superseded: bool = False
    # Who may see it: PUBLIC, "staff", "point:<id>" (a contact point's coordinators), "dept:<id>" (a
    # department's liaisons). Staff see everything; others see documents sharing one of their tokens.
    access: list[str] = field(default_factory=lambda: [PUBLIC])
    # When its source last changed (opinions' `updated_at`): catch-up re-indexes a recent row only when its
    # entry is older. Bookkeeping of the database index; not sent to Elasticsearch.
    source_updated: datetime | None = None


@dataclass
class SearchQuery:
    text: str
    tokens: list[str]  # the asker's access tokens (always includes PUBLIC)
    is_staff: bool = False
    draft_id: int | None = None
    kinds: tuple[str, ...] = KINDS
    filters: dict[str, str] = field(default_factory=dict)  # facet name → chosen value (as a string)
    include_superseded: bool = False  # also the articles of earlier versions
    # The drafts whose documents the asker may find (None: every draft). Entries of a draft unpublished or
    # deleted since it was indexed stay in an index until it is rebuilt; this keeps them out of every answer.
    drafts: tuple[int, ...] | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    key: str
    kind: str
    object_id: int
    title: str
    url: str
    fragments: list[str]  # HTML-safe strings with the matches wrapped in <mark>
    score: float
    draft_title: str = ""
    meta: dict = field(default_factory=dict)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    backend: str
    notice: str = ""  # e.g. "Elasticsearch is unreachable: results from the database backend"
    total_is_estimate: bool = False  # `total` is the planner's estimate ("约"), not a count
    window: int = 10_000  # how many of the results paging can reach
    facets_over: int = 0  # when set, facets were counted over this many best candidates, not every match


class Backend:
    """What every backend provides. Implementations must be safe to call with any user text."""

    name = "base"

    def index(self, docs: Iterable[SearchDoc]) -> int:
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> int:
        raise NotImplementedError

    def search(self, query: SearchQuery) -> SearchResult:
        raise NotImplementedError

    def count(self, query: SearchQuery) -> int:
        """Exactly how many documents match (the total of `search` may be an estimate)."""
        raise NotImplementedError

    def rebuild(self, docs: Iterable[SearchDoc], *, total: int, progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index with `docs` (readers keep the old one until the new one is complete)."""
        raise NotImplementedError

    def is_available(self) -> bool:
        return True
