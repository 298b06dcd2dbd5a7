"""Groups of identical and nearly identical opinions (campaigns) across every channel of a draft.

Identical texts (after normalisation) share a text hash; near-identical ones share a MinHash band
(comments.fingerprints) and are then checked on their real trigram overlap. Groups are the connected
components of those links (union-find); each opinion stores its group's smallest id and its size,
so the staff workspace filters and shows them without computing anything per request.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from comments import fingerprints
from comments.models import ModerationState, Opinion


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


def draft_clusters_update(draft_id: int) -> int:
    """Recompute the groups of one draft's top-level opinions. Returns the number of groups."""
    rows = list(
        Opinion.objects.filter(draft_id=draft_id, parent__isnull=True)
        .exclude(moderation_state=ModerationState.WITHDRAWN)
        .values_list("pk", "body")
        .order_by("pk")
    )
    found = group_texts(rows)
    wanted = {pk: (root, len(members)) for root, members in found.items() for pk in members}
    current = Opinion.objects.filter(draft_id=draft_id, parent__isnull=True).values_list(
        "pk", "cluster", "cluster_size"
    )
    changed = []
    for pk, cluster, size in current.iterator(chunk_size=5000):
        target = wanted.get(pk, (None, 1))
        if (cluster, size) != target:
            changed.append(Opinion(pk=pk, cluster=target[0], cluster_size=target[1]))
    with transaction.atomic():
        Opinion.objects.bulk_update(changed, ["cluster", "cluster_size"], batch_size=2000)
    return len(found)
