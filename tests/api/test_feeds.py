"""RSS/Atom feeds of drafts opened for comment and of feedback published."""

import pytest
from django.urls import reverse

from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


def test_drafts_feed_lists_opened_drafts_and_feedback_feed_closed_ones(client, draft, draft_index):
    closed = DraftFactory(index=draft_index, slug="old", closed=True, title="已结束的条例（草案）")
    rss = client.get("/feeds/drafts.rss")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    text = rss.content.decode()
    assert "示例条例（草案）" in text and "已结束的条例（草案）" in text
    atom = client.get("/feeds/feedback.atom").content.decode()
    assert "<feed" in atom and reverse("comments:feedback", args=[closed.pk]) in atom
    assert "示例条例（草案）" not in atom
    draft.unpublish()
    assert "示例条例（草案）" not in client.get("/feeds/drafts.atom").content.decode()
