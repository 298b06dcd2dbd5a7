import dataclasses
import io
import re

import docx
from docx.oxml.ns import qn

from stats.report import NO_DATA, DraftLine, YearFigures, annual_report
from tests.libreoffice import convert_to_pdf

FIGURES = YearFigures(
    year=2026,
    drafts=[
        DraftLine("某市物业管理条例（草案）", "一审稿", "2026年3月1日至2026年3月31日", 1234, 20),
        DraftLine("某市养犬管理条例（草案）", "二审稿", "2026年9月1日至2026年9月30日", 366, 9),
    ],
    by_channel=[("网上征求意见", 1450, 21), ("基层立法联系点", 130, 7), ("来信来函", 20, 1)],
    total=1600,
    handled=1500,
    adopted=29,
    forwarded=40,
    adoption_rate=29 / 1500,
    points_active=18,
    points_total=28,
    point_opinions=130,
    point_adopted=7,
    top_points=[
        ("湖滨街道基层立法联系点", 40, 3),
        ("某某大学法学院基层立法联系点", 30, 2),
        ("西溪镇基层立法联系点", 20, 0),
    ],
    referrals=40,
    referrals_answered=32,
    referrals_on_time=30,
    on_time_rate=30 / 32,
    by_month=[(f"{m}月", n) for m, n in zip(range(1, 13), [0, 0, 900, 334, 0, 0, 0, 0, 300, 66, 0, 0], strict=True)],
)
SUMMARY = (
    "2026年，共对2部法规草案公开征求意见，收到意见1600条，其中网上征求意见1450条、基层立法联系点130条、来信来函20条；"
    "已处理1500条，采纳（含部分采纳）29条，采纳率1.9%，转为法规实施监督建议40条；"
    "18个基层立法联系点参与征求意见，报送意见130条；转办40件，按期答复30件，按期答复率93.8%。"
)
EMPTY = YearFigures(
    year=2027,
    drafts=[],
    by_channel=[],
    total=0,
    handled=0,
    adopted=0,
    forwarded=0,
    adoption_rate=None,
    points_active=0,
    points_total=28,
    point_opinions=0,
    point_adopted=0,
    top_points=[],
    referrals=0,
    referrals_answered=0,
    referrals_on_time=0,
    on_time_rate=None,
    by_month=[(f"{m}月", 0) for m in range(1, 13)],
)


def report(figures: YearFigures = FIGURES, **kwargs) -> bytes:
    out = io.BytesIO()
    annual_report(out, figures, **kwargs)
    return out.getvalue()


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def test_report_opens_with_the_title_and_the_year_in_one_sentence() -> None:
    document = open_docx(report())
    title, summary, *_ = texts(document)
    assert title == "2026年立法征求意见工作报告"
    assert document.paragraphs[0].style.style_id == "DraftTitle"
    assert summary == SUMMARY
    assert document.core_properties.title == title


def test_a_given_title_replaces_the_default() -> None:
    assert texts(open_docx(report(title="某市人大常委会法工委2026年立法征求意见工作报告")))[0] == (
        "某市人大常委会法工委2026年立法征求意见工作报告"
    )


def test_sections_are_numbered_in_chinese_and_set_in_the_heading_style() -> None:
    headings = [p.text for p in open_docx(report()).paragraphs if p.style.style_id == "DocHeading"]
    assert headings == ["一、草案征求意见情况", "二、意见来源", "三、基层立法联系点", "四、转办与督办", "五、月度分布"]


def test_body_is_fangsong_sanhao() -> None:
    document = open_docx(report())
    normal = document.styles.element.get_by_id("Normal")
    run = normal.find(qn("w:rPr"))
    assert run.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert run.find(qn("w:sz")).get(qn("w:val")) == "32"


def test_each_chart_is_a_picture_at_text_width_with_a_caption_and_its_table() -> None:
    document = open_docx(report())
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert len(document.inline_shapes) == 3
    assert all(abs(shape.width - text_width) < 12700 for shape in document.inline_shapes)  # within 1 pt
    captions = [p.text for p in document.paragraphs if p.style.style_id == "ReportFigureCaption"]
    assert captions == [
        "图1\u3000各渠道意见数和采纳数",
        "图2\u3000报送意见较多的基层立法联系点（前3个）",
        "图3\u3000各月收到的意见",
    ]
    table_captions = [p.text for p in document.paragraphs if p.style.style_id == "ReportTableCaption"]
    assert table_captions[1] == "表2\u3000各渠道意见数和采纳数（图1数据）"
    drafts, channels, points, months = ([[c.text for c in row.cells] for row in t.rows] for t in document.tables)
    assert drafts[1] == ["1", "某市物业管理条例（草案）", "一审稿", "2026年3月1日至2026年3月31日", "1,234", "20"]
    assert channels == [
        ["来源", "意见（条）", "采纳（条）"],
        ["网上征求意见", "1,450", "21"],
        ["基层立法联系点", "130", "7"],
        ["来信来函", "20", "1"],
    ]
    assert points[1] == ["湖滨街道基层立法联系点", "40", "3"]
    assert months[3] == ["3月", "900"]
    assert len(months) == 13


def test_picture_follows_its_section_text_and_precedes_its_caption() -> None:
    document = open_docx(report())
    body = list(document.element.body)
    pictures = [i for i, block in enumerate(body) if block.findall(".//" + qn("w:drawing"))]
    for index in pictures:
        caption = body[index + 1]
        assert caption.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val")) == "ReportFigureCaption"


def test_missing_rates_print_a_dash() -> None:
    figures = dataclasses.replace(FIGURES, adoption_rate=None, on_time_rate=None)
    summary = texts(open_docx(report(figures)))[1]
    assert "采纳率—，" in summary
    assert summary.endswith("按期答复率—。")


def test_sections_without_data_say_so_and_draw_no_chart() -> None:
    figures = dataclasses.replace(
        FIGURES,
        by_channel=[],
        points_active=0,
        top_points=[],
        point_opinions=0,
        by_month=[(f"{m}月", 0) for m in range(1, 13)],
    )
    document = open_docx(report(figures))
    assert len(document.inline_shapes) == 0
    assert {"本年度未收到意见。", "本年度全市28个基层立法联系点均未报送意见。", "本年度各月均未收到意见。"} <= set(
        texts(document)
    )


def test_a_year_without_data_gives_a_document_that_says_so() -> None:
    document = open_docx(report(EMPTY))
    assert texts(document) == ["2027年立法征求意见工作报告", NO_DATA]
    assert NO_DATA == "本年度暂无征求意见工作数据。"
    assert len(document.inline_shapes) == 0
    assert not document.tables


def test_libreoffice_converts_the_report_to_pdf(tmp_path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(report())
    pdf = convert_to_pdf(source)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3
