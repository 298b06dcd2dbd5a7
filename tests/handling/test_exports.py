import csv
import io
import zipfile
from datetime import timedelta

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cms.roles import Role
from comments.models import Channel, Disposition, ModerationState, Opinion
from contact_points.models import ContactPointOpinion
from drafts.models import DraftStage
from drafts.parser import parse_text
from drafts.services import draft_create, draft_version_create
from handling import exports
from handling import services as handling
from handling.models import ExportJob, ExportState
from referrals import services as referrals
from tests.factories import ContactPointFactory, DepartmentFactory, UserFactory, sample_text
from tests.libreoffice import convert_to_pdf

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make(draft, article=None, *, body="建议明确物业服务人的公示义务。", **fields):
    values = {
        "draft": draft,
        "version": draft.current_version,
        "article": article,
        "body": body,
        "moderation_state": ModerationState.PUBLISHED,
    } | fields
    return Opinion.objects.create(**values)


def offline(draft, article=None, *, channel=Channel.LETTER, proposer_name="王某某", **fields):
    internal = ModerationState.INTERNAL
    return make(draft, article, channel=channel, proposer_name=proposer_name, moderation_state=internal, **fields)


def at_contact_point(draft, article=None, *, point=None, **fields):
    opinion = offline(draft, article, channel=Channel.CONTACT_POINT, **fields)
    ContactPointOpinion.objects.create(opinion=opinion, contact_point=point or ContactPointFactory())
    return opinion


def article_no(draft, number):
    return draft.current_version.provisions.get(kind="article", number=number)


def docx_texts(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# Rows -------------------------------------------------------------------------------------------


def test_rows_follow_the_text_with_general_opinions_first_and_leave_out_what_does_not_count(draft, citizen):
    fifth, second = article_no(draft, 5), article_no(draft, 2)
    a = make(draft, fifth, author=citizen, body="第五条的意见甲")
    b = make(draft, second, author=citizen, body="第二条的意见")
    c = make(draft, None, author=citizen, body="总体意见")
    d = offline(draft, fifth, body="第五条的来信")
    make(draft, fifth, author=citizen, parent=a, body="一条回复")
    for state in ("pending", "rejected", "hidden", "withdrawn"):
        make(draft, second, author=citizen, moderation_state=state, body=f"不计入：{state}")

    rows = list(exports.adoption_rows(draft.pk))

    assert [row.body for row in rows] == [c.body, b.body, a.body, d.body]
    assert [row.article for row in rows] == ["总体意见", "第二条", "第五条", "第五条"]
    assert rows[0].excerpt == ""
    assert rows[2].excerpt == fifth.text[:60]
    assert all(row.disposition == "待处理" for row in rows)


def test_opinions_on_two_versions_come_version_by_version_and_name_the_stage(draft, citizen):
    old_fifth = article_no(draft, 5)
    on_old = make(draft, old_fifth, author=citizen, body="对征求意见稿第五条")
    draft_version_create(draft=draft, result=parse_text(sample_text()), stage=DraftStage.FIRST_READING)
    draft.refresh_from_db()
    new_second = article_no(draft, 2)
    on_new = make(draft, new_second, author=citizen, body="对一审稿第二条")

    rows = list(exports.adoption_rows(draft.pk))

    assert [row.body for row in rows] == [on_old.body, on_new.body]
    assert [row.article for row in rows] == ["第五条（征求意见稿）", "第二条（一审稿）"]
    assert exports.table_meta(draft).version_label == "一审稿"


def test_sources_name_channel_contact_point_and_public_name_never_contact_data(draft, article, citizen, staff):
    citizen.phone = "13800138000"
    citizen.save()
    nameless = UserFactory(username="nameless-user", email="secret@example.com", display_name="", phone="13900139000")
    point = ContactPointFactory(name="湖滨街道基层立法联系点", phone="0571-87654321")
    opinions = [
        make(draft, article, author=citizen),
        make(draft, article, author=nameless),
        offline(draft, article, proposer_name="李某某"),
        offline(draft, article, channel=Channel.EMAIL, proposer_name=""),
        at_contact_point(draft, article, point=point, proposer_name="居民王某"),
        at_contact_point(draft, article, point=point, proposer_name=""),
        make(draft, article, author=staff, is_official=True),
    ]

    sources = [row.source for row in exports.adoption_rows(draft.pk)]

    # Short, so that a row takes a line or two: the channel in two characters, the point without
    # 「基层立法联系点」; 匿名 only for an online citizen, an offline opinion without proposer names nobody.
    assert sources == [
        "网上 · 老张",
        "网上 · 匿名",
        "来信 · 李某某",
        "邮件",
        "联系点 · 湖滨街道 · 居民王某",
        "联系点 · 湖滨街道",
        "网上 · 立法机关工作人员",
    ]
    assert len(opinions) == len(sources)
    private = [citizen.username, citizen.email, citizen.phone, nameless.username, nameless.email, nameless.phone]
    private += [staff.username, staff.email]
    private.append(point.phone)
    assert not any(value in source for value in private for source in sources)


def test_merged_opinions_name_their_target_and_forwarded_ones_their_department(draft, article, citizen, staff):
    target, absorbed, forwarded = (make(draft, article, author=citizen, body=f"意见{i}") for i in range(3))
    handling.opinions_merge(staff=staff, target_id=target.pk, opinion_ids=[absorbed.pk])
    department = DepartmentFactory(name="市住房和城乡建设局", short_name="市住建局")
    referrals.opinions_forward(
        staff=staff, opinion_ids=[forwarded.pk], department=department, deadline=timezone.now() + timedelta(days=30)
    )

    rows = {row.body: row for row in exports.adoption_rows(draft.pk)}
    assert rows["意见1"].disposition == f"已合并（并入第{target.pk}号意见）"
    assert rows["意见2"].disposition == "转为法规实施监督建议"
    assert rows["意见2"].reason == "转市住建局办理。"

    handling.opinions_dispose(staff=staff, opinion_ids=[target.pk], disposition=Disposition.ADOPTED, reason="已修改")
    rows = {row.body: row for row in exports.adoption_rows(draft.pk)}
    assert rows["意见0"].disposition == "采纳"
    assert rows["意见1"].disposition == f"采纳（并入第{target.pk}号意见）"
    assert rows["意见1"].reason == "已修改"


def test_table_meta_gives_period_stage_and_totals(draft, article, citizen):
    draft.opens_at = timezone.make_aware(timezone.datetime(2026, 11, 1, 9))
    draft.closes_at = timezone.make_aware(timezone.datetime(2026, 11, 30, 18))
    make(draft, article, author=citizen, disposition=Disposition.ADOPTED)
    make(draft, article, author=citizen, disposition=Disposition.NOT_ADOPTED, disposition_reason="理由")
    make(draft, article, author=citizen, disposition=Disposition.NOT_ADOPTED, disposition_reason="理由")

    meta = exports.table_meta(draft)

    assert meta.period == "2026年11月1日至2026年11月30日"
    assert meta.version_label == "征求意见稿"
    assert meta.totals == [("意见总数", 3), ("采纳", 1), ("未采纳", 2)]


# Files ------------------------------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://example.com","点我")', "+1+2", "-3+4", "@SUM(A1)"]


def test_xlsx_has_title_header_and_rows_with_formulas_neutralised(draft, article, citizen):
    for body in DANGEROUS:
        make(draft, article, author=citizen, body=body)
    make(draft, None, author=citizen, body="普通意见")
    out = io.BytesIO()

    assert exports.export_xlsx(out, draft.pk) == 5

    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "《示例条例（草案）》意见采纳情况表（征求意见稿）"
    assert rows[1] == ("序号", "编号", "条款", "意见内容", "修改建议", "来源", "处理情况", "理由说明", "提交时间")
    assert [row[0] for row in rows[2:]] == [1, 2, 3, 4, 5]
    assert rows[2][2:4] == ("总体意见", "普通意见") and rows[2][5:7] == ("网上 · 老张", "待处理")
    assert [row[3] for row in rows[3:]] == DANGEROUS  # the text itself, unchanged
    cells = [row[3] for row in sheet.iter_rows(min_row=4)]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert rows[2][8] is not None and rows[2][8].year == timezone.localtime().year


def test_csv_starts_with_a_bom_and_prefixes_formulas(draft, article, citizen):
    for body in DANGEROUS:
        make(draft, article, author=citizen, body=body)
    out = io.BytesIO()

    assert exports.export_csv(out, draft.pk) == 4

    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "编号", "条款", "意见内容", "修改建议", "来源", "处理情况", "理由说明", "提交时间"]
    assert [row[3] for row in rows[1:]] == ["'" + body for body in DANGEROUS]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


CHAPTERED = """示例物业条例
第一章　总则
第一条　为了规范物业管理，制定本条例。
第二条　本条例适用于本市行政区域内的物业管理。
第二章　业主
第三条　业主享有下列权利。
第四条　业主承担下列义务。
"""


@pytest.fixture
def chaptered(draft_index):
    now = timezone.now()
    return draft_create(
        index=draft_index,
        result=parse_text(CHAPTERED),
        title="示例物业条例（草案）",
        slug="chaptered",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        publish=True,
    )


def test_summary_figures_match_the_opinions(chaptered, citizen):
    first, third, fourth = (article_no(chaptered, n) for n in (1, 3, 4))
    points = [ContactPointFactory(name="湖滨联系点"), ContactPointFactory(name="西溪联系点")]
    plan = [
        (first, Channel.ONLINE, Disposition.ADOPTED),
        (first, Channel.ONLINE, Disposition.NOT_ADOPTED),
        (first, Channel.LETTER, Disposition.UNDECIDED),
        (third, Channel.CONTACT_POINT, Disposition.PARTLY_ADOPTED),
        (third, Channel.CONTACT_POINT, Disposition.NOT_ADOPTED),
        (third, Channel.ONLINE, Disposition.ADOPTED),
        (third, Channel.ONLINE, Disposition.MERGED),
        (fourth, Channel.CONTACT_POINT, Disposition.UNDECIDED),
        (None, Channel.EMAIL, Disposition.ADOPTED),
        (None, Channel.ONLINE, Disposition.FORWARDED),
    ]
    for i, (article, channel, disposition) in enumerate(plan):
        if channel == Channel.ONLINE:
            make(chaptered, article, author=citizen, disposition=disposition)
        elif channel == Channel.CONTACT_POINT:
            at_contact_point(chaptered, article, point=points[i % 2], disposition=disposition)
        else:
            offline(chaptered, article, channel=channel, disposition=disposition)
    make(chaptered, first, author=citizen, moderation_state="pending", disposition=Disposition.ADOPTED)

    out = io.BytesIO()
    assert exports.export_summary(out, chaptered.pk) == len(plan)
    document = docx.Document(io.BytesIO(out.getvalue()))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]

    def expected(rows):
        count = len(rows)
        handled = sum(d != Disposition.UNDECIDED for *_x, d in rows)
        adopted = sum(d in (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED) for *_x, d in rows)
        rate = f"{adopted * 100 / handled:.1f}%" if handled else "—"
        return [str(count), str(handled), str(adopted), rate]

    by_channel, by_chapter, by_point, top = tables
    assert by_channel[0] == ["渠道", "意见数", "已处理", "采纳（含部分采纳）", "采纳率"]
    channel_labels = dict(Channel.choices)
    for row in by_channel[1:-1]:
        value = next(v for v, label in channel_labels.items() if label == row[0])
        assert row[1:] == expected([p for p in plan if p[1] == value])
    assert by_channel[-1] == ["合计", *expected(plan)]
    assert by_channel[-1][-1] == "50.0%"  # (3 adopted + 1 partly) / 8 handled

    assert [row[0] for row in by_chapter[1:]] == ["对草案整体的意见", "第一章　总则", "第二章　业主", "合计"]
    assert by_chapter[1][1:] == expected([p for p in plan if p[0] is None])
    assert by_chapter[2][1:] == expected([p for p in plan if p[0] == first])
    assert by_chapter[3][1:] == expected([p for p in plan if p[0] in (third, fourth)])

    assert [row[0] for row in by_point[1:]] == ["西溪联系点", "湖滨联系点", "合计"]  # most opinions first
    point_rows = [(p, i) for i, p in enumerate(plan) if p[1] == Channel.CONTACT_POINT]
    assert by_point[1][1:] == expected([p for p, i in point_rows if i % 2 == 1])
    assert by_point[2][1:] == expected([p for p, i in point_rows if i % 2 == 0])

    assert top[1:] == [["1", "第三条", "4", "2"], ["2", "第一条", "3", "1"], ["3", "第四条", "1", "0"]]
    text = docx_texts(out.getvalue())
    assert "共收到意见10条" in text and "采纳率为50.0%" in text


def test_libreoffice_converts_the_summary_report_to_pdf(chaptered, citizen, tmp_path):
    for number in (1, 3, 4):
        make(chaptered, article_no(chaptered, number), author=citizen, disposition=Disposition.ADOPTED)
    source = tmp_path / "summary.docx"
    with source.open("wb") as out:
        exports.export_summary(out, chaptered.pk)
    assert convert_to_pdf(source).startswith(b"%PDF")


def test_an_empty_draft_exports_valid_documents_that_say_so(draft):
    table, summary = io.BytesIO(), io.BytesIO()
    assert exports.export_docx(table, draft.pk) == 0
    assert exports.export_summary(summary, draft.pk) == 0
    for out in (table, summary):
        assert zipfile.ZipFile(io.BytesIO(out.getvalue())).testzip() is None
        text = docx_texts(out.getvalue())
        assert "暂无意见" in text
        assert not docx.Document(io.BytesIO(out.getvalue())).tables


def test_the_adoption_table_has_a_row_per_opinion(draft, article, citizen):
    make(draft, article, author=citizen, body="第五条的意见")
    make(draft, None, author=citizen, body="整体意见")
    out = io.BytesIO()
    assert exports.export_docx(out, draft.pk) == 2
    (table,) = docx.Document(io.BytesIO(out.getvalue())).tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert [row[2] for row in rows[1:]] == ["整体意见", "第五条的意见"]
    assert rows[2][1].startswith("第五条")


# Jobs -------------------------------------------------------------------------------------------


def test_a_requested_export_is_built_and_ends_done_with_its_file(
    draft, article, citizen, staff, django_capture_on_commit_callbacks
):
    for i in range(3):
        make(draft, article, author=citizen, body=f"意见{i}")
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_request(user=staff, draft=draft, fmt="docx")
    job.refresh_from_db()

    assert (job.state, job.done, job.total, job.percent, job.error) == (ExportState.DONE, 3, 3, 100, "")
    assert job.finished_at is not None and job.created_by == staff
    assert job.file.name.startswith("exports/") and "意见采纳情况表-sample-" in job.file.name
    with job.file.open("rb") as handle:
        (table,) = docx.Document(io.BytesIO(handle.read())).tables
    assert len(table.rows) == 4


def test_only_staff_may_request_an_export(draft, citizen, moderator):
    for user in (citizen, moderator):
        with pytest.raises(PermissionDenied):
            exports.export_request(user=user, draft=draft, fmt="docx")
    assert not ExportJob.objects.exists()


def test_a_failing_export_ends_failed_with_a_message(draft, staff, monkeypatch):
    def broken(out, draft_id, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.WRITERS, "csv", broken)
    job = ExportJob.objects.create(draft=draft, format="csv", created_by=staff)
    exports.export_build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert "导出失败" in job.error and str(job.pk) in job.error
    assert "disk full" not in job.error
    assert not job.file and job.finished_at is not None


def test_progress_is_reported_while_writing(draft, article, citizen, staff, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    for i in range(5):
        make(draft, article, author=citizen, body=f"意见{i}")
    seen = []
    exports.export_csv(io.BytesIO(), draft.pk, progress=seen.append)
    assert seen == [2, 4, 5]


# Admin pages ------------------------------------------------------------------------------------


def test_staff_see_start_and_download_exports(
    client, draft, article, citizen, staff, moderator, django_capture_on_commit_callbacks
):
    make(draft, article, author=citizen)
    url = reverse("opinions_exports") + f"?draft={draft.pk}"
    client.force_login(moderator)
    assert client.get(url).status_code in (302, 403)
    assert client.post(reverse("opinions_exports"), {"draft": draft.pk, "format": "docx"}).status_code in (302, 403)

    client.force_login(staff)
    page = client.get(url)
    assert page.status_code == 200
    assert "开始导出" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("opinions_exports"), {"draft": draft.pk, "format": "docx"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE  # django-q runs tasks inline in the tests
    html = response.content.decode()
    assert reverse("opinions_export_download", args=[job.pk]) in html
    assert "<progress" in html and "100%" in html

    status = client.get(reverse("opinions_export_status", args=[job.pk])).json()
    assert status["state"] == "done" and status["percent"] == 100 and status["download_url"]

    download = client.get(reverse("opinions_export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX_TYPE
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition.lower()
    assert "%E6%84%8F%E8%A7%81" in disposition  # 意见, percent-encoded
    assert docx.Document(io.BytesIO(b"".join(download.streaming_content))).tables

    client.force_login(moderator)
    assert client.get(reverse("opinions_export_download", args=[job.pk])).status_code in (302, 403)


def test_the_page_polls_only_while_an_export_is_unfinished(client, draft, staff):
    job = ExportJob.objects.create(draft=draft, format="xlsx", created_by=staff, state=ExportState.RUNNING)
    ExportJob.objects.filter(pk=job.pk).update(done=40, total=100)
    client.force_login(staff)
    html = client.get(reverse("opinions_exports") + f"?draft={draft.pk}").content.decode()
    assert 'value="40"' in html and "40%" in html
    assert reverse("opinions_export_status", args=[job.pk]) in html and "handling/js/export_progress.js" in html
    assert client.get(reverse("opinions_export_download", args=[job.pk])).status_code == 404

    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.FAILED, error="导出失败：测试。")
    html = client.get(reverse("opinions_exports") + f"?draft={draft.pk}").content.decode()
    assert "handling/js/export_progress.js" not in html and "导出失败：测试。" in html
    assert reverse("opinions_export_status", args=[job.pk]) not in html


def test_csv_and_xlsx_download_with_their_content_types(
    client, draft, article, citizen, staff, django_capture_on_commit_callbacks
):
    make(draft, article, author=citizen)
    client.force_login(staff)
    for fmt, content_type in (
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("opinions_exports"), {"draft": draft.pk, "format": fmt})
        job = ExportJob.objects.get(format=fmt)
        response = client.get(reverse("opinions_export_download", args=[job.pk]))
        assert response["Content-Type"] == content_type
        assert f".{fmt}" in response["Content-Disposition"]


# The command ------------------------------------------------------------------------------------


def test_the_command_writes_the_file_and_reports_the_count(draft, article, citizen, tmp_path, capsys):
    for i in range(3):
        make(draft, article, author=citizen, body=f"意见{i}")
    for fmt, name in (("docx", "表.docx"), ("summary", "报告.docx"), ("xlsx", "表.xlsx"), ("csv", "表.csv")):
        out = tmp_path / name
        call_command("export_opinions", "--draft", "sample", "--format", fmt, "--out", str(out))
        assert out.stat().st_size > 0
    captured = capsys.readouterr()
    assert captured.out.split() == ["3", "3", "3", "3"]
    assert "100%" in captured.err and "完成：3 条意见" in captured.err
    (table,) = docx.Document(str(tmp_path / "表.docx")).tables
    assert len(table.rows) == 4
    call_command("export_opinions", "--draft", str(draft.pk), "--format", "csv", "--out", str(tmp_path / "b.csv"))
    assert (tmp_path / "b.csv").read_bytes() == (tmp_path / "表.csv").read_bytes()


def test_the_command_refuses_bad_input_in_chinese(draft, tmp_path):
    with pytest.raises(CommandError, match="找不到草案“nothing”"):
        call_command("export_opinions", "--draft", "nothing", "--format", "docx", "--out", str(tmp_path / "a.docx"))
    with pytest.raises(CommandError, match="未知的导出格式“pdf”"):
        call_command("export_opinions", "--draft", "sample", "--format", "pdf", "--out", str(tmp_path / "a.pdf"))
    nowhere = str(tmp_path / "no" / "a.docx")
    with pytest.raises(CommandError, match="无法写入文件"):
        call_command("export_opinions", "--draft", "sample", "--format", "docx", "--out", nowhere)
    assert not list(tmp_path.iterdir())


def test_role_staff_can_export():
    staff = UserFactory(username="exporter", roles=[Role.STAFF])
    assert exports.can_export(staff)
