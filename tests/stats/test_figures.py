from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Disposition, ModerationState
from stats import dashboards, figures, selectors, services
from stats.models import Tally
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

ADOPTED = {Disposition.ADOPTED, Disposition.PARTLY_ADOPTED}


def _counted(opinions):
    return [o for o in opinions if o.moderation_state in (ModerationState.PUBLISHED, ModerationState.INTERNAL)]


def test_draft_figures_match_counts_made_in_the_test(closed_draft, opinions):
    data = figures.draft_data(closed_draft)
    counted = _counted(opinions)
    assert data["total"] == len(counted)
    assert data["dispositions"] == dict(Counter(o.disposition for o in counted))
    by_channel = Counter(o.channel for o in counted)
    assert {c: sum(d.values()) for c, d in data["channels"].items()} == dict(by_channel)
    lineage = {a.pk: str(a.lineage) for a in closed_draft.current_version.provisions.filter(kind="article")}
    by_article = Counter(lineage[o.article_id] for o in counted if o.article_id)
    assert {k: v[0] for k, v in data["by_lineage"].items()} == dict(by_article)
    adopted = Counter(lineage[o.article_id] for o in counted if o.article_id and o.disposition in ADOPTED)
    assert {k: v[1] for k, v in data["by_lineage"].items() if v[1]} == dict(adopted)
    assert data["general"][0] == sum(1 for o in counted if o.article_id is None)
    days = Counter(timezone.localtime(o.created_at).date().isoformat() for o in counted)
    assert data["days"] == dict(days)
    points = Counter(o.contact_point_link.contact_point.name for o in counted if o.channel == "contact_point")
    assert {p["name"]: p["total"] for p in data["points"].values()} == dict(points)


def test_year_figures_match_counts_made_in_the_test(closed_draft, opinions):
    year = timezone.localtime(opinions[0].created_at).year
    counted = [o for o in _counted(opinions) if timezone.localtime(o.created_at).year == year]
    y = dashboards.year_figures(services.year_tally_refresh(year))
    assert y.total == len(counted)
    assert y.adopted == sum(1 for o in counted if o.disposition in ADOPTED)
    assert y.handled == sum(1 for o in counted if o.disposition != Disposition.UNDECIDED)
    assert sum(n for _m, n in y.by_month) == len(counted)
    assert y.points_active == 2 and y.points_total == 2
    if closed_draft.opens_at.year == year:
        assert [d.title for d in y.drafts] == ["示例条例（草案）"]


def test_a_stale_tally_is_served_and_refreshed_in_the_background(closed_draft, opinions, settings):
    first = selectors.draft_tally(closed_draft.pk)  # none yet: computed at once
    Tally.objects.filter(pk=first.pk).update(computed_at=timezone.now() - timedelta(hours=1), data={"total": -1})
    served = selectors.draft_tally(closed_draft.pk)  # stale: served as it is, refresh queued (sync in tests)
    assert served.data == {"total": -1}
    assert Tally.objects.get(pk=first.pk).data["total"] == len(_counted(opinions))


def test_public_draft_statistics_only_for_closed_drafts(client, closed_draft, opinions, draft_index):
    page = client.get(reverse("stats:draft", args=[closed_draft.pk])).content.decode()
    assert "征求意见统计" in page and "<svg" in page and "查看数据表" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="') >= 5
    assert reverse("stats:draft", args=[closed_draft.pk]) in client.get(closed_draft.url).content.decode()
    still_open = DraftFactory(index=draft_index, text="另一条例\n\n第一条 内容。", title="另一条例")
    assert client.get(reverse("stats:draft", args=[still_open.pk])).status_code == 404


def test_year_page_and_annual_report(client, closed_draft, opinions):
    import io

    from docx import Document

    year = timezone.localdate().year
    page = client.get(reverse("stats:year", args=[year])).content.decode()
    assert "工作统计" in page and "<svg" in page
    response = client.get(reverse("stats:year_report", args=[year]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"{year}年" in text
    assert client.get(reverse("stats:year", args=[1999])).status_code == 404
    assert client.get(reverse("stats:year", args=[year + 1])).status_code == 404


def test_staff_dashboards_need_staff(client, closed_draft, opinions, staff):
    from tests.factories import UserFactory

    urls = [
        reverse("stats_home"),
        reverse("stats_draft", args=[closed_draft.pk]),
        reverse("stats_year", args=[timezone.localdate().year]),
        reverse("stats_year_report", args=[timezone.localdate().year]),
    ]
    client.force_login(UserFactory(username="nobody"))
    for url in urls:
        assert client.get(url).status_code in (302, 403), url
    client.force_login(staff)
    for url in urls:
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "征求意见工作" in home and "统计时间：" in home  # the figures say when they were counted
    response = client.post(reverse("stats_draft", args=[closed_draft.pk]), follow=True)
    assert "统计数据已更新" in response.content.decode()
