"""The Elasticsearch backend without a cluster: mappings, generated queries, bulk writes and the alias swap.

The client is the real `Elasticsearch` client (with the real bulk helpers); only the network is replaced,
by a node class that answers from `FakeCluster`, a few dicts that keep indexes, aliases and documents.
Tests assert on the HTTP requests the backend makes and on the state they leave behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import elastic_transport
import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse  # what a node returns; public only through this module
from elasticsearch import Elasticsearch

from search.backends.base import FACETS, PUBLIC, SearchDoc, SearchQuery
from search.backends.elasticsearch import (
    ElasticsearchBackend,
    SearchUnavailable,
    build_search,
    result_from_response,
    search_index,
)

ALIAS = "legislation-search"


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: Any  # the JSON body, a list of the NDJSON lines for _bulk, or None


class FakeCluster:
    """Just enough of Elasticsearch's REST API for the requests the backend makes."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.indexes: dict[str, dict] = {}  # name → the body it was created with
        self.aliases: dict[str, set[str]] = {}
        self.docs: dict[str, dict[str, dict]] = {}  # index → _id → _source
        self.search_response: dict = {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
        self.rejected_ids: set[str] = set()
        self.down = False

    def add_index(self, name: str, *, alias: str | None = None) -> None:
        self.indexes[name] = {}
        self.docs[name] = {}
        if alias:
            self.aliases.setdefault(alias, set()).add(name)

    def requests_to(self, method: str, path_part: str = "") -> list[Request]:
        return [r for r in self.requests if r.method == method and path_part in r.path]

    def _resolve(self, name: str) -> str | None:
        targets = self.aliases.get(name)
        if targets:
            assert len(targets) == 1, f"alias {name} points at {targets}: writes would fail"
            return next(iter(targets))
        return name if name in self.indexes else None

    def handle(self, request: Request) -> tuple[int, Any]:
        method, parts = request.method, [p for p in request.path.split("/") if p]
        if method == "HEAD" and not parts:
            return 200, None
        if parts[:1] == ["_alias"]:
            holders = self.aliases.get(parts[1], set())
            if not holders:
                return 404, {"error": f"alias [{parts[1]}] missing", "status": 404}
            return 200, None if method == "HEAD" else {name: {"aliases": {parts[1]: {}}} for name in holders}
        if parts == ["_aliases"]:
            for action in request.body["actions"]:
                (kind, spec), *_ = action.items()
                holders = self.aliases.setdefault(spec["alias"], set())
                if kind == "remove":
                    holders.discard(spec["index"])
                else:
                    holders.add(spec["index"])
            return 200, {"acknowledged": True}
        if parts == ["_bulk"]:
            return 200, self._bulk(request.body)
        if len(parts) == 1 and method == "PUT":
            if parts[0] in self.indexes:
                return 400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}
            self.add_index(parts[0])
            self.indexes[parts[0]] = request.body
            for alias in request.body.get("aliases", {}):
                self.aliases.setdefault(alias, set()).add(parts[0])
            return 200, {"acknowledged": True, "index": parts[0]}
        if len(parts) == 1 and method == "DELETE":
            names = parts[0].split(",")
            if any(name not in self.indexes for name in names):
                return 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
            for name in names:
                del self.indexes[name], self.docs[name]
                for holders in self.aliases.values():
                    holders.discard(name)
            return 200, {"acknowledged": True}
        if parts[1:] in (["_refresh"], ["_settings"]):
            return 200, {"acknowledged": True}
        if parts[1:] == ["_search"]:
            if self._resolve(parts[0]) is None:
                return 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
            return 200, self.search_response
        raise AssertionError(f"the fake cluster does not know {method} {request.path}")

    def _bulk(self, lines: list[dict]) -> dict:
        items, errors = [], False
        position = 0
        while position < len(lines):
            (op, meta), *_ = lines[position].items()
            index = self._resolve(meta["_index"])
            assert index is not None, f"bulk write to {meta['_index']}, which does not exist"
            if op == "index":
                source = lines[position + 1]
                position += 2
                if meta["_id"] in self.rejected_ids:
                    errors = True
                    items.append(
                        {op: {"_id": meta["_id"], "status": 400, "error": {"type": "mapper_parsing_exception"}}}
                    )
                    continue
                self.docs[index][meta["_id"]] = source
                items.append({op: {"_index": index, "_id": meta["_id"], "status": 201, "result": "created"}})
            else:
                position += 1
                found = self.docs[index].pop(meta["_id"], None) is not None
                status, result = (200, "deleted") if found else (404, "not_found")
                items.append({op: {"_index": index, "_id": meta["_id"], "status": status, "result": result}})
        return {"took": 1, "errors": errors, "items": items}


class FakeNode(BaseNode):
    _CLIENT_META_HTTP_CLIENT = ("fake", "1.0")
    cluster: FakeCluster

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        if self.cluster.down:
            raise elastic_transport.ConnectionError("Connection refused")
        url = urlsplit(target)
        if body is None:
            parsed = None
        elif url.path.endswith("/_bulk"):
            parsed = [json.loads(line) for line in body.decode().splitlines() if line]
        else:
            parsed = json.loads(body)
        request = Request(method, unquote(url.path), dict(parse_qsl(url.query)), parsed)
        self.cluster.requests.append(request)
        status, data = self.cluster.handle(request)
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=HttpHeaders({"x-elastic-product": "Elasticsearch", "content-type": "application/json"}),
            duration=0.0,
            node=self.config,
        )
        return NodeApiResponse(meta, b"" if data is None else json.dumps(data).encode())


@pytest.fixture
def cluster():
    return FakeCluster()


@pytest.fixture
def backend(cluster):
    node_class = type("BoundFakeNode", (FakeNode,), {"cluster": cluster})
    return ElasticsearchBackend(client=Elasticsearch("http://es.test:9200", node_class=node_class))


def make_doc(n: int, **overrides) -> SearchDoc:
    fields = {
        "key": f"opinion:{n}",
        "kind": "opinion",
        "object_id": n,
        "title": "对第十二条的意见",
        "body": f"小区停车位应当优先满足业主需要 {n}",
        "url": f"/opinions/{n}/",
        "draft_id": 3,
        "draft_title": "物业管理条例",
        "chapter": "第二章 物业管理区域",
        "article_number": 12,
        "channel": "online",
        "disposition": "adopted",
        "year": 2026,
    }
    return SearchDoc(**(fields | overrides))


def query(text="物业", **kwargs) -> SearchQuery:
    return SearchQuery(text=text, tokens=kwargs.pop("tokens", [PUBLIC]), **kwargs)


def body_of(q: SearchQuery) -> dict:
    search = build_search(q, index=ALIAS)
    assert search is not None
    return search.to_dict()


def walk(value: Any):
    """Every (key, value) pair anywhere in a nested dict/list."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key, inner
            yield from walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from walk(inner)


# Mappings


def test_mapping_uses_the_cjk_analyzer_by_default():
    properties = search_index("legislation-search-1").to_dict()["mappings"]["properties"]

    assert properties["title"] == {"type": "text", "analyzer": "cjk"}
    assert properties["body"] == {"type": "text", "analyzer": "cjk"}
    assert properties["draft_title"] == {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "cjk"}}}
    assert not [value for key, value in walk(properties) if "ik_" in str(value)]


def test_mapping_uses_ik_when_the_cluster_has_it(settings):
    settings.ELASTICSEARCH_IK = True

    properties = search_index("legislation-search-1").to_dict()["mappings"]["properties"]

    ik = {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"}
    assert properties["title"] == ik
    assert properties["body"] == ik
    assert properties["draft_title"]["fields"]["text"] == ik


def test_mapping_has_a_field_for_every_search_doc_field_but_the_key():
    properties = search_index("legislation-search-1").to_dict()["mappings"]["properties"]

    # source_updated is the database index's bookkeeping (catch-up compares it), never sent to Elasticsearch.
    assert set(properties) == set(SearchDoc.__dataclass_fields__) - {"key", "source_updated"}
    types = {name: spec["type"] for name, spec in properties.items()}
    assert {name for name, kind in types.items() if kind == "integer"} == {
        "object_id",
        "draft_id",
        "article_number",
        "contact_point_id",
        "year",
    }
    for name in ("kind", "channel", "disposition", "access", "chapter", "draft_title", "contact_point_name"):
        assert types[name] == "keyword", name
    assert properties["url"] == {"type": "keyword", "index": False, "doc_values": False}


# Queries


def test_two_character_query_matches_all_words_with_title_boosted_and_a_phrase_bonus():
    bool_query = body_of(query("物业"))["query"]["bool"]

    assert bool_query["must"] == [{"multi_match": {"query": "物业", "fields": ["title^3", "body"], "operator": "and"}}]
    assert {"multi_match": {"query": "物业", "fields": ["title^3", "body"], "type": "phrase", "boost": 2}} in (
        bool_query["should"]
    )


def test_non_staff_query_is_filtered_by_the_askers_tokens():
    filters = body_of(query(tokens=[PUBLIC, "point:7"]))["query"]["bool"]["filter"]

    assert {"terms": {"access": [PUBLIC, "point:7"]}} in filters


def test_staff_query_has_no_access_filter():
    body = body_of(query(tokens=[PUBLIC, "staff"], is_staff=True))

    assert "access" not in [key for item in body["query"]["bool"]["filter"] for key in next(iter(item.values()))]


def test_query_without_tokens_finds_nothing_and_asks_nothing(backend, cluster):
    result = backend.search(query(tokens=[]))

    assert (result.hits, result.total) == ([], 0)
    assert cluster.requests == []


def test_facet_filters_use_the_keyword_fields_and_ints_for_ids_and_years():
    q = query(
        filters={
            "draft": "3",
            "chapter": "第二章 物业管理区域",
            "channel": "online",
            "disposition": "adopted",
            "contact_point": "12",
            "year": "2026",
            "unknown": "x",
        }
    )

    filters = body_of(q)["query"]["bool"]["filter"]

    assert filters == [
        {"terms": {"kind": ["draft", "article", "opinion"]}},
        {"terms": {"draft_id": [3]}},
        {"terms": {"chapter": ["第二章 物业管理区域"]}},
        {"terms": {"channel": ["online"]}},
        {"terms": {"disposition": ["adopted"]}},
        {"terms": {"contact_point_id": [12]}},
        {"terms": {"year": [2026]}},
        {"bool": {"must_not": [{"term": {"superseded": True}}]}},  # each article once: the current version's
        {"terms": {"access": [PUBLIC]}},
    ]
    every = body_of(query(include_superseded=True))["query"]["bool"]["filter"]
    assert {"bool": {"must_not": [{"term": {"superseded": True}}]}} not in every


def test_draft_and_kinds_narrow_the_query():
    filters = body_of(query(draft_id=3, kinds=("article",)))["query"]["bool"]["filter"]

    assert {"terms": {"kind": ["article"]}} in filters
    assert {"term": {"draft_id": 3}} in filters


@pytest.mark.parametrize("value", ["二〇二六", "2026.0", "99999999999", "-"])
def test_an_id_filter_that_is_no_integer_finds_nothing_without_asking_the_cluster(backend, cluster, value):
    result = backend.search(query(filters={"year": value}))

    assert (result.hits, result.total) == ([], 0)
    assert cluster.requests == []


def test_aggregations_cover_every_facet_with_labels_for_ids():
    aggs = body_of(query())["aggs"]

    assert set(aggs) == set(FACETS)
    assert aggs["draft"] == {
        "terms": {"field": "draft_id", "size": 50},
        "aggs": {"label": {"terms": {"field": "draft_title", "size": 1}}},
    }
    assert aggs["contact_point"] == {
        "terms": {"field": "contact_point_id", "size": 50},
        "aggs": {"label": {"terms": {"field": "contact_point_name", "size": 1}}},
    }
    assert aggs["chapter"] == {"terms": {"field": "chapter", "size": 50}}
    assert aggs["channel"] == {"terms": {"field": "channel", "size": 10}}
    assert aggs["disposition"] == {"terms": {"field": "disposition", "size": 10}}
    assert aggs["year"] == {"terms": {"field": "year", "size": 20, "order": {"_key": "desc"}}}


def test_highlight_marks_matches_and_escapes_the_text():
    body = body_of(query())

    assert body["highlight"] == {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fragment_size": 80,
        "fields": {"title": {"number_of_fragments": 0}, "body": {"number_of_fragments": 3, "no_match_size": 80}},
    }
    assert body["track_total_hits"] is True
    assert body["_source"] == {"excludes": ["body"]}


@pytest.mark.parametrize(
    ("page", "per_page", "expected_from", "expected_size"),
    [(1, 20, 0, 20), (3, 20, 40, 20), (500, 20, 9980, 20), (501, 20, 10_000, 0), (10**9, 20, 10_000, 0), (0, 0, 0, 1)],
)
def test_pages_stop_at_ten_thousand_results(page, per_page, expected_from, expected_size):
    body = body_of(query(page=page, per_page=per_page))

    assert (body["from"], body["size"]) == (expected_from, expected_size)


@pytest.mark.parametrize("text", ["第十二条", "12条", "第12条", "第１２条", " 第 十二 条 "])
def test_article_number_query_matches_and_ranks_the_article(text):
    bool_query = body_of(query(text))["query"]["bool"]

    must = bool_query["must"][0]["bool"]
    assert must["minimum_should_match"] == 1
    assert {"term": {"article_number": 12}} in must["should"]
    assert {"term": {"article_number": {"value": 12, "boost": 10}}} in bool_query["should"]


@pytest.mark.parametrize("text", ["第一百零二十条", "第十二款", "十二", "停车条件"])
def test_text_that_is_not_an_article_number_gets_no_article_clause(text):
    body = body_of(query(text))

    assert "article_number" not in [key for key, _ in walk(body["query"])]


HOSTILE = ["AND (", '"', "*", "\\", "'; DROP TABLE opinions; --", "物" * 10_000, "物", "", "   ", '"物业" OR body:*']


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_reaches_query_string_and_only_appears_as_plain_match_text(text):
    search = build_search(query(text), index=ALIAS)
    if search is None:
        return  # covered by the test below: nothing is sent
    body = json.loads(json.dumps(search.to_dict()))

    assert "query_string" not in [key for key, _ in walk(body)]
    assert "simple_query_string" not in [key for key, _ in walk(body)]
    texts = [value["query"] for key, value in walk(body) if key == "multi_match"]
    assert texts
    assert all(t == " ".join(text.split())[:200] for t in texts)
    assert len(texts[0]) <= 200


@pytest.mark.parametrize("text", ["", "   ", '"', "*", "\\", "()", '"*\\" -- ;'])
def test_empty_or_syntax_only_text_returns_an_empty_result_without_a_request(backend, cluster, text):
    result = backend.search(query(text))

    assert result.hits == []
    assert result.total == 0
    assert result.facets == {facet: [] for facet in FACETS}
    assert result.backend == "elasticsearch"
    assert cluster.requests == []


@pytest.mark.parametrize("text", ["AND (", "'; DROP TABLE opinions; --", "物", "物" * 10_000])
def test_hostile_text_is_sent_as_a_valid_search(backend, cluster, text):
    cluster.add_index("legislation-search-1", alias=ALIAS)

    backend.search(query(text))

    (request,) = cluster.requests
    assert (request.method, request.path) == ("POST", f"/{ALIAS}/_search")
    assert request.body["query"]["bool"]["must"][0]["multi_match"]["query"] == " ".join(text.split())[:200]


# Responses

RESPONSE = {
    "took": 4,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 42, "relation": "eq"},
        "max_score": 7.5,
        "hits": [
            {
                "_index": "legislation-search-20260101000000000000",
                "_id": "opinion:9",
                "_score": 7.5,
                "_source": {
                    "kind": "opinion",
                    "object_id": 9,
                    "title": "对第十二条的意见",
                    "url": "/opinions/9/",
                    "draft_id": 3,
                    "draft_title": "物业管理条例",
                    "article_number": 12,
                    "channel": "online",
                    "year": 2026,
                    "access": [PUBLIC],
                },
                "highlight": {
                    "body": ["建议<mark>物业</mark>公司公开 &lt;账目&gt;", "第二段<mark>物业</mark>"],
                },
            },
            {
                "_index": "legislation-search-20260101000000000000",
                "_id": "draft:3",
                "_score": 3.0,
                "_source": {"kind": "draft", "object_id": 3, "title": "物业管理条例", "url": "/drafts/wuye/"},
                "highlight": {"title": ["<mark>物业</mark>管理条例"]},
            },
        ],
    },
    "aggregations": {
        "draft": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": 3, "doc_count": 40, "label": {"buckets": [{"key": "物业管理条例", "doc_count": 40}]}}],
        },
        "chapter": {"buckets": [{"key": "第二章 物业管理区域", "doc_count": 12}]},
        "channel": {"buckets": [{"key": "online", "doc_count": 30}, {"key": "letter", "doc_count": 2}]},
        "disposition": {"buckets": [{"key": "partly_adopted", "doc_count": 5}]},
        "contact_point": {
            "buckets": [{"key": 12, "doc_count": 2, "label": {"buckets": [{"key": "玉林街道联系点", "doc_count": 2}]}}]
        },
        "year": {"buckets": [{"key": 2026, "doc_count": 41}, {"key": 2025, "doc_count": 1}]},
    },
}


def test_response_is_mapped_to_hits_with_fragments_and_labelled_facets():
    result = result_from_response(RESPONSE)

    assert result.total == 42
    assert result.backend == "elasticsearch"
    first, second = result.hits
    assert (first.key, first.kind, first.object_id, first.url, first.score) == (
        "opinion:9",
        "opinion",
        9,
        "/opinions/9/",
        7.5,
    )
    assert first.title == "对第十二条的意见"
    assert first.draft_title == "物业管理条例"
    assert first.fragments == ["建议<mark>物业</mark>公司公开 &lt;账目&gt;", "第二段<mark>物业</mark>"]
    assert first.meta["article_number"] == 12
    # A title-only match still shows what matched.
    assert second.fragments == ["<mark>物业</mark>管理条例"]
    assert second.meta["title_highlight"] == "<mark>物业</mark>管理条例"

    def facet(name):
        return [(v.value, v.label, v.count) for v in result.facets[name]]

    assert facet("draft") == [("3", "物业管理条例", 40)]
    assert facet("chapter") == [("第二章 物业管理区域", "第二章 物业管理区域", 12)]
    assert facet("channel") == [("online", "网上征求意见", 30), ("letter", "来信", 2)]
    assert facet("disposition") == [("partly_adopted", "部分采纳", 5)]
    assert facet("contact_point") == [("12", "玉林街道联系点", 2)]
    assert facet("year") == [("2026", "2026年", 41), ("2025", "2025年", 1)]


def test_search_sends_the_built_query_to_the_alias_and_maps_the_answer(backend, cluster):
    cluster.add_index("legislation-search-1", alias=ALIAS)
    cluster.search_response = RESPONSE
    q = query("物业", tokens=[PUBLIC, "dept:4"], filters={"year": "2026"})

    result = backend.search(q)

    (request,) = cluster.requests_to("POST", "_search")
    assert request.path == f"/{ALIAS}/_search"
    assert request.body == body_of(q)
    assert [hit.key for hit in result.hits] == ["opinion:9", "draft:3"]
    assert result.total == 42


def test_index_prefix_setting_names_the_alias(backend, cluster, settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "staging"
    cluster.add_index("staging-search-1", alias="staging-search")

    backend.search(query())

    assert cluster.requests[0].path == "/staging-search/_search"


# Writes


def test_rebuild_fills_a_new_index_then_swaps_the_alias_in_one_call(backend, cluster):
    cluster.add_index("legislation-search-old", alias=ALIAS)
    cluster.docs["legislation-search-old"]["opinion:1"] = {"title": "stale"}
    seen = []

    count = backend.rebuild((make_doc(n) for n in range(2_500)), total=2_500, progress=seen.append)

    assert count == 2_500
    assert seen == [1_000, 2_000, 2_500]
    create, *_ = cluster.requests_to("PUT")
    new_index = create.path.strip("/")
    assert new_index.startswith("legislation-search-2")
    assert create.body["mappings"]["properties"]["title"]["analyzer"] == "cjk"
    assert create.body["settings"]["refresh_interval"] == "-1"
    assert "aliases" not in create.body

    steps = [(r.method, r.path) for r in cluster.requests]
    assert steps == [
        ("PUT", f"/{new_index}"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
        ("PUT", f"/{new_index}/_settings"),
        ("POST", f"/{new_index}/_refresh"),
        ("GET", f"/_alias/{ALIAS}"),
        ("POST", "/_aliases"),
        ("DELETE", "/legislation-search-old"),
    ]
    bulks = cluster.requests_to("PUT", "_bulk")
    assert [len(r.body) // 2 for r in bulks] == [1_000, 1_000, 500]
    assert bulks[0].body[0] == {"index": {"_index": new_index, "_id": "opinion:0"}}
    assert bulks[0].body[1] == {
        "kind": "opinion",
        "object_id": 0,
        "title": "对第十二条的意见",
        "body": "小区停车位应当优先满足业主需要 0",
        "url": "/opinions/0/",
        "draft_id": 3,
        "draft_title": "物业管理条例",
        "chapter": "第二章 物业管理区域",
        "article_number": 12,
        "channel": "online",
        "disposition": "adopted",
        "year": 2026,
        "access": [PUBLIC],
    }
    (swap,) = cluster.requests_to("POST", "_aliases")
    assert swap.body == {
        "actions": [
            {"remove": {"index": "legislation-search-old", "alias": ALIAS}},
            {"add": {"index": new_index, "alias": ALIAS}},
        ]
    }
    assert cluster.aliases[ALIAS] == {new_index}
    assert set(cluster.indexes) == {new_index}
    assert len(cluster.docs[new_index]) == 2_500


def test_rebuild_without_an_alias_just_adds_it(backend, cluster):
    backend.rebuild([make_doc(1)], total=1)

    (swap,) = cluster.requests_to("POST", "_aliases")
    (new_index,) = cluster.indexes
    assert swap.body == {"actions": [{"add": {"index": new_index, "alias": ALIAS}}]}
    assert cluster.requests_to("DELETE") == []


def test_rebuild_leaves_out_empty_strings_so_facets_get_no_empty_bucket(backend, cluster):
    backend.rebuild([make_doc(1, chapter="", disposition="", access=[])], total=1)

    (bulk,) = cluster.requests_to("PUT", "_bulk")
    source = bulk.body[1]
    assert "chapter" not in source
    assert "disposition" not in source
    assert "access" not in source
    assert "contact_point_name" not in source
    assert "contact_point_id" not in source


def test_failed_rebuild_drops_the_new_index_and_keeps_the_alias(backend, cluster):
    cluster.add_index("legislation-search-old", alias=ALIAS)
    cluster.rejected_ids = {"opinion:5"}

    with pytest.raises(SearchUnavailable):
        backend.rebuild((make_doc(n) for n in range(10)), total=10)

    assert cluster.aliases[ALIAS] == {"legislation-search-old"}
    assert set(cluster.indexes) == {"legislation-search-old"}
    assert cluster.requests_to("POST", "_aliases") == []


def test_first_write_creates_an_index_behind_the_alias(backend, cluster):
    assert backend.index([make_doc(1), make_doc(2)]) == 2

    (create,) = cluster.requests_to("PUT", "/legislation-search-")
    assert create.body["aliases"] == {ALIAS: {}}
    assert create.body["mappings"]["properties"]["body"]["analyzer"] == "cjk"
    (bulk,) = cluster.requests_to("PUT", "_bulk")
    assert [line for line in bulk.body if "index" in line] == [
        {"index": {"_index": ALIAS, "_id": "opinion:1"}},
        {"index": {"_index": ALIAS, "_id": "opinion:2"}},
    ]
    (concrete,) = cluster.aliases[ALIAS]
    assert set(cluster.docs[concrete]) == {"opinion:1", "opinion:2"}


def test_writes_go_through_the_existing_alias(backend, cluster):
    cluster.add_index("legislation-search-1", alias=ALIAS)

    backend.index([make_doc(1)])
    backend.delete(["opinion:1"])

    assert cluster.requests_to("PUT", "/legislation-search-") == []
    assert set(cluster.indexes) == {"legislation-search-1"}
    delete_bulk = cluster.requests_to("PUT", "_bulk")[-1]
    assert delete_bulk.body == [{"delete": {"_index": ALIAS, "_id": "opinion:1"}}]
    assert cluster.docs["legislation-search-1"] == {}


def test_delete_counts_what_existed_and_ignores_missing_keys(backend, cluster):
    cluster.add_index("legislation-search-1", alias=ALIAS)
    backend.index([make_doc(1), make_doc(2)])

    assert backend.delete(["opinion:1", "opinion:404", "opinion:2"]) == 2


def test_writes_do_not_wait_for_a_refresh_by_default(cluster, settings):
    settings.ELASTICSEARCH_WAIT_FOR_REFRESH = False  # the test settings turn it on
    node_class = type("BoundFakeNode", (FakeNode,), {"cluster": cluster})
    backend = ElasticsearchBackend(client=Elasticsearch("http://es.test:9200", node_class=node_class))
    cluster.add_index("legislation-search-1", alias=ALIAS)

    backend.index([make_doc(1)])

    assert cluster.requests_to("PUT", "_bulk")[0].params == {}


def test_with_the_refresh_setting_writes_wait_until_searchable(cluster, settings):
    settings.ELASTICSEARCH_WAIT_FOR_REFRESH = True
    node_class = type("BoundFakeNode", (FakeNode,), {"cluster": cluster})
    backend = ElasticsearchBackend(client=Elasticsearch("http://es.test:9200", node_class=node_class))
    cluster.add_index("legislation-search-1", alias=ALIAS)

    backend.index([make_doc(1)])
    backend.delete(["opinion:1"])

    assert [r.params for r in cluster.requests_to("PUT", "_bulk")] == [{"refresh": "wait_for"}] * 2


# Availability


def test_is_available_pings_the_cluster(backend, cluster):
    assert backend.is_available() is True
    assert [(r.method, r.path) for r in cluster.requests] == [("HEAD", "/")]

    cluster.down = True
    assert backend.is_available() is False


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.search(query()),
        lambda b: b.index([make_doc(1)]),
        lambda b: b.delete(["opinion:1"]),
        lambda b: b.rebuild([make_doc(1)], total=1),
    ],
    ids=["search", "index", "delete", "rebuild"],
)
def test_connection_errors_become_search_unavailable(backend, cluster, call):
    cluster.down = True

    with pytest.raises(SearchUnavailable) as excinfo:
        call(backend)

    assert isinstance(excinfo.value.__cause__, elastic_transport.ConnectionError)


def test_missing_index_makes_search_unavailable_so_the_caller_falls_back(backend):
    with pytest.raises(SearchUnavailable):
        backend.search(query())


def test_without_a_url_the_backend_is_unavailable(settings):
    settings.ELASTICSEARCH_URL = None

    assert ElasticsearchBackend().is_available() is False


def test_client_is_made_lazily_from_the_settings(settings):
    settings.ELASTICSEARCH_URL = "http://search.internal:9200"
    settings.ELASTICSEARCH_TIMEOUT = 3

    backend = ElasticsearchBackend()

    assert backend._client is None
    client = backend.client
    assert isinstance(client, Elasticsearch)
    assert client is backend.client
    (node,) = client.transport.node_pool.all()
    assert (node.config.host, node.config.port) == ("search.internal", 9200)
    assert client._request_timeout == 3
    # One client per process for the settings, kept with its connection pool: the next backend reuses it.
    assert ElasticsearchBackend().client is client
    settings.ELASTICSEARCH_TIMEOUT = 4
    assert ElasticsearchBackend().client is not client


def test_a_forked_worker_makes_its_own_client(settings, monkeypatch):
    """A client made before gunicorn forks is not shared by the workers: its open connections are not theirs."""
    import os

    settings.ELASTICSEARCH_URL = "http://search.internal:9200"
    parents = ElasticsearchBackend().client
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as seen from a worker forked after that
    workers = ElasticsearchBackend().client
    assert workers is not parents and ElasticsearchBackend().client is workers
