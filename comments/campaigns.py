"""Campaigns: the same or nearly the same text from many users, flagged for staff.

Posting stays lean: opinions are compared after they are posted, in batches (a task queued after each
commit, coalesced, and a schedule every minute as a safety net), with one query for the batch's MinHash
band neighbours and one for their texts. An opinion is a campaign's when at least
OPINION_CAMPAIGN_AUTHORS different authors sent it or a near twin (character-trigram Jaccard ≥
fingerprints.SIMILAR); once a text is known as a campaign's, later twins join it without counting again.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from cms.schedules import queue_after_commit
from comments import fingerprints
from comments.models import Channel, Opinion, OpinionFingerprint

BATCH = 2000
CANDIDATES = 50  # most recent opinions sharing a band that an opinion is compared with
QUEUED = "comments:campaign-check-queued"


def schedule_check() -> None:
    """After a commit, queue a check (coalesced: see cms.schedules.queue_after_commit)."""
    queue_after_commit(QUEUED, "comments.tasks.check_campaigns")


def check_all() -> int:
    """Check every unchecked online opinion, a batch at a time; returns how many were checked."""
    checked = 0
    while True:
        count = check_batch()
        checked += count
        if count < BATCH:
            return checked


def check_batch(limit: int = BATCH) -> int:
    """Fingerprint and compare the oldest `limit` unchecked online opinions, in posting order."""
    with transaction.atomic():
        batch = list(
            Opinion.objects.filter(campaign_checked=False, channel=Channel.ONLINE)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "draft_id", "author_id", "body")[:limit]
        )
        if not batch:
            return 0
        keys = {pk: fingerprints.band_keys(body) for pk, _draft, _author, body in batch}
        neighbours = _neighbours(batch, keys)
        texts, authors, flagged = {}, {}, set()
        earlier = Opinion.objects.filter(pk__in={pk for ids in neighbours.values() for pk in ids})
        for pk, body, author_id, is_campaign in earlier.values_list("pk", "body", "author_id", "is_campaign"):
            texts[pk], authors[pk] = body, author_id
            if is_campaign:
                flagged.add(pk)
        new_flags, rows = set(), []
        grams = _Trigrams(texts)
        for pk, draft_id, author_id, body in batch:
            texts[pk], authors[pk] = body, author_id
            if not keys[pk]:
                continue
            ids = sorted({i for key in keys[pk] for i in neighbours.get((draft_id, key), ())}, reverse=True)
            if _is_campaign(pk, author_id, ids[:CANDIDATES], grams, authors, flagged, new_flags):
                flagged.add(pk)
            for key in keys[pk]:
                neighbours[(draft_id, key)].append(pk)  # later opinions of this batch compare with it
                rows.append((pk, draft_id, key))
        _insert_fingerprints(rows)
        if new_flags:
            Opinion.objects.filter(pk__in=new_flags, is_campaign=False).update(is_campaign=True)
        Opinion.objects.filter(pk__in=[row[0] for row in batch]).update(campaign_checked=True)
    return len(batch)


def _neighbours(batch, keys) -> defaultdict:
    """(draft, band) → ids of the CANDIDATES most recent earlier opinions with that band, oldest first."""
    wanted = defaultdict(set)
    for pk, draft_id, _author, _body in batch:
        wanted[draft_id].update(keys[pk])
    neighbours = defaultdict(list)
    for draft_id, bands in wanted.items():
        if not bands:
            continue
        if connection.vendor == "postgresql":  # one array parameter, not 16,000 placeholders
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT band, opinion_id FROM (SELECT band, opinion_id, ROW_NUMBER() OVER "
                    "(PARTITION BY band ORDER BY opinion_id DESC) AS newest FROM comments_opinionfingerprint "
                    "WHERE draft_id = %s AND band = ANY(%s)) f WHERE newest <= %s ORDER BY opinion_id",
                    [draft_id, list(bands), CANDIDATES],
                )
                rows = cursor.fetchall()
        else:
            newest = Window(RowNumber(), partition_by=[F("band")], order_by=F("opinion_id").desc())
            rows = (
                OpinionFingerprint.objects.filter(draft_id=draft_id, band__in=bands)
                .annotate(newest=newest)
                .filter(newest__lte=CANDIDATES)
                .order_by("opinion_id")
                .values_list("band", "opinion_id")
            )
        for band, opinion_id in rows:
            neighbours[(draft_id, band)].append(opinion_id)
    return neighbours


def _insert_fingerprints(rows: list[tuple[int, int, int]]) -> None:
    """(opinion, draft, band) rows: three arrays in one statement on PostgreSQL (no model instances)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        opinions, drafts, bands = (list(column) for column in zip(*rows, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO comments_opinionfingerprint (opinion_id, draft_id, band) "
                "SELECT * FROM UNNEST(%s::bigint[], %s::integer[], %s::bigint[])",
                [opinions, drafts, bands],
            )
        return
    OpinionFingerprint.objects.bulk_create(
        [OpinionFingerprint(opinion_id=o, draft_id=d, band=b) for o, d, b in rows], batch_size=5000
    )


def _is_campaign(pk, author_id, candidate_ids, grams, authors, flagged, new_flags) -> bool:
    """Whether this opinion belongs to a campaign; marks its twins in `new_flags` when it starts one."""
    mine = grams[pk]
    twins, seen_authors = set(), {author_id}
    # Known campaign members first: joining one needs no counting.
    for other in sorted(candidate_ids, key=lambda i: (i not in flagged, -i)):
        if other == pk:
            continue
        if fingerprints.jaccard(mine, grams[other]) < fingerprints.SIMILAR:
            continue
        if other in flagged:
            new_flags.add(pk)
            return True
        twins.add(other)
        seen_authors.add(authors.get(other))
    if len(seen_authors) >= settings.OPINION_CAMPAIGN_AUTHORS:
        new_flags.update(twins | {pk})
        flagged.update(twins)
        return True
    return False


class _Trigrams(dict):
    """Opinion id → its character trigrams, worked out once per batch (each is compared with up to 50)."""

    def __init__(self, texts: dict):
        super().__init__()
        self.texts = texts

    def __missing__(self, pk: int) -> set[str]:
        grams = self[pk] = fingerprints.shingles(self.texts.get(pk, ""))
        return grams
