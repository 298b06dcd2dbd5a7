"""The public read-only API: what the public pages show, as JSON, with 304s and JSON errors."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.models import Channel, Disposition, ModerationState, Opinion, Proposal
from tests.factories import DraftFactory, UserFactory, sample_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(username="zhang", display_name="老张", email="zhang@example.com", phone="13912345678")


def _post(**kwargs) -> Opinion:
    """An opinion posted as a citizen posts one, then published (as moderation would)."""
    opinion, _ = services.opinion_post(**kwargs)
    Opinion.objects.filter(pk=opinion.pk).update(moderation_state=ModerationState.PUBLISHED)
    opinion.refresh_from_db()
    return opinion


def _get(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def test_drafts_list_filters_by_status_stage_and_year(client, draft, draft_index):
    closed = DraftFactory(index=draft_index, slug="old", closed=True, title="已结束的条例（草案）")
    body = _get(client, "/api/v1/drafts/").json()
    assert {d["id"] for d in body} == {draft.pk, closed.pk}
    assert [d["id"] for d in _get(client, "/api/v1/drafts/?status=open").json()] == [draft.pk]
    assert [d["id"] for d in _get(client, "/api/v1/drafts/?status=closed").json()] == [closed.pk]
    assert _get(client, "/api/v1/drafts/?status=drafting").json() == []
    year = timezone.localtime(draft.opens_at).year
    assert len(_get(client, f"/api/v1/drafts/?year={year}").json()) >= 1
    assert _get(client, "/api/v1/drafts/?year=1999").json() == []
    assert len(_get(client, f"/api/v1/drafts/?stage={draft.stage}").json()) == 2


def test_unpublished_draft_is_not_found(client, draft):
    draft.unpublish()
    response = _get(client, f"/api/v1/drafts/{draft.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _get(client, "/api/v1/drafts/").json() == []


def test_draft_version_tree_and_article(client, draft, article):
    body = _get(client, f"/api/v1/drafts/{draft.pk}/").json()
    assert body["versions"][0]["number"] == 1
    tree = _get(client, f"/api/v1/drafts/{draft.pk}/versions/1/").json()
    chapters = tree["provisions"]
    assert [c["kind"] for c in chapters] == ["chapter", "chapter"]
    numbers = [a["number"] for c in chapters for a in c["children"] if a["kind"] == "article"]
    assert numbers == list(range(1, 11))
    one = _get(client, f"/api/v1/articles/{article.pk}/").json()
    assert (one["number"], one["draft"], one["version"]) == (5, draft.pk, 1)
    assert _get(client, f"/api/v1/drafts/{draft.pk}/versions/9/").status_code == 404


def test_only_published_opinions_under_public_names_with_proposal(client, draft, article, author):
    shown = _post(user=author, draft=draft, body="建议延长期限", article_id=article.pk, ip="10.1.2.3")
    Proposal.objects.create(opinion=shown, kind="modify", base_text=article.text, text="新的写法")
    Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        channel=Channel.CONTACT_POINT,
        proposer_name="王某某",
        body="线下意见不公开",
        moderation_state=ModerationState.INTERNAL,
    )
    Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=author,
        body="待审核的意见",
        moderation_state=ModerationState.PENDING,
    )
    response = _get(client, f"/api/v1/articles/{article.pk}/opinions/")
    results = response.json()["results"]
    assert [o["body"] for o in results] == ["建议延长期限"]
    assert results[0]["author"] == "老张"
    assert results[0]["proposal"] == {"kind": "modify", "base_text": article.text, "text": "新的写法"}
    text = response.content.decode()
    for secret in ("zhang@example.com", "13912345678", "10.1.2.3", "zhang", "王某某", "线下意见不公开"):
        assert secret not in text.replace("老张", "")


def test_cursor_pagination_newest_and_most_supported(client, draft, article, author):
    made = [
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            author=author,
            body=f"意见{i}",
            moderation_state=ModerationState.PUBLISHED,
        )
        for i in range(25)
    ]
    Opinion.objects.filter(pk=made[3].pk).update(support_count=9)
    first = _get(client, f"/api/v1/articles/{article.pk}/opinions/").json()
    assert len(first["results"]) == 20 and first["results"][0]["id"] == made[-1].pk
    second = _get(client, f"/api/v1/articles/{article.pk}/opinions/?cursor={first['next_cursor']}").json()
    assert len(second["results"]) == 5 and second["next_cursor"] == ""
    assert {o["id"] for o in first["results"] + second["results"]} == {o.pk for o in made}
    top = _get(client, f"/api/v1/articles/{article.pk}/opinions/?sort=top").json()
    assert top["results"][0]["id"] == made[3].pk


def test_etag_and_last_modified_give_304(client, draft):
    url = f"/api/v1/drafts/{draft.pk}/"
    first = _get(client, url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    draft.title = "改过的标题"
    draft.save_revision().publish()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["title"] == "改过的标题"


def test_feedback_and_statistics_only_after_closing(client, draft, article, author):
    assert _get(client, f"/api/v1/drafts/{draft.pk}/feedback/").status_code == 404
    assert _get(client, f"/api/v1/drafts/{draft.pk}/statistics/").status_code == 404
    opinion = _post(user=author, draft=draft, body="请修改", article_id=article.pk, ip="10.9.9.9")
    Opinion.objects.filter(pk=opinion.pk).update(
        disposition=Disposition.ADOPTED, disposition_reason="内部理由", reason_public=False
    )
    DraftPageModel = type(draft)
    DraftPageModel.objects.filter(pk=draft.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    feedback = _get(client, f"/api/v1/drafts/{draft.pk}/feedback/").json()
    assert feedback["total"] == 1 and feedback["totals"]["adopted"] == 1
    page = _get(client, f"/api/v1/drafts/{draft.pk}/feedback/opinions/?article={article.pk}")
    row = page.json()["results"][0]
    assert (row["body"], row["disposition"], row["reason"], row["author"]) == ("请修改", "adopted", "", "老张")
    assert "10.9.9.9" not in page.content.decode() and "zhang@example.com" not in page.content.decode()
    stats = _get(client, f"/api/v1/drafts/{draft.pk}/statistics/").json()
    assert stats["data"]["total"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/drafts/?status=nope",
        "/api/v1/drafts/?year=abc",
        "/api/v1/drafts/?page=-1",
        "/api/v1/drafts/?page=99999999999999999999",
        "/api/v1/drafts/?stage=%00",
        "/api/v1/drafts/{draft}/opinions/?sort=x",
        "/api/v1/drafts/{draft}/opinions/?cursor=zz",
        "/api/v1/articles/{article}/opinions/?sort=top&cursor=1-",
        "/api/v1/drafts/{draft}/feedback/opinions/?article=x",
        "/api/v1/drafts/99999999/",
        "/api/v1/articles/99999999/",
        "/api/v1/nothing/",
    ],
)
def test_garbage_gets_a_json_error_with_code_and_chinese_message(client, draft, article, url):
    response = client.get(url.format(draft=draft.pk, article=article.pk))
    assert 400 <= response.status_code < 500
    if url != "/api/v1/nothing/":
        body = response.json()
        assert body["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_writes_are_refused_as_json(client, draft):
    response = client.post(f"/api/v1/drafts/{draft.pk}/", data="{bad json", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_schema_and_local_docs(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/articles/{provision_id}/opinions/" in paths
    assert all(p.startswith("/api/v1/") for p in paths)
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_tree_and_opinion_pages_cost_a_fixed_number_of_queries(client, draft, draft_index, article, author):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count(f"/api/v1/drafts/{draft.pk}/versions/1/")
    big = DraftFactory(index=draft_index, slug="big", text=sample_text(60))
    assert count(f"/api/v1/drafts/{big.pk}/versions/1/") == small
    few = count(f"/api/v1/articles/{article.pk}/opinions/")
    for i in range(15):
        opinion = Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            author=author,
            body=f"意见{i}",
            moderation_state=ModerationState.PUBLISHED,
        )
        Proposal.objects.create(opinion=opinion, kind="modify", base_text="", text="新写法")
    assert count(f"/api/v1/articles/{article.pk}/opinions/") <= few + 1  # + the proposals' one query
