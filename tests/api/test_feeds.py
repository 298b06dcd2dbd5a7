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


def test_contact_point_feed_lists_the_drafts_sent_to_it_and_nothing_else(client, draft, draft_index, staff):
    from datetime import timedelta

    from django.utils import timezone

    from contact_points.services import solicitation_send
    from tests.factories import ContactPointFactory

    point, other = ContactPointFactory(name="湖滨街道联系点"), ContactPointFactory(name="西湖联系点")
    elsewhere = DraftFactory(index=draft_index, slug="elsewhere", title="只发给别处的条例（草案）")
    deadline = timezone.now() + timedelta(days=7)
    solicitation_send(staff=staff, draft=draft, deadline=deadline, contact_points=[point], note="内部提示：重点问物业")
    solicitation_send(staff=staff, draft=elsewhere, deadline=deadline, contact_points=[other])
    rss = client.get(f"/feeds/contact-points/{point.pk}.rss")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    text = rss.content.decode()
    assert "湖滨街道联系点" in text and "示例条例（草案）" in text
    assert timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") in text
    assert "只发给别处的条例" not in text and "内部提示" not in text
    atom = client.get(f"/feeds/contact-points/{other.pk}.atom").content.decode()
    assert "<feed" in atom and "只发给别处的条例" in atom and "示例条例（草案）" not in atom
    draft.unpublish()
    assert "示例条例（草案）" not in client.get(f"/feeds/contact-points/{point.pk}.rss").content.decode()
    point.is_active = False
    point.save()
    assert client.get(f"/feeds/contact-points/{point.pk}.rss").status_code == 404
    assert client.get("/feeds/contact-points/999999.atom").status_code == 404
