"""The embedded backend: the SearchEntry table with PostgreSQL full text (tsvector + GIN) or SQLite FTS5.

Every query word must appear (as its phrase of bigrams, see search.text); exact article-number matches rank
first, then title matches (weight A on PostgreSQL, a heavier column in FTS5's bm25). Ranking, paging and
facets work on the newest CANDIDATES matches of each group (see DatabaseBackend.search).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from comments.models import Channel, Disposition
from search import text
from search.backends.base import FACETS, KINDS, PUBLIC, Backend, FacetValue, Hit, SearchDoc, SearchQuery, SearchResult
from search.models import SearchEntry

BATCH = 2000
FACET_COLUMNS = {
    "draft": ("draft_id", "draft_title"),
    "chapter": ("chapter", "chapter"),
    "channel": ("channel", "channel"),
    "disposition": ("disposition", "disposition"),
    "contact_point": ("contact_point_id", "contact_point_name"),
    "year": ("year", "year"),
}
FACET_SIZE = 30
# Matches of each group (opinions; drafts and articles) that are ranked, paged and counted for facets.
CANDIDATES = 2000
# On PostgreSQL the newest WINDOW ids are read backwards first; then older rows the cheaper way, judged by
# the cost of reading a row backwards and of fetching a match through the GIN index (measured, µs).
WINDOW = 20_000
SCAN_ROW_US = 0.7
FETCH_ROW_US = 5.0
INT_FACETS = {"draft", "contact_point", "year"}


def _row(doc: SearchDoc) -> SearchEntry:
    return SearchEntry(
        key=doc.key,
        kind=doc.kind,
        object_id=doc.object_id,
        title=doc.title[:300],
        body=doc.body or "",
        url=doc.url[:300],
        draft_id=doc.draft_id,
        draft_title=doc.draft_title[:255],
        chapter=doc.chapter[:255],
        article_number=doc.article_number,
        channel=doc.channel,
        disposition=doc.disposition,
        contact_point_id=doc.contact_point_id,
        contact_point_name=doc.contact_point_name[:100],
        year=doc.year,
        superseded=doc.superseded,
        source_updated=doc.source_updated,
        public=PUBLIC in doc.access,
        access=" " + " ".join(t for t in doc.access if t != PUBLIC) + " ",
        title_tokens=text.index_tokens(doc.title),
        body_tokens=text.index_tokens(doc.body or ""),
    )


_FIELDS = [f.name for f in SearchEntry._meta.concrete_fields if f.name not in ("id", "key")]


class DatabaseBackend(Backend):
    name = "database"

    # Writing -----------------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDoc]) -> int:
        count, batch = 0, []
        for doc in docs:
            batch.append(_row(doc))
            if len(batch) >= BATCH:
                count += self._write(batch)
                batch = []
        if batch:
            count += self._write(batch)
        return count

    def _write(self, rows: list[SearchEntry]) -> int:
        with transaction.atomic():
            SearchEntry.objects.bulk_create(rows, update_conflicts=True, unique_fields=["key"], update_fields=_FIELDS)
        return len(rows)

    def delete(self, keys: Iterable[str]) -> int:
        return SearchEntry.objects.filter(key__in=list(keys)).delete()[0]

    def rebuild(self, docs: Iterable[SearchDoc], *, total: int, progress: Callable[[int], None] | None = None) -> int:
        """Rows are replaced in place, key by key, then the ones no longer produced are removed: readers
        always see a complete index (old rows until their new version is written)."""
        seen: set[str] = set()
        count, batch = 0, []
        for doc in docs:
            seen.add(doc.key)
            batch.append(_row(doc))
            if len(batch) >= BATCH:
                count += self._write(batch)
                batch = []
                if progress:
                    progress(count)
        if batch:
            count += self._write(batch)
        keys = SearchEntry.objects.values_list("key", flat=True).iterator(chunk_size=10000)
        gone = [key for key in keys if key not in seen]
        for i in range(0, len(gone), 5000):
            self.delete(gone[i : i + 5000])
        if progress:
            progress(count)
        return count

    # Reading -----------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """Candidates first, then ranking and facets over them.

        A common word matches most of a million documents: ranking or counting all of them costs seconds.
        So the matching documents are taken newest first, at most CANDIDATES opinions and CANDIDATES drafts
        and articles (an index scan that stops when it has them); those are ranked (title and
        article-number matches first) and paged, and the facets counted over them. When more matched, the
        result says so: the total is the planner's estimate (约), paging reaches the candidates only, and
        the facets are marked as counted over them (as Elasticsearch's sampler aggregation does).
        """
        words = text.query_words(query.text)
        if not words:
            return SearchResult(hits=[], total=0, facets={}, backend=self.name)
        vendor = connection.vendor
        match = (self._postgres if vendor == "postgresql" else self._sqlite)(words)
        where, params = self._filters(query)
        number = _article_number(query.text)
        with transaction.atomic(), connection.cursor() as cursor:
            if vendor == "postgresql":
                # Plans over many rows cost more than PostgreSQL's JIT thresholds; compiling them takes
                # longer (~1.5 s) than running them.
                cursor.execute("SET LOCAL jit = off")
            candidates, total, capped, estimated = self._candidates(cursor, vendor, match, where, params, query.kinds)
        candidates.sort(key=lambda row: (not (number and row[2] == number), -(row[1] or 0), -row[0]))
        offset = (max(query.page, 1) - 1) * query.per_page
        page = candidates[offset : offset + query.per_page]
        entries = SearchEntry.objects.in_bulk([row[0] for row in page])
        hits = []
        for row in page:
            entry = entries[row[0]]
            hits.append(
                Hit(
                    key=entry.key,
                    kind=entry.kind,
                    object_id=entry.object_id,
                    title=entry.title,
                    url=entry.url,
                    fragments=text.fragments(entry.body, words),
                    score=float(row[1] or 0),
                    draft_title=entry.draft_title,
                    meta={"channel": entry.channel, "disposition": entry.disposition, "year": entry.year},
                )
            )
        return SearchResult(
            hits=hits,
            total=total,
            facets=_facets(candidates),
            backend=self.name,
            total_is_estimate=estimated,
            window=len(candidates),
            facets_over=len(candidates) if capped else 0,
        )

    def count(self, query: SearchQuery) -> int:
        words = text.query_words(query.text)
        if not words:
            return 0
        vendor = connection.vendor
        match = (self._postgres if vendor == "postgresql" else self._sqlite)(words)
        where, params = self._filters(query)
        with transaction.atomic(), connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SET LOCAL jit = off")
            return self._count(cursor, vendor, match, where, params)

    def _candidates(self, cursor, vendor: str, match, where: list[str], params: list, kinds) -> tuple:
        """(candidates, total, whether more matched, whether the total is estimated): the newest CANDIDATES
        matches of each group, as rows of (id, rank, *_CANDIDATE_COLUMNS). Past them a group is counted,
        but opinions on PostgreSQL are estimated (a count of half a million takes longer than the rest)."""
        groups = [g for g in (("draft", "article"), ("opinion",)) if set(g) & set(kinds or KINDS)]
        candidates, total, capped, estimated = [], 0, False, False
        for group in groups:
            if vendor == "postgresql" and group == ("opinion",):
                rows, estimate = self._newest_postgres(cursor, match, where, params, group)
                estimated = len(rows) > CANDIDATES
            else:
                rows = self._part(cursor, vendor, match, where, params, group, CANDIDATES + 1)
                estimate = len(rows)
                if len(rows) > CANDIDATES:
                    estimate = self._count(cursor, vendor, match, [*where, _kinds_sql(group)], [*params, *group])
            candidates += rows[:CANDIDATES]
            total += estimate
            capped = capped or len(rows) > CANDIDATES
        return candidates, total, capped, estimated

    def _part(self, cursor, vendor: str, match, where, params, group, limit: int, condition: str = "", extra=()):
        """The newest `limit` matches of a group of kinds, newest first, ranked (the rank computed outside
        the LIMIT on PostgreSQL, so only for the rows returned)."""
        match_sql, match_params, rank_sql, rank_params = match
        columns = ", ".join(f"e.{column}" for column in _CANDIDATE_COLUMNS)
        names = ", ".join(f"c.{column}" for column in _CANDIDATE_COLUMNS)
        conditions = " AND ".join([match_sql, _kinds_sql(group), *where, *([condition] if condition else [])])
        if vendor == "postgresql":
            inner_rank, inner_params = "e.vector", []
            outer_rank, outer_params = rank_sql.replace("e.vector", "c.rank_source"), list(rank_params)
        else:
            inner_rank, inner_params = rank_sql, list(rank_params)
            outer_rank, outer_params = "c.rank_source", []
        cursor.execute(
            f"SELECT c.id, {outer_rank}, {names} FROM (SELECT e.id, {inner_rank} AS rank_source, {columns} "  # noqa: S608
            f"FROM search_searchentry e {self._join(vendor)} WHERE {conditions} ORDER BY e.id DESC LIMIT %s) c "
            f"ORDER BY c.id DESC",
            [*outer_params, *inner_params, *match_params, *group, *params, *extra, limit],
        )
        return cursor.fetchall()

    def _newest_postgres(self, cursor, match, where, params, group) -> tuple[list, int]:
        """The newest CANDIDATES + 1 matching opinions, and how many match in all (estimated when more).

        A word in most opinions is found fastest by reading the newest rows backwards until enough match;
        a rare word through the GIN index and the heap. PostgreSQL's planner misjudges phrases (物业费 is
        '物业' <-> '业费': estimated 3,600 matches, 43,000 in fact), so the newest WINDOW ids are read
        backwards first, and what they show of the word's frequency chooses the way for older rows.
        """
        cursor.execute("SELECT MIN(id), MAX(id) FROM search_searchentry")
        low, high = cursor.fetchone()
        if high is None:
            return [], 0
        floor = high - WINDOW
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        rows = self._part(cursor, "postgresql", match, where, params, group, CANDIDATES + 1, "e.id > %s", [floor])
        cursor.execute("RESET enable_bitmapscan")
        if len(rows) <= CANDIDATES and floor >= low:
            rate = max(len(rows), 1) / WINDOW
            wanted = CANDIDATES + 1 - len(rows)
            backwards_us = wanted / rate * SCAN_ROW_US
            through_index_us = rate * (floor - low) * FETCH_ROW_US
            cursor.execute(
                f"SET LOCAL {'enable_bitmapscan' if backwards_us < through_index_us else 'enable_indexscan'} = off"
            )
            rows += self._part(cursor, "postgresql", match, where, params, group, wanted, "e.id <= %s", [floor])
            cursor.execute("RESET enable_bitmapscan; RESET enable_indexscan")
        if len(rows) <= CANDIDATES:
            return rows, len(rows)
        # More matched: as many as the newest ones suggest for the whole range of ids.
        span = max(high - rows[CANDIDATES][0], 1)
        return rows, _rounded((CANDIDATES + 1) * (high - low + 1) / span)

    def _count(self, cursor, vendor: str, match, where: list[str], params: list) -> int:
        match_sql, match_params, _rank_sql, _rank_params = match
        cursor.execute(
            f"SELECT COUNT(*) FROM search_searchentry e {self._join(vendor)} "  # noqa: S608
            f"WHERE {' AND '.join([match_sql, *where])}",
            [*match_params, *params],
        )
        return cursor.fetchone()[0]

    @staticmethod
    def _join(vendor: str) -> str:
        return "JOIN search_fts ON search_fts.rowid = e.id" if vendor == "sqlite" else ""

    @staticmethod
    def _postgres(words: list[str]) -> tuple[str, list, str, list]:
        parts, params = [], []
        for word in words:
            tokens = text.phrase(word)
            if len(word) == 1 and text._CJK_RE.match(word):
                # One character: any bigram starting with it (or the lone character itself).
                parts.append("(to_tsquery('simple', %s) || to_tsquery('simple', %s))")
                params += [f"{_quote(word)}:*", _quote(word)]
            else:
                parts.append("to_tsquery('simple', %s)")
                params.append(" <-> ".join(_quote(t) for t in tokens))
        query = " && ".join(parts)
        return f"e.vector @@ ({query})", params, f"ts_rank(e.vector, ({query}))", list(params)

    @staticmethod
    def _sqlite(words: list[str]) -> tuple[str, list, str, list]:
        parts = []
        for word in words:
            tokens = text.phrase(word)
            if len(word) == 1 and text._CJK_RE.match(word):
                parts.append(f'("{word}" OR "{word}" *)')
            else:
                parts.append('"' + " ".join(t.replace('"', "") for t in tokens) + '"')
        # bm25 is lower for better matches; the title column weighs ten times the body.
        return "search_fts MATCH %s", [" AND ".join(parts)], "-bm25(search_fts, 10.0, 1.0)", []

    @staticmethod
    def _filters(query: SearchQuery) -> tuple[list[str], list]:
        """Conditions besides the words: kinds, draft, who may see it, chosen facet values."""
        where, params = [], []
        kinds = [k for k in query.kinds if k in KINDS] or list(KINDS)
        if len(kinds) < len(KINDS):
            where.append("e.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")")
            params += kinds
        if query.draft_id:
            where.append("e.draft_id = %s")
            params.append(query.draft_id)
        if query.drafts is not None:
            if query.drafts:
                where.append("e.draft_id IN (" + ", ".join(["%s"] * len(query.drafts)) + ")")
                params += list(query.drafts)
            else:
                where.append("1 = 0")
        if not query.include_superseded:
            where.append("NOT e.superseded")
        if not query.is_staff:
            access = ["e.public"]
            for token in query.tokens:
                if token != PUBLIC and " " not in token:
                    access.append("e.access LIKE %s")
                    params.append(f"% {token} %")
            where.append("(" + " OR ".join(access) + ")")
        for name, value in query.filters.items():
            if name not in FACET_COLUMNS or value in ("", None):
                continue
            column = FACET_COLUMNS[name][0]
            if name in INT_FACETS:
                if not str(value).isdigit():
                    continue
                value = int(value)
            where.append(f"e.{column} = %s")
            params.append(value)
        return where, params


def _kinds_sql(group: tuple[str, ...]) -> str:
    return "e.kind IN (" + ", ".join(["%s"] * len(group)) + ")"


def _rounded(number: float) -> int:
    """Three significant figures: an estimate should not look like a count."""
    digits = max(len(str(int(number))) - 3, 0)
    return int(round(number, -digits))


_CANDIDATE_COLUMNS = ["article_number"] + [
    column for name in FACETS for column in dict.fromkeys(FACET_COLUMNS[name]) if column != "article_number"
]


def _facets(candidates: list[tuple]) -> dict[str, list[FacetValue]]:
    """Facet values with their counts over the candidates (rows of id, rank, *_CANDIDATE_COLUMNS)."""
    position = {column: index + 2 for index, column in enumerate(_CANDIDATE_COLUMNS)}
    facets = {}
    for name in FACETS:
        column, label_column = FACET_COLUMNS[name]
        counts: Counter = Counter()
        labels = {}
        for row in candidates:
            value = row[position[column]]
            if value is None or value == "":
                continue
            value = str(value)
            counts[value] += 1
            labels.setdefault(value, row[position[label_column]])
        values = [FacetValue(value=v, label=_label(name, v, str(labels[v] or "")), count=n) for v, n in counts.items()]
        values.sort(key=lambda f: (-f.count, f.label))
        if values:
            facets[name] = values[:FACET_SIZE]
    return facets


def _quote(token: str) -> str:
    """A token for to_tsquery: letters and digits only reach here, but quote it all the same."""
    return "'" + token.replace("'", "").replace("\\", "") + "'"


def _label(name: str, value: str, label: str) -> str:
    if name == "channel":
        return str(dict(Channel.choices).get(value, value))
    if name == "disposition":
        return str(dict(Disposition.choices).get(value, value))
    if name == "year":
        return f"{value}年"
    return label or value


def _article_number(query_text: str) -> int | None:
    from search.jump import article_number

    return article_number(query_text)
