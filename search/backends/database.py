"""The embedded backend: the SearchEntry table with PostgreSQL full text (tsvector + GIN) or SQLite FTS5.

Every query word must appear (as its phrase of bigrams, see search.text); title matches rank first (weight
A on PostgreSQL, a heavier column in FTS5's bm25), then exact article-number matches. Facets are counted
over the whole matching set with one grouped query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from comments.models import Channel, Disposition
from search import text
from search.backends.base import FACETS, PUBLIC, Backend, FacetValue, Hit, SearchDoc, SearchQuery, SearchResult
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
        words = text.query_words(query.text)
        if not words:
            return SearchResult(hits=[], total=0, facets={}, backend=self.name)
        vendor = connection.vendor
        match_sql, match_params, rank_sql, rank_params = (self._postgres if vendor == "postgresql" else self._sqlite)(
            words
        )
        where, params = self._filters(query)
        where_sql = " AND ".join([match_sql, *where])
        all_params = [*match_params, *params]
        number = _article_number(query.text)
        order = f"(e.article_number = {int(number)}) DESC, " if number else ""
        offset = (max(query.page, 1) - 1) * query.per_page
        with transaction.atomic(), connection.cursor() as cursor:
            if vendor == "postgresql":
                # The plans of common words cost more than PostgreSQL's JIT thresholds; compiling them
                # takes longer (~1.5 s) than running them.
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                f"SELECT e.id, {rank_sql} AS rank FROM search_searchentry e {self._join(vendor)} "  # noqa: S608
                f"WHERE {where_sql} ORDER BY {order}rank DESC, e.id DESC LIMIT %s OFFSET %s",
                [*rank_params, *all_params, query.per_page, offset],
            )
            ranked = cursor.fetchall()
            facets, total = self._facets(cursor, vendor, where_sql, all_params)
        entries = SearchEntry.objects.in_bulk([pk for pk, _rank in ranked])
        hits = []
        for pk, rank in ranked:
            entry = entries[pk]
            hits.append(
                Hit(
                    key=entry.key,
                    kind=entry.kind,
                    object_id=entry.object_id,
                    title=entry.title,
                    url=entry.url,
                    fragments=text.fragments(entry.body, words),
                    score=float(rank or 0),
                    draft_title=entry.draft_title,
                    meta={"channel": entry.channel, "disposition": entry.disposition, "year": entry.year},
                )
            )
        return SearchResult(hits=hits, total=total, facets=facets, backend=self.name)

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
        where, params = [], []
        kinds = [k for k in query.kinds if k in ("draft", "article", "opinion")] or ["draft", "article", "opinion"]
        where.append("e.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")")
        params += kinds
        if query.draft_id:
            where.append("e.draft_id = %s")
            params.append(query.draft_id)
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

    def _facets(self, cursor, vendor: str, where_sql: str, params: list) -> tuple[dict, int]:
        if vendor == "postgresql":
            return self._facets_grouping_sets(cursor, where_sql, params)
        selects = []
        for name, (column, label) in FACET_COLUMNS.items():
            selects.append(
                f"SELECT '{name}', CAST(e.{column} AS TEXT), MAX(CAST(e.{label} AS TEXT)), COUNT(*) "  # noqa: S608
                f"FROM search_searchentry e {self._join(vendor)} WHERE {where_sql} AND e.{column} IS NOT NULL "
                f"AND CAST(e.{column} AS TEXT) != '' GROUP BY e.{column}"
            )
        selects.append(
            f"SELECT 'total', '', '', COUNT(*) FROM search_searchentry e {self._join(vendor)} WHERE {where_sql}"  # noqa: S608
        )
        cursor.execute(" UNION ALL ".join(selects), params * len(selects))
        facets: dict[str, list[FacetValue]] = {name: [] for name in FACETS}
        total = 0
        for name, value, label, count in cursor.fetchall():
            if name == "total":
                total = count
                continue
            facets[name].append(FacetValue(value=value, label=_label(name, value, label), count=count))
        for name in facets:
            facets[name] = sorted(facets[name], key=lambda f: (-f.count, f.label))[:FACET_SIZE]
        return {name: values for name, values in facets.items() if values}, total

    @staticmethod
    def _facets_grouping_sets(cursor, where_sql: str, params: list) -> tuple[dict, int]:
        """Every facet and the total in one pass over the matches (PostgreSQL's GROUPING SETS)."""
        names = list(FACET_COLUMNS)
        columns = [FACET_COLUMNS[name][0] for name in names]
        labels = ", ".join(f"MAX(CAST(e.{FACET_COLUMNS[name][1]} AS TEXT))" for name in names)
        values = ", ".join(f"CAST(e.{column} AS TEXT)" for column in columns)
        sets = ", ".join(f"(e.{column})" for column in columns) + ", ()"
        cursor.execute(
            f"SELECT GROUPING({', '.join('e.' + c for c in columns)}), {values}, {labels}, COUNT(*) "  # noqa: S608
            f"FROM search_searchentry e WHERE {where_sql} GROUP BY GROUPING SETS ({sets})",
            params,
        )
        facets: dict[str, list[FacetValue]] = {name: [] for name in FACETS}
        total = 0
        width = len(names)
        for row in cursor.fetchall():
            mask, row_values, row_labels, count = row[0], row[1 : 1 + width], row[1 + width : 1 + 2 * width], row[-1]
            if mask == (1 << width) - 1:  # the () set: every column aggregated away
                total = count
                continue
            index = next(i for i in range(width) if not mask & (1 << (width - 1 - i)))
            value = row_values[index]
            if value in (None, ""):
                continue
            name = names[index]
            facets[name].append(FacetValue(value=value, label=_label(name, value, row_labels[index]), count=count))
        for name in facets:
            facets[name] = sorted(facets[name], key=lambda f: (-f.count, f.label))[:FACET_SIZE]
        return {name: values for name, values in facets.items() if values}, total


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
