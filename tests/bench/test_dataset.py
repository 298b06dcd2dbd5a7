"""The benchmark data set is what the benchmarks claim it is: shape, skew and kept counters."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import Count, F

from bench.dataset import ARTICLES, HOT_SHARE, civil_code_text, generate
from comments.models import Opinion
from contact_points.models import ContactPointOpinion
from drafts.models import Provision
from drafts.parser import parse_text

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_draft_has_the_civil_codes_shape():
    result = parse_text(civil_code_text())
    assert result.articles == ARTICLES
    assert result.parts == 7
    assert result.warnings == []
    numbers = [article.number for article in result.articles_flat()]
    assert numbers == list(range(1, ARTICLES + 1))


@pytest.mark.django_db
def test_generated_opinions_are_skewed_threaded_and_counted():
    n = 3000
    dataset = generate(n, log=lambda message: None)
    opinions = Opinion.objects.filter(draft_id=dataset.draft_id)
    assert dataset.opinions == opinions.count() == n

    # A tenth on the hot article, give or take the randomness of 3,000 draws.
    hot = opinions.filter(article_id=dataset.hot_article_id).count()
    assert abs(hot / n - HOT_SHARE) < 0.03
    # The rest spread over many articles, with a long tail.
    per_article = opinions.exclude(article=None).values("article").annotate(n=Count("id"))
    assert len(per_article) > 300

    # Replies answer a top-level opinion on the same article, and the kept counters agree.
    replies = opinions.exclude(parent=None)
    assert replies.exists()
    assert not replies.exclude(parent__parent=None).exists()
    assert not replies.exclude(parent__article_id=F("article_id")).exclude(article=None).exists()
    for parent in opinions.filter(reply_count__gt=0)[:50]:
        assert parent.reply_count == parent.replies.count()
    for article in Provision.objects.filter(version_id=dataset.version_id, kind="article", opinion_count__gt=0)[:50]:
        assert article.opinion_count == opinions.filter(article=article, moderation_state="published").count()

    # Contact-point opinions, and only they, are linked to a point; online ones have an author.
    from_points = opinions.filter(channel="contact_point")
    assert ContactPointOpinion.objects.count() == from_points.count() > 0
    assert not opinions.filter(channel="online", author=None).exists()
    assert not opinions.exclude(channel="online").exclude(author=None).exists()


def test_unknown_benchmark_is_refused_by_name():
    result = subprocess.run(  # noqa: S603 - our own module with fixed arguments
        [sys.executable, "-m", "bench", "no-such-benchmark"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "unknown benchmark no-such-benchmark" in result.stderr
