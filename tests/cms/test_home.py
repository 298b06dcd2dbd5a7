from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import ContactPointFactory, DraftFactory

pytestmark = pytest.mark.django_db


def test_home_lists_open_and_closed_drafts_and_counts_contact_points(client, draft_index):
    now = timezone.now()
    DraftFactory(index=draft_index, title="正在征求意见的条例")
    DraftFactory(
        index=draft_index, title="已经结束的条例", opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=10)
    )
    DraftFactory(
        index=draft_index, title="尚未开始的条例", opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=30)
    )
    ContactPointFactory.create_batch(3)
    ContactPointFactory(is_active=False)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    open_section = body.split('id="open-drafts"')[1].split("</section>")[0]
    closed_section = body.split('id="closed-drafts"')[1].split("</section>")[0]
    assert "正在征求意见的条例" in open_section and "已经结束的条例" not in open_section
    assert "已经结束的条例" in closed_section
    assert "尚未开始的条例" not in body
    assert "<strong>3</strong>" in body
    assert 'action="/search/"' in body
    # The list of every draft is one click away: from the header on every page, and from the home page.
    index_url = draft_index.url
    nav = body.split('class="site-nav"')[1].split("</nav>")[0]
    assert f'href="{index_url}"' in nav and "法规草案" in nav
    assert f'href="{index_url}">查看全部法规草案' in open_section
    assert f'href="{index_url}"' in client.get("/search/").content.decode()


def test_home_is_chinese_by_default_even_for_an_english_browser(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "正在征求意见" in response.content.decode()


def test_language_switch_to_english_and_back(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get("/")
    assert english["Content-Language"] == "en"
    body = english.content.decode()
    assert "Open for comment" in body and 'lang="en"' in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_pages_use_no_external_assets(client, home_page):
    body = client.get("/").content.decode()
    for attribute in ('src="http', 'src="//', 'href="http', 'href="//'):
        assert attribute not in body


def test_static_assets_are_served_by_the_project(client):
    response = client.get("/static/cms/css/site.css")
    assert response.status_code == 200


def test_demo_data_loads_once_and_prints_accounts(capsys):
    from contact_points.models import ContactPoint
    from drafts.models import DraftPage

    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert out.count("coordinator ") == 2 and out.count("coordinator2") == 2 and "Demo-2026!" in out
    drafts = DraftPage.objects.live()
    assert drafts.count() == 2
    now = timezone.now()
    assert sum(d.is_open(now) for d in drafts) == 1
    assert ContactPoint.objects.count() == 7
    open_draft = next(d for d in drafts if d.is_open(now))
    assert open_draft.current_version.provisions.filter(kind="article").count() > 50


def test_demo_contact_points_have_a_received_batch_and_notes_to_review():
    from comments.models import Channel, Opinion
    from contact_points.models import BatchItem, OpinionBatch, Solicitation

    call_command("load_demo")
    call_command("load_demo")
    assert Solicitation.objects.get().targets.count() == 4
    assert OpinionBatch.objects.filter(state="received", opinion_count=3).count() == 1
    assert Opinion.objects.filter(channel=Channel.CONTACT_POINT).count() == 3
    candidates = BatchItem.objects.filter(state="candidate")
    assert candidates.count() == 5
    assert sorted(candidates.exclude(article=None).values_list("article__number", flat=True)) == [5, 12, 20, 30]


def test_demo_draft_has_two_readings_with_a_public_diff_and_notes(client):
    from drafts.models import DraftPage

    call_command("load_demo")
    draft = DraftPage.objects.get(slug="hangzhou-property-management")
    assert list(draft.versions.values_list("number", flat=True)) == [1, 2]
    assert draft.current_version.number == 2
    response = client.get(draft.url + "diff/")
    html = response.content.decode()
    assert response.status_code == 200
    # 第五条 (personal information) arrived on revision; the proxy-voting article left.
    assert "新增 1 条，删除 1 条" in html
    assert "业主可以书面委托他人参加业主大会会议" in html
    article = client.get(draft.url + "articles/5/").content.decode()
    assert "释义" in article and "个人信息" in article


def test_demo_has_opinions_in_every_state_and_the_counts_agree(client):
    from comments.models import Opinion
    from drafts.models import DraftPage

    call_command("load_demo")
    call_command("load_demo")  # idempotent: no second set of opinions
    draft = DraftPage.objects.get(slug="hangzhou-property-management")
    states = set(Opinion.objects.filter(draft=draft).values_list("moderation_state", flat=True))
    assert {"published", "pending", "rejected"} <= states
    article = draft.current_version.provisions.get(kind="article", number=5)
    assert article.opinion_count == Opinion.objects.filter(article=article, moderation_state="published").count() == 3
    assert Opinion.objects.filter(is_official=True).count() == 1


def test_demo_closed_draft_has_public_feedback_and_the_open_one_a_referral(client):
    from django.urls import reverse

    from drafts.models import DraftPage
    from referrals.models import Referral

    call_command("load_demo")
    closed = DraftPage.objects.get(slug="chaozhou-she-culture")
    page = client.get(reverse("comments:feedback", args=[closed.pk])).content.decode()
    assert "共收到意见 4 条" in page
    assert client.get(reverse("comments:feedback", args=[closed.pk]), {"article": "general"}).status_code == 200
    assert Referral.objects.get().department.liaisons.filter(username="liaison").exists()


def test_demo_is_searchable_at_once(client):
    call_command("load_demo")
    page = client.get("/search/", {"q": "物业"}).content.decode()
    assert "<mark>物业</mark>" in page
