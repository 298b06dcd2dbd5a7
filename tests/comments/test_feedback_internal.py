"""The public feedback page counts opinions collected internally (letters, e-mails, contact points) but never
shows their text or their proposers (issue 21, item 5)."""

import pytest
from django.urls import reverse

from comments.models import Channel, Disposition
from tests.handling.test_exports import at_contact_point, make, offline
from tests.handling.test_services import _close

pytestmark = pytest.mark.django_db


def test_feedback_counts_internal_opinions_without_their_text_or_proposer(client, draft, article, citizen):
    online = make(draft, article, author=citizen, body="网上意见：建议写明公示期限。", disposition=Disposition.ADOPTED)
    letter = offline(
        draft,
        article,
        channel=Channel.LETTER,
        proposer_name="林某",
        body="来信：电话13912345678",
        disposition="adopted",
    )
    point = at_contact_point(draft, article, proposer_name="蓝某某", body="联系点座谈意见", disposition="not_adopted")
    mail = offline(draft, None, channel=Channel.EMAIL, proposer_name="赵某", body="邮件意见全文", disposition="adopted")
    _close(draft)
    url = reverse("comments:feedback", args=[draft.pk])
    summary = client.get(url).content.decode()
    assert "共收到意见 4 条" in summary  # every channel is counted
    detail = client.get(url, {"article": article.pk}).content.decode()
    assert online.body in detail
    for hidden in (letter.body, point.body, "林某", "蓝某某", "13912345678"):
        assert hidden not in detail
    assert "另有 2 条通过来信、基层立法联系点等线下渠道收集的意见" in detail
    general = client.get(url, {"article": "general"}).content.decode()
    assert mail.body not in general and "赵某" not in general and "另有 1 条" in general


@pytest.mark.parametrize(
    "typed",
    ["林某 13912345678", "林某 139 1234 5678", "林某 139-1234-5678", "林某 +86 139 1234 5678", "lin@example.com 林某"],
)
def test_proposer_names_are_scrubbed_of_contact_details(draft, typed):
    from comments.models import Channel
    from comments.services import OfflineOpinion, opinions_import

    (opinion,) = opinions_import(
        draft=draft,
        version=draft.current_version,
        channel=Channel.LETTER,
        opinions=[OfflineOpinion(body="意见", proposer_name=typed)],
    )
    opinion.refresh_from_db()
    assert "林某" in opinion.proposer_name and "（已隐去）" in opinion.proposer_name
    assert not any(ch.isdigit() for ch in opinion.proposer_name) and "@" not in opinion.proposer_name


@pytest.mark.parametrize("state", ["internal", "pending", "hidden", "rejected", "withdrawn"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_support_of_an_opinion_one_may_not_see_is_the_404_of_a_missing_one(
    client, draft, article, citizen, state, logged_in
):
    from tests.factories import UserFactory

    if logged_in:
        client.force_login(UserFactory())
    unseen = make(draft, article, author=citizen, moderation_state=state)
    for accept in ("text/html", "application/json"):
        missing = client.post("/opinions/999999/support/", HTTP_ACCEPT=accept)
        hidden = client.post(f"/opinions/{unseen.pk}/support/", HTTP_ACCEPT=accept)
        assert missing.status_code == hidden.status_code == 404
        assert "Location" not in hidden
