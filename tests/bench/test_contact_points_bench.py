"""The contact-points benchmark at a tiny scale: its notes read as notes, and it leaves nothing behind."""

import io

import pytest
from docx import Document

from bench.contact_points import POINT_NAME, USERNAME, measure, notes_docx
from cms.models import User
from comments.models import Opinion
from contact_points.models import BatchItem, ContactPoint, ContactPointOpinion, Meeting, MeetingNote, OpinionBatch
from contact_points.notes import read_notes
from tests.factories import DraftFactory, sample_text

ARTICLES = 30


@pytest.fixture
def long_draft(draft_index):
    """The sample regulation at the benchmark's length of ARTICLES articles."""
    return DraftFactory(index=draft_index, text=sample_text(ARTICLES))


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
def test_the_benchmark_submits_once_and_removes_what_it_made(long_draft):
    figures = {figure.name: figure for figure in measure(long_draft, paragraphs=120, items=50, runs=1, render=False)}

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
