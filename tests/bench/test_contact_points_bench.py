"""The contact-points benchmark at a tiny scale: its notes read as notes, and it leaves nothing behind."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from bench.contact_points import POINT_NAME, USERNAME, measure, notes_docx
from cms.models import User
from comments.models import Opinion
from contact_points.models import BatchItem, ContactPoint, ContactPointOpinion, Meeting, MeetingNote, OpinionBatch
from contact_points.notes import read_notes
from drafts.numerals import to_chinese
from drafts.parser import parse_text
from drafts.services import draft_create

ARTICLES = 30


@pytest.fixture
def draft(draft_index):
    articles = [f"第{to_chinese(n)}条　第{to_chinese(n)}条规定业主的权利。" for n in range(1, ARTICLES + 1)]
    text = "\n".join(["示例条例", "第一章　总则", *articles])
    now = timezone.now()
    return draft_create(
        index=draft_index,
        result=parse_text(text),
        title="示例条例（草案）",
        slug="sample",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        publish=True,
    )


def test_the_notes_have_the_paragraphs_asked_for_and_read_into_candidates():
    data = notes_docx(ARTICLES, paragraphs=400)
    document = Document(io.BytesIO(data))
    assert len(document.paragraphs) + sum(len(table.rows) for table in document.tables) == 400

    candidates = read_notes(data, known_articles=set(range(1, ARTICLES + 1)))
    assert 0.6 * 400 < len(candidates) < 400
    assert all(len(candidate.body) <= 120 for candidate in candidates)
    tied = [candidate for candidate in candidates if candidate.article]
    assert 0.5 * len(candidates) < len(tied) < len(candidates)  # most under an article, some general
    assert all(1 <= candidate.article <= ARTICLES for candidate in tied)
    assert sum(bool(candidate.proposer) for candidate in candidates) > len(candidates) / 3


@pytest.mark.django_db
def test_the_benchmark_submits_once_and_removes_what_it_made(draft):
    figures = {figure.name: figure for figure in measure(draft, paragraphs=120, items=50, runs=1, render=False)}

    assert set(figures) == {
        "contact_points.notes_100p_s",
        "contact_points.batch_10k_s",
        "contact_points.resubmit_rows",
    }
    assert figures["contact_points.resubmit_rows"].value == 0
    assert figures["contact_points.notes_100p_s"].value > 0
    assert not ContactPoint.objects.filter(name=POINT_NAME).exists()
    assert not User.objects.filter(username=USERNAME).exists()
    for model in (Opinion, ContactPointOpinion, OpinionBatch, BatchItem, Meeting, MeetingNote):
        assert not model.objects.exists(), model
