"""Groups of identical and nearly identical opinions (campaigns) across every channel of a draft.

Identical texts (after normalisation) share a text hash; near-identical ones share a MinHash band
(comments.fingerprints) and are then checked on their real trigram overlap. Groups are the connected
components of those links (union-find); each opinion stores its group's smallest id and its size,
so the staff workspace filters and shows them without computing anything per request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Min

from comments import fingerprints
from comments.models import ClusterBand, ModerationState, Opinion


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller id becomes the root: it is the group's id.
            self.parent[max(ra, rb)] = min(ra, rb)


def group_texts(rows: list[tuple[int, str]]) -> dict[int, list[int]]:
    """Group (id, text) pairs: returns root id → sorted member ids, for groups of two or more."""
    groups = _UnionFind()
    by_hash: dict[str, int] = {}
    buckets: dict[int, list[int]] = defaultdict(list)
    texts = dict(rows)
    for pk, body in rows:
        digest = fingerprints.text_hash(body)
        if digest in by_hash:
            groups.union(by_hash[digest], pk)
            continue  # an exact twin: its bands are the same as the first one's
        by_hash[digest] = pk
        for key in fingerprints.band_keys(body):
            buckets[key].append(pk)
    shingles: dict[int, set[str]] = {}

    def grams(pk: int) -> set[str]:
        if pk not in shingles:
            shingles[pk] = fingerprints.shingles(texts[pk])
        return shingles[pk]

    for members in buckets.values():
        if len(members) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            if groups.find(first) == groups.find(other):
                continue
            if fingerprints.jaccard(grams(first), grams(other)) >= fingerprints.SIMILAR:
                groups.union(first, other)
    result: dict[int, list[int]] = defaultdict(list)
    for pk in texts:
        result[groups.find(pk)].append(pk)
    return {root: sorted(members) for root, members in result.items() if len(members) > 1}


CHUNK = 5000  # new opinions compared per round (their bands, twins and group members fit in memory)
LOCK_CLASS = 4207  # PostgreSQL advisory lock namespace of the regrouping (the key is the draft's id)


def _groups_of(draft_id: int):
    """The draft's top-level opinions that take part in groups (all but withdrawn ones)."""
    return Opinion.objects.filter(draft_id=draft_id, parent__isnull=True).exclude(
        moderation_state=ModerationState.WITHDRAWN
    )


def draft_clusters_update(draft_id: int, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Place the draft's opinions not yet grouped into the groups, merging groups they link.

    Only new opinions are compared: with their exact twins (same text hash) and, through ClusterBand, with
    the first opinion sharing one of their MinHash bands, then checked on their real trigram overlap, as
    `group_texts` does for a whole draft (the result is the same as grouping everything again). Groups they
    link are merged; each member keeps the group's smallest id and its size. Returns the number of new
    opinions placed.
    """
    pending = _groups_of(draft_id).filter(clustered=False)
    total = pending.count() if progress else 0
    done = 0
    while True:
        with transaction.atomic():
            _lock(draft_id)
            rows = list(pending.order_by("pk").values_list("pk", "body", "text_hash", "author_id")[:CHUNK])
            if not rows:
                break
            _place(draft_id, rows)
        done += len(rows)
        if progress:
            progress(done, max(total, done))
    return done


def _lock(draft_id: int) -> None:
    """One regrouping of a draft at a time (the task after a batch, the schedule, a click), until the
    transaction ends: two would merge the same groups from different snapshots. SQLite serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, draft_id])


def _place(draft_id: int, rows: list[tuple[int, str, str, int | None]]) -> None:
    """One round: link `rows` (new opinions, ascending ids) to what came before them, and store the result."""
    digests = {pk: digest or fingerprints.text_hash(body) for pk, body, digest, _author in rows}
    # Every way in stores the hash; one that did not gets it now, so later twins find it. Not a citizen's
    # opinion without one: that is a later copy of the citizen's own text, whose hash the migration to one
    # text per citizen and draft cleared (comments 0015); its first copy holds the hash.
    unhashed = [Opinion(pk=pk, text_hash=digests[pk]) for pk, _body, digest, by in rows if not digest and not by]
    Opinion.objects.bulk_update(unhashed, ["text_hash"], batch_size=2000)
    rows = [(pk, body, digest) for pk, body, digest, _author in rows]
    first_twin = dict(
        _groups_of(draft_id)
        .filter(clustered=True, text_hash__in=set(digests.values()))
        .values("text_hash")
        .annotate(first=Min("pk"))
        .values_list("text_hash", "first")
    )
    bands: dict[int, list[int]] = {}
    for pk, body, _digest in rows:
        if digests[pk] not in first_twin:
            first_twin[digests[pk]] = pk  # the first of its text: later twins join it, its bands are theirs
            bands[pk] = fingerprints.band_keys(body)
    wanted = {key for keys in bands.values() for key in keys}
    first_of_band = dict(
        ClusterBand.objects.filter(draft_id=draft_id, band__in=wanted).values_list("band", "opinion_id")
    )
    links: list[tuple[int, int]] = []  # (new opinion, earlier one it belongs with)
    compare: list[tuple[int, int]] = []
    new_bands: list[ClusterBand] = []
    for pk, _body, _digest in rows:
        twin = first_twin[digests[pk]]
        if twin != pk:
            links.append((pk, twin))
            continue
        for key in bands.get(pk, ()):
            first = first_of_band.get(key)
            if first is None:
                first_of_band[key] = pk
                new_bands.append(ClusterBand(draft_id=draft_id, band=key, opinion_id=pk))
            elif first != pk:
                compare.append((pk, first))
    texts = {pk: body for pk, body, _digest in rows}
    earlier = {first for _pk, first in compare if first not in texts}
    texts.update(Opinion.objects.filter(pk__in=earlier).values_list("pk", "body"))
    shingles: dict[int, set[str]] = {}

    def grams(pk: int) -> set[str]:
        if pk not in shingles:
            shingles[pk] = fingerprints.shingles(texts[pk])
        return shingles[pk]

    checked = set()
    for pk, first in compare:
        if (pk, first) not in checked:
            checked.add((pk, first))
            if fingerprints.jaccard(grams(first), grams(pk)) >= fingerprints.SIMILAR:
                links.append((pk, first))
    ClusterBand.objects.bulk_create(new_bands, batch_size=5000, ignore_conflicts=True)
    _merge(draft_id, [pk for pk, _body, _digest in rows], links)


def _merge(draft_id: int, new: list[int], links: list[tuple[int, int]]) -> None:
    """Union the new opinions with the groups of the earlier ones they link to, and write the groups."""
    new_set = set(new)
    earlier = {other for _pk, other in links if other not in new_set}
    # An earlier opinion's group: its group id (itself when it was alone) and the group's size.
    known = {
        pk: (cluster or pk, size)
        for pk, cluster, size in Opinion.objects.filter(pk__in=earlier).values_list("pk", "cluster", "cluster_size")
    }
    sizes = dict.fromkeys(new, 1) | dict(known.values())
    groups = _UnionFind()
    for pk, other in links:
        groups.union(pk, known[other][0] if other in known else other)
    members: dict[int, list[int]] = defaultdict(list)
    for node in sizes:
        members[groups.find(node)].append(node)
    old_roots = {root for root, _size in known.values()}
    alone, fresh, grown = [], [], []
    for root, nodes in members.items():
        size = sum(sizes[node] for node in nodes)
        if size == 1:
            alone.extend(nodes)
            continue
        old = [node for node in nodes if node in old_roots]
        if old and (old != [root] or size != sizes[root]):
            grown += [(node, root, size) for node in old]  # earlier groups joined or grew
        fresh += [(node, root, size) for node in nodes if node in new_set]
    _write_grown(draft_id, grown)
    _write_groups(fresh)
    Opinion.objects.filter(pk__in=alone).update(cluster=None, cluster_size=1, clustered=True)


def _write_grown(draft_id: int, rows: list[tuple[int, int, int]]) -> None:
    """(earlier group id, new group id, new size): every member of the earlier group takes the new id and
    size; an earlier opinion that was alone has no group id yet, its own id is the old one."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        olds, roots, sizes = (list(column) for column in zip(*rows, strict=True))
        values = "(SELECT unnest(%s::bigint[]) AS old, unnest(%s::bigint[]) AS root, unnest(%s::int[]) AS size) v"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE comments_opinion o SET cluster = v.root, cluster_size = v.size FROM {values}"  # noqa: S608
                " WHERE o.draft_id = %s AND o.cluster = v.old",
                [olds, roots, sizes, draft_id],
            )
            cursor.execute(
                f"UPDATE comments_opinion o SET cluster = v.root, cluster_size = v.size FROM {values}"  # noqa: S608
                " WHERE o.id = v.old AND o.cluster IS NULL",
                [olds, roots, sizes],
            )
        return
    for old, root, size in rows:
        Opinion.objects.filter(draft_id=draft_id, cluster=old).update(cluster=root, cluster_size=size)
        Opinion.objects.filter(pk=old, cluster__isnull=True).update(cluster=root, cluster_size=size)


def _write_groups(rows: list[tuple[int, int, int]]) -> None:
    """(opinion, group id, group size) for new opinions: one statement on PostgreSQL, one per group elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        ids, roots, sizes = (list(column) for column in zip(*rows, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE comments_opinion o SET cluster = v.root, cluster_size = v.size, clustered = true FROM"
                " (SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS root, unnest(%s::int[]) AS size) v"
                " WHERE o.id = v.id",
                [ids, roots, sizes],
            )
        return
    by_group: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, root, size in rows:
        by_group[(root, size)].append(pk)
    for (root, size), pks in by_group.items():
        Opinion.objects.filter(pk__in=pks).update(cluster=root, cluster_size=size, clustered=True)


def regroup_pending() -> int:
    """The schedule's safety net (every few minutes): place whatever no task placed yet (online posts, a task
    lost with its worker) in every draft that has some. Returns how many were placed."""
    drafts = (
        Opinion.objects.filter(clustered=False, parent__isnull=True)
        .exclude(moderation_state=ModerationState.WITHDRAWN)
        .values_list("draft_id", flat=True)
        .distinct()
    )
    return sum(draft_clusters_update(draft_id) for draft_id in list(drafts))


def draft_clusters_rebuild(draft_id: int, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Group the draft's opinions again from nothing (after withdrawals, or a change of the rules)."""
    with transaction.atomic():
        ClusterBand.objects.filter(draft_id=draft_id).delete()
        Opinion.objects.filter(draft_id=draft_id, parent__isnull=True).update(
            cluster=None, cluster_size=1, clustered=False
        )
    return draft_clusters_update(draft_id, progress=progress)
