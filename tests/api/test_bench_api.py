"""The api benchmark at a tiny scale: its figures measure what they say, and it leaves nothing behind."""

import pytest
from django.test import Client

from api.models import ApiToken, ApiTokenUse, IdempotentRequest
from bench.api import POINT_NAME, USERNAME, measure_batch, measure_reads
from bench.dataset import Dataset
from cms.models import User
from comments.models import ModerationState, Opinion
from contact_points.models import ContactPoint, ContactPointOpinion, OpinionBatch

pytestmark = pytest.mark.django_db


def test_reads_follow_the_cursor_to_the_page_asked_for(draft, article):
    Opinion.objects.bulk_create(
        Opinion(
            draft=draft,
            version=draft.current_version,
            article=article,
            body=f"意见{i}",
            moderation_state=ModerationState.PUBLISHED,
        )
        for i in range(65)
    )
    dataset = Dataset(draft.pk, draft.current_version_id, draft.url, article.pk, 65)
    figures = {f.name: f for f in measure_reads(Client(), dataset, log=lambda m: None, pages_deep=5)}
    assert set(figures) == {"api.draft_p50_ms", "api.draft_queries", "api.opinions_page_p50_ms"}
    assert figures["api.draft_p50_ms"].note.startswith("10-article tree")
    # 65 opinions, 20 a page: the cursor stops at the fourth page, which holds the last 5.
    assert "page 4 by cursor, 5 opinions" in figures["api.opinions_page_p50_ms"].note
    assert 0 < figures["api.draft_queries"].value < 10


def test_batch_goes_in_one_request_over_djangos_limit_replays_add_nothing_and_all_is_removed(draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 6000  # 60 opinions of ~250 bytes are over it: the endpoint's own limit
    figures = {f.name: f for f in measure_batch(Client(), draft, log=lambda m: None, count=60)}
    assert figures["api.batch_replay_rows"].value == 0
    note = figures["api.batch_10k_s"].note
    assert "60 opinions" in note and "in one request" in note and "16,777,216" in note
    assert not ContactPoint.objects.filter(name=POINT_NAME).exists()
    assert not User.objects.filter(username=USERNAME).exists()
    for model in (Opinion, ContactPointOpinion, OpinionBatch, IdempotentRequest, ApiToken, ApiTokenUse):
        assert not model.objects.exists(), model


def test_batch_over_the_endpoints_limit_stops_the_benchmark_and_leaves_nothing(draft, settings):
    settings.API_BATCH_MAX_BYTES = 2000
    with pytest.raises(RuntimeError, match="over API_BATCH_MAX_BYTES"):
        measure_batch(Client(), draft, log=lambda m: None, count=60)
    assert not ContactPoint.objects.filter(name=POINT_NAME).exists()
    assert not ApiToken.objects.exists()


def test_fuzz_figure_on_its_own_small_world_leaves_nothing(draft_index):
    from bench.api import _fuzz_figure
    from drafts.models import DraftPage
    from referrals.models import Department, Referral

    figure = _fuzz_figure(Client(), log=lambda m: None, examples=5)
    assert figure.name == "api.fuzz_failures" and figure.value == 0, figure.note
    assert "Schemathesis: " in figure.note and "every operation of /api/v1/schema/" in figure.note
    assert not DraftPage.objects.filter(slug__startswith="api-fuzz").exists()
    for model in (Opinion, Referral, Department, ApiToken, ContactPoint):
        assert not model.objects.exists(), model
