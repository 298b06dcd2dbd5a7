"""The Elasticsearch backend: documents and queries written with the Elasticsearch DSL.

Readers always go through an alias (`<prefix>-search`) that points at one concrete index
(`<prefix>-search-<timestamp>`). A rebuild fills a new concrete index and then moves the alias in a single
`update_aliases` call, so a search never sees a half-built index.

Every failure to talk to the cluster (refused connection, timeout, an error status, rejected bulk items) is
raised as `SearchUnavailable`, the one exception callers catch to fall back to the database backend or to
retry an indexing task later.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import Boolean, Document, Index, Integer, Keyword, Q, Search, Text
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from comments.models import Channel, Disposition
from search import jump
from search.backends.base import FACETS, KINDS, Backend, FacetValue, Hit, SearchDoc, SearchQuery, SearchResult

__all__ = [
    "ElasticsearchBackend",
    "IkSearchDocument",
    "SearchDocument",
    "SearchUnavailable",
    "build_search",
    "result_from_response",
    "search_index",
]

CHUNK_SIZE = 1_000
# Elasticsearch's default index.max_result_window: deeper pages need search_after, which a numbered
# pager does not offer.
MAX_RESULT_WINDOW = 10_000
MAX_PER_PAGE = 100
# Same cap as the search page. A longer text adds nothing to the ranking and, analysed into one clause per
# bigram, would run into the cluster's limit on clauses in a query.
MAX_QUERY_LENGTH = 200
DEFAULT_TIMEOUT = 5.0
PING_TIMEOUT = 2.0

TITLE_BOOST = 3
PHRASE_BOOST = 2
ARTICLE_NUMBER_BOOST = 10
ARTICLE_KIND_BOOST = 2
TEXT_FIELDS = [f"title^{TITLE_BOOST}", "body"]

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
FRAGMENT_SIZE = 80
BODY_FRAGMENTS = 3

# facet → (field, sub-field holding its label or None, number of buckets)
FACET_FIELDS: dict[str, tuple[str, str | None, int]] = {
    "draft": ("draft_id", "draft_title", 50),
    "chapter": ("chapter", None, 50),
    "channel": ("channel", None, 10),
    "disposition": ("disposition", None, 10),
    "contact_point": ("contact_point_id", "contact_point_name", 50),
    "year": ("year", None, 20),
}
NUMERIC_FACETS = frozenset({"draft", "contact_point", "year"})
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # an Elasticsearch integer field

# Something to search for: a letter or a digit in any script. Text without one (`*`, `"`, `\`, `()`) is
# all query syntax and punctuation, and finds nothing.
_SEARCHABLE = re.compile(r"[^\W_]")

_CJK = "cjk"
_IK_INDEX, _IK_SEARCH = "ik_max_word", "ik_smart"


class SearchUnavailable(Exception):
    """The cluster could not be reached or refused the request."""


class SearchDocument(Document):
    """One `SearchDoc` as Elasticsearch stores it; the `SearchDoc.key` is the document's `_id`.

    Title and body use the built-in `cjk` analyzer (overlapping bigrams), which needs no plugin.
    """

    kind = Keyword()
    object_id = Integer()
    title = Text(analyzer=_CJK)
    body = Text(analyzer=_CJK)
    # Only ever read back: neither searched nor aggregated.
    url = Keyword(index=False, doc_values=False)
    draft_id = Integer()
    draft_title = Keyword(fields={"text": Text(analyzer=_CJK)})
    chapter = Keyword()
    article_number = Integer()
    channel = Keyword()
    disposition = Keyword()
    contact_point_id = Integer()
    contact_point_name = Keyword()
    year = Integer()
    superseded = Boolean()
    access = Keyword()

    @classmethod
    def from_search_doc(cls, doc: SearchDoc, *, index: str) -> SearchDocument:
        fields = dataclasses.asdict(doc)
        key = fields.pop("key")
        fields.pop("source_updated")  # the database index's bookkeeping
        if not fields["superseded"]:
            fields.pop("superseded")  # only earlier versions' articles carry the flag (the filter is must_not)
        # An empty string is "no chapter", "no channel": left out, it makes no empty bucket in a facet.
        return cls(meta={"id": key, "index": index}, **{name: value for name, value in fields.items() if value != ""})


class IkSearchDocument(SearchDocument):
    """The same document on a cluster with the IK plugin: finer words at index time, coarser at search time."""

    title = Text(analyzer=_IK_INDEX, search_analyzer=_IK_SEARCH)
    body = Text(analyzer=_IK_INDEX, search_analyzer=_IK_SEARCH)
    draft_title = Keyword(fields={"text": Text(analyzer=_IK_INDEX, search_analyzer=_IK_SEARCH)})


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def alias_name() -> str:
    return f"{_setting('ELASTICSEARCH_INDEX_PREFIX', 'legislation')}-search"


def concrete_index_name() -> str:
    """A new concrete index behind the alias, named by the time it was made (sortable, lowercase)."""
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"


def search_index(name: str, *, ik: bool | None = None) -> Index:
    """The index definition (settings and mapping) for a concrete index called `name`."""
    if ik is None:
        ik = bool(_setting("ELASTICSEARCH_IK", False))
    index = Index(name)
    # A few million short documents fit one shard comfortably; more shards would only add merge work.
    index.settings(number_of_shards=1)
    index.document(IkSearchDocument if ik else SearchDocument)
    return index


def _text_and_article(text: str) -> tuple[str, int | None]:
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    return text, jump.article_number(text)


def _facet_filters(filters: dict[str, str]) -> list[Q] | None:
    """Terms filters for the chosen facet values; None when a value cannot match anything."""
    clauses = []
    for facet, raw in filters.items():
        if facet not in FACET_FIELDS or raw is None or str(raw).strip() == "":
            continue
        value: str | int = str(raw).strip()
        if facet in NUMERIC_FACETS:
            try:
                value = int(value)
            except ValueError:
                return None
            if not _INT_MIN <= value <= _INT_MAX:  # the cluster would refuse it as a bad request
                return None
        clauses.append(Q("terms", **{FACET_FIELDS[facet][0]: [value]}))
    return clauses


def build_search(query: SearchQuery, *, index: str) -> Search | None:
    """The search request for `query`, or None when it cannot find anything (so the cluster is not asked).

    User text only ever reaches `multi_match`, which analyses it as plain words: query-string syntax in
    it (quotes, `AND (`, `*`, backslashes) has no meaning there.
    """
    text, article_number = _text_and_article(query.text)
    if not _SEARCHABLE.search(text):
        return None
    kinds = [kind for kind in query.kinds if kind in KINDS]
    if not kinds:
        return None
    if not query.is_staff and not query.tokens:
        return None
    facet_filters = _facet_filters(query.filters)
    if facet_filters is None:
        return None

    words = Q("multi_match", query=text, fields=TEXT_FIELDS, operator="and")
    should = [Q("multi_match", query=text, fields=TEXT_FIELDS, type="phrase", boost=PHRASE_BOOST)]
    must = words
    if article_number is not None:
        # "12条" shares no words with "第十二条 …": the article number is an alternative way to match.
        must = Q("bool", should=[words, Q("term", article_number=article_number)], minimum_should_match=1)
        should += [
            Q("term", article_number={"value": article_number, "boost": ARTICLE_NUMBER_BOOST}),
            Q("term", kind={"value": "article", "boost": ARTICLE_KIND_BOOST}),
        ]

    filters = [Q("terms", kind=kinds), *facet_filters]
    if query.draft_id is not None:
        filters.append(Q("term", draft_id=query.draft_id))
    if query.drafts is not None:
        filters.append(Q("terms", draft_id=list(query.drafts)))
    if not query.include_superseded:
        filters.append(~Q("term", superseded=True))  # documents indexed before the field have none
    if not query.is_staff:
        filters.append(Q("terms", access=list(query.tokens)))

    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    offset = (max(query.page, 1) - 1) * per_page
    # Past the window: no hits, but still the total and the facets.
    start = min(offset, MAX_RESULT_WINDOW)
    size = max(0, min(per_page, MAX_RESULT_WINDOW - offset))

    search = (
        Search(index=index)
        .query(Q("bool", must=[must], should=should, filter=filters))
        .source(excludes=["body"])
        .extra(track_total_hits=True, from_=start, size=size)
        .highlight_options(encoder="html", pre_tags=[MARK_OPEN], post_tags=[MARK_CLOSE], fragment_size=FRAGMENT_SIZE)
        .highlight("title", number_of_fragments=0)
        .highlight("body", number_of_fragments=BODY_FRAGMENTS, no_match_size=FRAGMENT_SIZE)
    )
    for facet in FACETS:
        field, label_field, buckets = FACET_FIELDS[facet]
        terms = {"field": field, "size": buckets}
        if facet == "year":
            terms["order"] = {"_key": "desc"}
        agg = search.aggs.bucket(facet, "terms", **terms)
        if label_field:
            # Every id has one label, so a one-bucket terms agg on the label is the cheapest way to it.
            agg.bucket("label", "terms", field=label_field, size=1)
    return search


def _choice_label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _facet_value(facet: str, bucket: dict) -> FacetValue:
    value = str(bucket["key"])
    label_buckets = bucket.get("label", {}).get("buckets", [])
    if label_buckets:
        label = str(label_buckets[0]["key"])
    elif facet == "channel":
        label = _choice_label(Channel, value)
    elif facet == "disposition":
        label = _choice_label(Disposition, value)
    elif facet == "year":
        label = f"{value}年"
    else:
        label = value
    return FacetValue(value=value, label=label, count=bucket["doc_count"])


def _hit(raw: dict) -> Hit:
    source = dict(raw.get("_source", {}))
    highlight = raw.get("highlight", {})
    fields = {"kind", "object_id", "title", "url", "draft_title"}
    meta = {name: value for name, value in source.items() if name not in fields}
    if highlight.get("title"):
        meta["title_highlight"] = highlight["title"][0]
    return Hit(
        key=raw["_id"],
        kind=source.get("kind", ""),
        object_id=source.get("object_id", 0),
        title=source.get("title", ""),
        url=source.get("url", ""),
        fragments=list(highlight.get("body", [])) or list(highlight.get("title", [])),
        score=float(raw.get("_score") or 0.0),
        draft_title=source.get("draft_title", ""),
        meta=meta,
    )


def result_from_response(body: dict, *, backend: str = "elasticsearch") -> SearchResult:
    """Map an Elasticsearch search response (the JSON body as a dict) to a `SearchResult`."""
    hits = body.get("hits", {})
    aggregations = body.get("aggregations", {})
    return SearchResult(
        hits=[_hit(raw) for raw in hits.get("hits", [])],
        total=hits.get("total", {}).get("value", 0),
        facets={
            facet: [_facet_value(facet, bucket) for bucket in aggregations.get(facet, {}).get("buckets", [])]
            for facet in FACETS
        },
        backend=backend,
    )


_clients: dict[tuple[int, str, float], Elasticsearch] = {}
_clients_lock = threading.Lock()


def shared_client() -> Elasticsearch:
    """The process's client for the configured cluster, made on first use (not at import, and not in a parent
    process before it forks: the key holds the process id), then kept with its pool of open connections."""
    url = _setting("ELASTICSEARCH_URL", None)
    if not url:
        raise ImproperlyConfigured("ELASTICSEARCH_URL is not set: the Elasticsearch backend has no cluster.")
    key = (os.getpid(), url, float(_setting("ELASTICSEARCH_TIMEOUT", DEFAULT_TIMEOUT)))
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = Elasticsearch(url, request_timeout=key[2])
    return client


@contextmanager
def _unavailable_on_error(action: str) -> Iterator[None]:
    try:
        yield
    except (ApiError, TransportError, BulkIndexError) as exc:
        raise SearchUnavailable(f"Elasticsearch {action} failed: {exc}") from exc


class ElasticsearchBackend(Backend):
    """Search in Elasticsearch 8; settings ELASTICSEARCH_URL, _INDEX_PREFIX, _IK, _TIMEOUT, _WAIT_FOR_REFRESH.

    With `refresh` (default: the ELASTICSEARCH_WAIT_FOR_REFRESH setting) `index` and `delete` return only
    once their changes are searchable: tests that search right after writing need it, indexing tasks do not.
    """

    name = "elasticsearch"

    def __init__(self, client: Elasticsearch | None = None, *, refresh: bool | None = None) -> None:
        self._client = client
        self._refresh = bool(_setting("ELASTICSEARCH_WAIT_FOR_REFRESH", False)) if refresh is None else refresh

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = shared_client()
        return self._client

    @property
    def alias(self) -> str:
        return alias_name()

    def is_available(self) -> bool:
        try:
            return bool(self.client.options(request_timeout=PING_TIMEOUT).ping())
        except (ImproperlyConfigured, ValueError, ApiError, TransportError):
            return False

    def search(self, query: SearchQuery) -> SearchResult:
        search = build_search(query, index=self.alias)
        if search is None:
            return SearchResult(hits=[], total=0, facets={facet: [] for facet in FACETS}, backend=self.name)
        with _unavailable_on_error("search"):
            # A reader waits briefly; the caller answers from the database when this times out.
            # No retry either: a second try would double the wait, and the database answers at once.
            quick = self.client.options(
                request_timeout=float(_setting("ELASTICSEARCH_SEARCH_TIMEOUT", 1.0)), max_retries=0
            )
            response = search.using(quick).execute()
        return result_from_response(response.to_dict(), backend=self.name)

    def count(self, query: SearchQuery) -> int:
        search = build_search(query, index=self.alias)
        if search is None:
            return 0
        with _unavailable_on_error("search"):
            return int(search.using(self.client).count())

    def index(self, docs: Iterable[SearchDoc]) -> int:
        with _unavailable_on_error("indexing"):
            self._ensure_alias()
            actions = (self._index_action(doc, self.alias) for doc in docs)
            return sum(ok for ok, _item in self._bulk(actions))

    def delete(self, keys: Iterable[str]) -> int:
        """Remove documents by key; returns how many existed. A missing key is not an error."""
        with _unavailable_on_error("deleting"):
            self._ensure_alias()
            actions = ({"_op_type": "delete", "_index": self.alias, "_id": key} for key in keys)
            return sum(ok for ok, _item in self._bulk(actions, ignore_status=(404,)))

    def rebuild(self, docs: Iterable[SearchDoc], *, total: int, progress: Callable[[int], None] | None = None) -> int:
        """Fill a new concrete index, then swap the alias onto it and drop the old ones.

        `progress` gets the number of documents indexed so far after every chunk of 1,000 and at the end
        (`total` is for the caller's progress bar). On failure the new index is dropped and the alias
        keeps pointing at the old, complete one.
        """
        new_index = concrete_index_name()
        with _unavailable_on_error("rebuild"):
            definition = search_index(new_index)
            # No refreshes while loading: one at the end is much cheaper than one a second.
            definition.settings(refresh_interval="-1")
            definition.create(using=self.client)
            try:
                done = 0
                actions = (self._index_action(doc, new_index) for doc in docs)
                for _ok, _item in self._bulk(actions):
                    done += 1
                    if progress and done % CHUNK_SIZE == 0:
                        progress(done)
                if progress and done % CHUNK_SIZE:
                    progress(done)
                self.client.indices.put_settings(index=new_index, settings={"index": {"refresh_interval": None}})
                self.client.indices.refresh(index=new_index)
                old_indexes = self._alias_targets()
                self._point_alias_at(new_index, old_indexes)
            except BaseException:
                self.client.options(ignore_status=404).indices.delete(index=new_index)
                raise
            if old_indexes:
                self.client.indices.delete(index=",".join(old_indexes))
        return done

    # Internals

    def _bulk(self, actions: Iterable[dict], *, ignore_status: tuple[int, ...] = ()) -> Iterator[tuple[bool, dict]]:
        kwargs = {"refresh": "wait_for"} if self._refresh else {}
        # max_retries: a busy cluster answers 429 to some items; those are sent again after a pause.
        return streaming_bulk(
            self.client, actions, chunk_size=CHUNK_SIZE, max_retries=3, ignore_status=ignore_status, **kwargs
        )

    @staticmethod
    def _index_action(doc: SearchDoc, index: str) -> dict:
        return SearchDocument.from_search_doc(doc, index=index).to_dict(include_meta=True)

    def _alias_targets(self) -> list[str]:
        aliases = self.client.options(ignore_status=404).indices.get_alias(name=self.alias)
        if aliases.meta.status == 404:
            return []
        return sorted(aliases.body)

    def _point_alias_at(self, new_index: str, old_indexes: list[str]) -> None:
        actions: list[dict] = [{"remove": {"index": old, "alias": self.alias}} for old in old_indexes]
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)

    def _ensure_alias(self) -> None:
        """Writes before the first rebuild: create an empty concrete index behind the alias."""
        if self.client.indices.exists_alias(name=self.alias):
            return
        definition = search_index(concrete_index_name())
        definition.aliases(**{self.alias: {}})
        definition.create(using=self.client)
