"""Open data: a closed draft's articles and the opinions its feedback page shows, as JSON and CSV."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Channel, Disposition, ModerationState, Opinion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _opinion(draft, article, **fields) -> Opinion:
    values = {
        "draft": draft,
        "version": draft.current_version,
        "article": article,
        "moderation_state": ModerationState.PUBLISHED,
        "disposition": Disposition.ADOPTED,
    }
    values.update(fields)
    return Opinion.objects.create(**values)


def _close(draft):
    type(draft).objects.filter(pk=draft.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    draft.refresh_from_db()


@pytest.fixture
def handled(draft, article):
    """A closed draft with every kind of opinion the feedback page treats differently."""
    named = UserFactory(username="zhang", display_name="老张", email="zhang@example.com", phone="13912345678")
    anonymous = UserFactory(username="li", display_name="", email="li@example.com")
    made = {
        "public": _opinion(
            draft, article, author=named, body="建议延长期限", disposition_reason="已采纳", ip_address="10.1.2.3"
        ),
        "private_reason": _opinion(
            draft,
            article,
            author=named,
            body='=HYPERLINK("http://evil")',
            disposition=Disposition.NOT_ADOPTED,
            disposition_reason="内部掌握的理由",
            reason_public=False,
            support_count=7,
        ),
        "anonymous_1": _opinion(draft, article, author=anonymous, body="我的电话 139 1234 5678 请联系"),
        "anonymous_2": _opinion(draft, None, author=anonymous, body="对整体的意见"),
        "undecided": _opinion(draft, article, author=named, body="尚未处理的意见", disposition=Disposition.UNDECIDED),
        "pending": _opinion(
            draft, article, author=named, body="待审核的意见", moderation_state=ModerationState.PENDING
        ),
        "internal": _opinion(
            draft,
            article,
            channel=Channel.LETTER,
            proposer_name="王某某",
            body="来信内容不公开",
            moderation_state=ModerationState.INTERNAL,
        ),
    }
    _close(draft)
    return made


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


SECRETS = (
    "zhang@example.com",
    "li@example.com",
    "13912345678",
    "10.1.2.3",
    "王某某",
    "来信内容不公开",
    "内部掌握的理由",
)


def test_json_dataset_holds_what_the_feedback_page_shows(client, draft, article, handled):
    response = client.get(f"/api/v1/open-data/drafts/{draft.pk}/dataset.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    text = b"".join(response.streaming_content).decode()
    data = json.loads(text)
    assert data["licence"]["name"] == "CC BY 4.0" and data["dictionary"].endswith("/api/v1/open-data/")
    assert data["draft"]["id"] == draft.pk
    ids = {o["opinion_id"] for o in data["opinions"]}
    expected = {handled[k].pk for k in ("public", "private_reason", "anonymous_1", "anonymous_2")}
    assert ids == expected  # no undecided, pending or internal opinion
    by_id = {o["opinion_id"]: o for o in data["opinions"]}
    assert by_id[handled["public"].pk]["reason"] == "已采纳"
    assert by_id[handled["public"].pk]["author"] == "老张"
    assert by_id[handled["private_reason"].pk]["reason"] == ""
    assert by_id[handled["anonymous_1"].pk]["author"] == "匿名"
    assert "（已隐去）" in by_id[handled["anonymous_1"].pk]["body"]
    assert by_id[handled["anonymous_2"].pk]["article_label"] == "对草案整体的意见"
    row = next(a for a in data["articles"] if a["article_id"] == article.pk)
    # Counts include the internal letter and the undecided one, as the feedback page's table does.
    assert row["opinions_counted"] == 5
    assert (row["opinions_adopted"], row["opinions_not_adopted"], row["opinions_undecided"]) == (3, 1, 1)
    assert len([a for a in data["articles"] if a["article_id"]]) == 10
    for secret in SECRETS + ("1234 5678",):
        assert secret not in text


def test_opinions_csv_guards_formulas_and_hides_personal_data(client, draft, handled):
    response = client.get(f"/api/v1/open-data/drafts/{draft.pk}/opinions.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    header, body = rows[0], rows[1:]
    assert header[0] == "opinion_id" and "reason" in header
    bodies = {r[header.index("body")] for r in body}
    assert '\'=HYPERLINK("http://evil")' in bodies
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in body for cell in r)
    flat = "\n".join(",".join(r) for r in rows)
    for secret in SECRETS:
        assert secret not in flat


def test_articles_csv_has_every_article_and_the_general_row(client, draft, handled):
    rows = _csv(client.get(f"/api/v1/open-data/drafts/{draft.pk}/articles.csv"))
    header = rows[0]
    labels = [r[header.index("label")] for r in rows[1:]]
    assert labels[0] == "对草案整体的意见" and len(labels) == 11
    assert labels[1] == "第一条"


def test_polis_comments_and_summary_follow_the_polis_layout(client, draft, handled):
    response = client.get(f"/api/v1/open-data/drafts/{draft.pk}/polis/comments.csv")
    raw = b"".join(response.streaming_content)
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark: Polis tools read the header as is
    rows = list(csv.reader(io.StringIO(raw.decode())))
    assert rows[0] == [
        "timestamp",
        "datetime",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "comment-body",
    ]
    by_id = {int(r[2]): r for r in rows[1:]}
    assert set(by_id) == {handled[k].pk for k in ("public", "private_reason", "anonymous_1", "anonymous_2")}
    named = {by_id[handled[k].pk][3] for k in ("public", "private_reason")}
    anonymous = {by_id[handled[k].pk][3] for k in ("anonymous_1", "anonymous_2")}
    assert len(named) == 1 and len(anonymous) == 2 and not named & anonymous  # anonymous ones stay unlinked
    assert by_id[handled["private_reason"].pk][4:7] == ["7", "0", "1"]
    assert int(by_id[handled["public"].pk][0]) == int(handled["public"].created_at.timestamp())
    summary = dict(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(f"/api/v1/open-data/drafts/{draft.pk}/polis/summary.csv").streaming_content
                ).decode()
            )
        )
    )
    assert summary["topic"] == draft.title and summary["comments"] == "4" and summary["commenters"] == "3"


def test_open_draft_has_no_dataset_and_errors_are_json(client, draft):
    response = client.get(f"/api/v1/open-data/drafts/{draft.pk}/dataset.json", HTTP_ACCEPT="text/csv")
    assert response.status_code == 404 and response.json()["code"] == "not_closed"
    assert client.get("/api/v1/open-data/drafts/999999/opinions.csv").json()["code"] == "not_found"
    draft.unpublish()
    assert client.get(f"/api/v1/open-data/drafts/{draft.pk}/articles.csv").status_code == 404


def test_downloads_are_limited_per_address(client, draft, handled, monkeypatch):
    from api import views_open_data

    monkeypatch.setattr(views_open_data, "DOWNLOADS_PER_WINDOW", 2)
    url = f"/api/v1/open-data/drafts/{draft.pk}/polis/summary.csv"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and refused["Retry-After"] and refused.json()["code"] == "throttled"


def test_data_dictionary_describes_every_column_and_the_licence(client, draft, handled):
    from api import opendata

    response = client.get("/api/v1/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "CC BY 4.0" in html and 'rel="license"' in html
    for _type, _description, columns in opendata.FILES.values():
        for column in columns or []:
            assert f"<code>{column.name}</code>" in html
    assert f"/api/v1/open-data/drafts/{draft.pk}/dataset.json" in html
    assert "votes.csv" in html  # why there is none is said


def test_data_dictionary_in_english(client, draft, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switcher's choice
    html = client.get("/api/v1/open-data/").content.decode()
    assert "Data dictionary" in html
    assert "Of these, opinions with the outcome" in html  # translated when shown, not when imported
