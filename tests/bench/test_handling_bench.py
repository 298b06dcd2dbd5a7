"""The handling benchmark at a tiny scale: its figures come out, and it leaves nothing behind."""

import io

import docx
import pytest
from wagtail.models import ModelLogEntry

from bench.dataset import Dataset
from bench.handling import EXPORT_SLUG, REASON, USERNAME, measure, naive_adoption_table
from cms.models import User
from comments.models import Channel, Disposition, ModerationState, Opinion
from contact_points.models import ContactPointOpinion
from drafts.models import DraftPage
from handling.models import ExportJob, HandlingEvent
from handling.word_export import AdoptionRow, TableMeta, write_adoption_table
from tests.factories import ContactPointFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_benchmark_measures_and_puts_everything_back(draft):
    citizen = UserFactory(username="reader", display_name="老张")
    articles = list(draft.current_version.provisions.filter(kind="article").order_by("position"))
    hot = articles[4]
    point = ContactPointFactory()
    for i in range(60):
        opinion = Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=hot if i % 2 else articles[i % len(articles)],
            author=citizen if i % 3 else None,
            channel=Channel.ONLINE if i % 3 else Channel.CONTACT_POINT,
            proposer_name="" if i % 3 else "王某某",
            body=f"意见{i}：建议明确物业服务人的公示义务。",
            moderation_state=ModerationState.PUBLISHED if i % 3 else ModerationState.INTERNAL,
            disposition=Disposition.ADOPTED if i % 5 == 0 else Disposition.UNDECIDED,
        )
        if not i % 3:
            ContactPointOpinion.objects.create(opinion=opinion, contact_point=point)
    before = sorted(Opinion.objects.values_list("pk", "disposition", "disposition_reason", "revision"))
    dataset = Dataset(draft.pk, draft.current_version_id, draft.url, hot.pk, 60)

    figures = {
        f.name: f
        for f in measure(
            dataset,
            export_opinions=40,
            naive_opinions=20,
            bulk_opinions=10,
            regroup_opinions=30,
            in_child=False,
            log=lambda m: None,
        )
    }

    assert set(figures) == {
        "handling.export_100k_s",
        "handling.naive_ratio",
        "handling.bulk_10k_s",
        "handling.regroup_10k_s",
    }
    assert "30 new offline opinions" in figures["handling.regroup_10k_s"].note
    assert Opinion.objects.count() == 60  # the regrouped batch is gone
    assert figures["handling.naive_ratio"].value > 1
    assert "40 rows" in figures["handling.export_100k_s"].note
    assert sorted(Opinion.objects.values_list("pk", "disposition", "disposition_reason", "revision")) == before
    assert not Opinion.objects.filter(disposition_reason=REASON).exists()
    assert not DraftPage.objects.filter(slug=EXPORT_SLUG).exists()
    assert not User.objects.filter(username=USERNAME).exists()
    assert not HandlingEvent.objects.exists() and not ExportJob.objects.exists()
    assert not ModelLogEntry.objects.filter(action__startswith="handling.").exists()
    assert ContactPointOpinion.objects.count() == 20


def test_the_plain_python_docx_baseline_gives_the_same_cells_as_ours():
    meta = TableMeta(
        "某市物业管理条例（草案）", "征求意见稿", "2026年11月1日至2026年11月30日", [("意见总数", 3)], "2026年12月1日"
    )
    excerpt = "业主大会应当自首次业主大会会议召开之日起三十日内备案。"
    rows = [
        AdoptionRow("第十二条", excerpt, "建议明确公示期限。", "网上征求意见 · 老张", "采纳", "已增加相关规定。"),
        AdoptionRow("第十二条", excerpt, "第一点。\n第二点。", "来信", "未采纳", ""),
        AdoptionRow("总体意见", "", "<script>&\x01", "来信", "转为法规实施监督建议", ""),
    ]
    naive, ours = io.BytesIO(), io.BytesIO()
    assert naive_adoption_table(naive, meta=meta, rows=rows) == 3
    assert write_adoption_table(ours, meta=meta, rows=rows) == 3

    def cells(data: bytes) -> list[list[str]]:
        (table,) = docx.Document(io.BytesIO(data)).tables
        return [[cell.text for cell in row.cells] for row in table.rows]

    assert cells(naive.getvalue()) == cells(ours.getvalue())
    assert cells(ours.getvalue())[1][1] == f"第十二条\n{excerpt}"
    assert cells(ours.getvalue())[3][2] == "<script>&"
