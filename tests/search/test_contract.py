"""One contract for both backends: always on the database backend, on Elasticsearch when ELASTICSEARCH_URL is set."""

import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cms.roles import Role
from comments.models import Channel, ModerationState, Opinion
from contact_points.models import ContactPointOpinion
from search import selectors, services
from tests.factories import ContactPointFactory, DepartmentFactory, DraftFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "\n\n".join(
    [
        "示例物业条例",
        "第一章 总则",
        "第一条 为了规范物业管理活动，维护业主的合法权益，制定本条例。",
        "第二条 本条例所称物业服务人，包括物业服务企业和其他管理人。",
        "第三条 停车位应当首先满足业主的需要。",
        "第二章 附则",
        "第四条 本条例自公布之日起施行。",
    ]
)


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, settings):
    if request.param == "elasticsearch":
        if not os.environ.get("ELASTICSEARCH_URL"):
            pytest.skip("ELASTICSEARCH_URL is not set: the contract runs on the database backend only")
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    else:
        settings.ELASTICSEARCH_URL = ""
    return request.param


@pytest.fixture
def world(draft_index, backend):
    now = timezone.now()
    draft = DraftFactory(index=draft_index, text=TEXT, title="示例物业条例（草案）", opens_at=now - timedelta(days=3))
    article = {a.number: a for a in draft.current_version.provisions.filter(kind="article")}
    citizen = UserFactory(username="citizen", email="laozhang@example.com", display_name="老张")
    point = ContactPointFactory(name="湖滨街道联系点")
    coordinator = UserFactory(username="coord", roles=[Role.COORDINATOR])
    point.coordinators.add(coordinator)
    department = DepartmentFactory(name="房管局")
    liaison = UserFactory(username="liaison", roles=[Role.LIAISON])
    department.liaisons.add(liaison)

    def opinion(body, number=None, **fields):
        return Opinion.objects.create(
            draft=draft, version=draft.current_version, article=article.get(number), body=body, **fields
        )

    public = opinion("物业费应当每半年公示一次。", 1, author=citizen, moderation_state=ModerationState.PUBLISHED)
    pending = opinion("停车位太少，物业不管。", 3, author=citizen, moderation_state=ModerationState.PENDING)
    from_point = opinion("建议明确物业服务人的退出程序。", 2, channel=Channel.CONTACT_POINT, proposer_name="王某")
    from_point.moderation_state = ModerationState.INTERNAL
    from_point.save()
    ContactPointOpinion.objects.create(opinion=from_point, contact_point=point)
    referred = opinion("物业维修资金使用太难。", None, channel=Channel.LETTER, moderation_state="internal")
    from referrals.models import Referral

    referral = Referral.objects.create(department=department, draft=draft, deadline=now + timedelta(days=9))
    referral.opinions.add(referred)
    staff = UserFactory(username="staff", roles=[Role.STAFF])
    services.rebuild()
    return {
        "draft": draft,
        "article": article,
        "public": public,
        "pending": pending,
        "from_point": from_point,
        "referred": referred,
        "users": {"citizen": citizen, "coordinator": coordinator, "liaison": liaison, "staff": staff},
    }


def _keys(result):
    return {hit.key for hit in result.hits}


def test_a_two_character_word_is_found_everywhere_it_appears(world):
    result = selectors.search(text="物业", user=world["users"]["staff"])
    expected = {
        f"draft:{world['draft'].pk}",
        f"article:{world['article'][1].pk}",
        f"article:{world['article'][2].pk}",
        f"opinion:{world['public'].pk}",
        f"opinion:{world['pending'].pk}",
        f"opinion:{world['from_point'].pk}",
        f"opinion:{world['referred'].pk}",
    }
    assert _keys(result) == expected and result.total == len(expected)
    # "服务" stands inside "物业服务人": found all the same.
    assert f"article:{world['article'][2].pk}" in _keys(selectors.search(text="服务", user=None))


def test_each_asker_sees_only_what_they_may(world):
    users = world["users"]
    public = _keys(selectors.search(text="物业", user=None))
    assert f"opinion:{world['public'].pk}" in public
    assert not {f"opinion:{world[k].pk}" for k in ("pending", "from_point", "referred")} & public
    coordinator = _keys(selectors.search(text="物业", user=users["coordinator"]))
    assert f"opinion:{world['from_point'].pk}" in coordinator and f"opinion:{world['referred'].pk}" not in coordinator
    liaison = _keys(selectors.search(text="物业", user=users["liaison"]))
    assert f"opinion:{world['referred'].pk}" in liaison and f"opinion:{world['from_point'].pk}" not in liaison


def test_title_and_article_number_matches_rank_first(world):
    result = selectors.search(text="物业条例", user=None)
    assert result.hits[0].key == f"draft:{world['draft'].pk}"
    numbered = selectors.search(text="第三条", user=None, draft_id=world["draft"].pk)
    assert numbered.hits and numbered.hits[0].key == f"article:{world['article'][3].pk}"


def test_facets_count_the_whole_result(world):
    result = selectors.search(text="物业", user=world["users"]["staff"])
    channels = {f.value: f.count for f in result.facets["channel"]}
    assert channels == {"online": 2, "contact_point": 1, "letter": 1}
    filtered = selectors.search(text="物业", user=world["users"]["staff"], filters={"channel": "online"})
    assert filtered.total == 2 and {h.kind for h in filtered.hits} == {"opinion"}
    chapters = {f.label: f.count for f in result.facets["chapter"]}
    assert chapters == {"第一章 总则": 2}


def test_highlights_are_marked_and_escaped(world):
    Opinion.objects.filter(pk=world["public"].pk).update(body="<script>alert(1)</script>物业费应当公示")
    services.rebuild()
    hit = next(h for h in selectors.search(text="物业费", user=None).hits if h.kind == "opinion")
    assert "<mark>物业费</mark>" in "".join(hit.fragments) and "<script>" not in "".join(hit.fragments)


@pytest.mark.parametrize(
    "text", ["", " ", "物", "AND (", '"', "*", "\\", "'; DROP TABLE search_searchentry; --", "物业" * 5000, "%_%"]
)
def test_bad_queries_give_sensible_answers(world, text):
    result = selectors.search(text=text, user=None)
    assert result.total >= 0
    assert selectors.search(text="物业", user=None).total > 0  # nothing was dropped


def test_new_opinions_are_indexed_after_commit_and_on_the_schedule(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fresh = Opinion.objects.create(
            draft=world["draft"],
            version=world["draft"].current_version,
            body="电梯维修应当公开招标。",
            moderation_state=ModerationState.PUBLISHED,
        )
    assert f"opinion:{fresh.pk}" in _keys(selectors.search(text="电梯", user=None))
    Opinion.objects.filter(pk=fresh.pk).update(body="充电桩应当统一安装。", updated_at=timezone.now())  # no signal
    services.catch_up()
    assert f"opinion:{fresh.pk}" in _keys(selectors.search(text="充电", user=None))


def test_search_pages_and_the_jump_to_an_article(client, world):
    draft = world["draft"]
    page = client.get(reverse("search"), {"q": "物业"}).content.decode()
    assert "<mark>物业</mark>" in page and "找到" in page and world["pending"].body not in page
    jump = client.get(reverse("search"), {"q": "第三条", "draft": draft.pk})
    assert jump.status_code == 302 and jump["Location"].endswith("/articles/3/")
    assert client.get(reverse("search"), {"q": "12条", "draft": draft.pk}).status_code == 200  # no such article
    assert 'name="draft"' in client.get(draft.url).content.decode()
    for q in ["", "AND (", "物" * 10000]:
        assert client.get(reverse("search"), {"q": q}).status_code == 200


def test_the_rebuild_command_shows_progress(world, capsys):
    call_command("search_index", "--rebuild")
    captured = capsys.readouterr()
    assert "已重建" in captured.out and "100.0%" in captured.err


def test_staff_search_in_the_admin_finds_what_only_staff_may_see(client, world):
    url = reverse("search_staff")
    client.force_login(world["users"]["coordinator"])
    assert client.get(url, {"q": "物业"}).status_code in (302, 403)
    client.force_login(world["users"]["staff"])
    page = client.get(url, {"q": "退出程序"}).content.decode()
    assert "<mark>退出程序</mark>" in page or "<mark>退出</mark>" in page


def test_an_article_is_found_once_as_the_current_version_reads_earlier_versions_on_request(world, client):
    from drafts.parser import parse_text
    from drafts.services import draft_version_create

    draft = world["draft"]
    first = draft.current_version
    revised = TEXT.replace("停车位应当首先满足业主的需要。", "停车位应当首先满足本区域业主的需要。")
    draft_version_create(draft=draft, result=parse_text(revised), stage="revised")
    services.catch_up()
    current = selectors.search(text="停车位", user=None)
    articles = [hit for hit in current.hits if hit.kind == "article"]
    assert len(articles) == 1 and articles[0].object_id in set(
        draft.current_version.provisions.values_list("pk", flat=True)
    )
    every = selectors.search(text="停车位", user=None, include_superseded=True)
    earlier = {hit.object_id for hit in every.hits if hit.kind == "article"} - {articles[0].object_id}
    assert earlier and earlier <= set(first.provisions.values_list("pk", flat=True))
    page = client.get(reverse("search"), {"q": "停车位"}).content.decode()
    assert "包括历史版本" in page and page.count("search-hit--article") == 1
    page = client.get(reverse("search"), {"q": "停车位", "versions": "all"}).content.decode()
    assert "只看现行版本" in page and page.count("search-hit--article") == 2
