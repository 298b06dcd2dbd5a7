"""Issue 22: the public feedback of a large draft is read a hundred articles at a time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.views import FEEDBACK_ROWS
from drafts.models import DraftPage
from tests.factories import DraftFactory, sample_text

pytestmark = pytest.mark.django_db


def test_a_large_drafts_feedback_table_is_paged(client, draft_index):
    from comments.models import Disposition, ModerationState, Opinion

    draft = DraftFactory(index=draft_index, slug="big", text=sample_text(FEEDBACK_ROWS + 30))
    articles = list(draft.current_version.provisions.filter(kind="article").order_by("position"))
    for article in articles:
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            body="意见。",
            moderation_state=ModerationState.PUBLISHED,
            disposition=Disposition.NOT_ADOPTED,
        )
    DraftPage.objects.filter(pk=draft.pk).update(closes_at=timezone.now() - timedelta(days=1))
    first = client.get(f"/opinions/drafts/{draft.pk}/feedback/").content.decode()
    assert f">{articles[FEEDBACK_ROWS - 1].label}<" in first and f">{articles[FEEDBACK_ROWS].label}<" not in first
    assert "第 1 页，共 2 页" in first
    second = client.get(f"/opinions/drafts/{draft.pk}/feedback/?page=2").content.decode()
    assert f">{articles[FEEDBACK_ROWS].label}<" in second and f">{articles[0].label}<" not in second
