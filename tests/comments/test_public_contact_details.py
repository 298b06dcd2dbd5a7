"""Public pages and the public API blank the contact details a proposer typed into a published opinion or a
proposer's name (issue 21 item 7; found by the probe, tests/probe/test_redaction.py)."""

import pytest
from django.urls import reverse

from comments.models import Disposition, ModerationState, Opinion
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

DETAILS = "电话 139 1234 5678，座机 0571-8765-4321，邮箱 zhang@example.com"


@pytest.fixture
def published(draft, article, citizen):
    return Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=citizen,
        body=f"建议公开物业费用。{DETAILS}",
        moderation_state=ModerationState.PUBLISHED,
    )


def _clean(html: str) -> bool:
    return "建议公开物业费用" in html and "5678" not in html and "8765" not in html and "zhang@example.com" not in html


def test_the_thread_page_blanks_contact_details(client, published, article):
    assert _clean(client.get(reverse("comments:article_thread", args=[article.pk])).content.decode())


def test_the_public_api_blanks_contact_details(client, published, article):
    assert _clean(client.get(reverse("api:article_opinions", args=[article.pk])).content.decode())


def test_the_report_page_blanks_contact_details(client, published, other):
    client.force_login(other)
    assert _clean(client.get(reverse("comments:report", args=[published.pk])).content.decode())


def test_the_feedback_page_blanks_contact_details_and_proposer_names(client, draft_index):
    closed = DraftFactory(index=draft_index, slug="closed", closed=True)
    article = closed.current_version.provisions.get(kind="article", number=5)
    Opinion.objects.create(
        draft=closed,
        version=closed.current_version,
        article=article,
        proposer_name="林某 13912345678",
        body=f"建议公开物业费用。{DETAILS}",
        moderation_state=ModerationState.PUBLISHED,
        disposition=Disposition.ADOPTED,
        disposition_reason="采纳。",
        reason_public=True,
    )
    for url in (
        reverse("comments:feedback", args=[closed.pk]) + f"?article={article.pk}",
        reverse("api:feedback_opinions", args=[closed.pk]) + f"?article={article.pk}",
    ):
        html = client.get(url).content.decode()
        assert _clean(html) and "林某" in html and "13912345678" not in html, url
