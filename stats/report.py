"""The annual work report (年度立法征求意见工作报告) as a Word file in official-document style.

Staff send the report up and print it for meetings, so it is laid out as the other documents
the platform writes (``comments.word_export.official_document``: GB/T 9704 page, 方正小标宋 title,
仿宋_GB2312 三号 body, ``— 1 —`` page numbers), with headings 一、二、三… in 黑体 and the tables in
小四.  Its charts are the dashboard's, drawn as PNG (Word cannot show our SVG) at the width of the
text; each has a numbered caption below it and its figures as a numbered table after that, as
Chinese reports put 图题 under a figure and 表题 over a table.

Numbers in the prose are plain digits, as official prose writes them (114574条); the tables group
thousands with commas, as the dashboards do.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Twips
from lxml import etree

from comments.tallies import percent
from drafts.word import (
    BODY_FONT,
    BODY_STYLE,
    FULL_WIDTH_SPACE,
    HEADING_FONT,
    SIZE_3,
    TITLE_STYLE,
    _BodyWriter,
    _run_properties,
)
from handling.word_export import SIZE_SMALL_4, official_document
from stats import charts

__all__ = ["NO_DATA", "DraftLine", "YearFigures", "annual_report"]

NO_DATA = "本年度暂无征求意见工作数据。"

HEADING_STYLE = "ReportHeading"
FIGURE_STYLE = "ReportFigure"
FIGURE_CAPTION_STYLE = "ReportFigureCaption"
TABLE_CAPTION_STYLE = "ReportTableCaption"
HEADER_STYLE = "ReportTableHeader"
CELL_STYLE = "ReportTableCell"
NUMBER_STYLE = "ReportTableNumber"

# Exact line heights in the tables (16 pt for 小四), as in comments.word_export, so that a
# machine without 仿宋 fits as many rows on a page as one with it.
_IN_CELL = {"line": SIZE_SMALL_4 * 10 * 4 // 3}
_CAPTION = {"keep_next": True}
_STYLES = (
    (
        HEADING_STYLE,
        "报告一级标题",
        {"align": "both", "first_line_chars": 2, "outline": 1, "keep_next": True},
        _run_properties(HEADING_FONT, SIZE_3),
    ),
    # Single line spacing: an exact line height would clip the picture to one line.
    (FIGURE_STYLE, "报告插图", {"line": None, "keep_next": True}, _run_properties(BODY_FONT, SIZE_3)),
    (FIGURE_CAPTION_STYLE, "报告图题", {}, _run_properties(HEADING_FONT, SIZE_SMALL_4)),
    (TABLE_CAPTION_STYLE, "报告表题", _CAPTION, _run_properties(HEADING_FONT, SIZE_SMALL_4)),
    (HEADER_STYLE, "报告表头", _IN_CELL, _run_properties(HEADING_FONT, SIZE_SMALL_4)),
    (CELL_STYLE, "报告表格文字", {**_IN_CELL, "align": "left"}, _run_properties(BODY_FONT, SIZE_SMALL_4)),
    (NUMBER_STYLE, "报告表格数字", {**_IN_CELL, "align": "right"}, _run_properties(BODY_FONT, SIZE_SMALL_4)),
)
#: Styles whose lines keep their own height: the page's 22-line grid would give every line of a
#: table, caption or picture paragraph the 29 pt of a line of body text.
OFF_GRID_STYLES = (FIGURE_STYLE, FIGURE_CAPTION_STYLE, TABLE_CAPTION_STYLE, HEADER_STYLE, CELL_STYLE, NUMBER_STYLE)
_CHAPTER_NUMBERS = "一二三四五六七八九十"
#: The contact points the report draws and lists, best first.
TOP_POINTS = 10


@dataclass(frozen=True)
class DraftLine:
    title: str
    stage: str  # 一审稿
    period: str  # 2026年11月1日至2026年11月30日
    opinions: int
    adopted: int


@dataclass(frozen=True)
class YearFigures:
    year: int
    drafts: list[DraftLine]  # drafts consulted that year
    by_channel: list[tuple[str, int, int]]  # (channel label, opinions, adopted incl. partly)
    total: int
    handled: int
    adopted: int
    forwarded: int
    adoption_rate: float | None  # adopted / handled
    points_active: int
    points_total: int
    point_opinions: int
    point_adopted: int
    top_points: list[tuple[str, int, int]]  # (name, submitted, adopted), best first
    referrals: int
    referrals_answered: int
    referrals_on_time: int
    on_time_rate: float | None  # on time / answered
    by_month: list[tuple[str, int]]  # ("1月", n) ... ("12月", n)


def annual_report(out: BinaryIO, figures: YearFigures, *, title: str = "") -> None:
    """Write the year's report as a .docx to ``out``."""
    title = title.strip() or f"{figures.year}年立法征求意见工作报告"
    document = official_document(title, _STYLES)
    _off_the_grid(document, OFF_GRID_STYLES)
    report = _Report(document)
    report.writer.paragraph(TITLE_STYLE, (None, title))
    report.writer.paragraph(BODY_STYLE)
    if not (figures.drafts or figures.total or figures.referrals or figures.points_active):
        report.writer.paragraph(BODY_STYLE, (None, NO_DATA))
    else:
        report.writer.paragraph(BODY_STYLE, (None, summary(figures)))
        _drafts_section(report, figures)
        _channels_section(report, figures)
        _points_section(report, figures)
        _referrals_section(report, figures)
        _months_section(report, figures)
    report.writer.close()
    document.save(out)


# --- prose ----------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return percent(part / whole if whole else None)


def summary(figures: YearFigures) -> str:
    """The opening paragraph: the year in figures, in one sentence."""
    f = figures
    channels = "、".join(f"{label}{count}条" for label, count, _ in f.by_channel if count)
    received = f"收到意见{f.total}条" + (f"，其中{channels}" if channels else "")
    return (
        f"{f.year}年，共对{len(f.drafts)}部法规草案公开征求意见，{received}；"
        f"已处理{f.handled}条，采纳（含部分采纳）{f.adopted}条，采纳率{percent(f.adoption_rate)}，"
        f"转为法规实施监督建议{f.forwarded}条；"
        f"{f.points_active}个基层立法联系点参与征求意见，报送意见{f.point_opinions}条；"
        f"转办{f.referrals}件，按期答复{f.referrals_on_time}件，按期答复率{percent(f.on_time_rate)}。"
    )


# --- sections -------------------------------------------------------------------------


class _Report:
    """The document being written, with its running numbers of sections, figures and tables."""

    def __init__(self, document: WordDocument) -> None:
        self.document = document
        self.writer = _BodyWriter(document)
        self.sections = self.figures = self.tables = 0

    def heading(self, text: str) -> None:
        self.sections += 1
        self.writer.paragraph(HEADING_STYLE, (None, f"{_CHAPTER_NUMBERS[self.sections - 1]}、{text}"))

    def text(self, text: str) -> None:
        self.writer.paragraph(BODY_STYLE, (None, text))

    def figure(self, png: bytes, caption: str) -> int:
        """The picture at the width of the text, and 图N under it; returns N."""
        self.figures += 1
        # python-docx appends the picture's paragraph at the end of the body, which is where the
        # writer is, as it has taken the section properties out while writing.
        paragraph = self.document.add_paragraph()
        paragraph.style = self.document.styles["报告插图"]
        paragraph.add_run().add_picture(io.BytesIO(png), width=Twips(self.writer.text_width))
        self.writer.paragraph(FIGURE_CAPTION_STYLE, (None, f"图{self.figures}{FULL_WIDTH_SPACE}{caption}"))
        return self.figures

    def table(self, caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[int]) -> int:
        """表N over a table whose header row repeats on every page; numbers align right."""
        self.tables += 1
        self.writer.paragraph(TABLE_CAPTION_STYLE, (None, f"表{self.tables}{FULL_WIDTH_SPACE}{caption}"))
        widths = [self.writer.text_width * share // sum(shares) for share in shares]
        table = etree.SubElement(self.writer.body, qn("w:tbl"))
        properties = etree.SubElement(table, qn("w:tblPr"))
        etree.SubElement(properties, qn("w:tblStyle")).set(qn("w:val"), "TableGrid")
        _set(etree.SubElement(properties, qn("w:tblW")), w=str(sum(widths)), type="dxa")
        etree.SubElement(properties, qn("w:jc")).set(qn("w:val"), "center")
        etree.SubElement(properties, qn("w:tblLayout")).set(qn("w:type"), "fixed")
        grid = etree.SubElement(table, qn("w:tblGrid"))
        for width in widths:
            etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(width))
        self._row(table, headers, widths, header=True)
        for row in rows:
            self._row(table, row, widths)
        self.writer.paragraph(BODY_STYLE)  # a table must not touch what follows
        return self.tables

    def _row(self, table: etree._Element, values: Sequence[str], widths: list[int], *, header: bool = False) -> None:
        row = etree.SubElement(table, qn("w:tr"))
        row_properties = etree.SubElement(row, qn("w:trPr"))
        etree.SubElement(row_properties, qn("w:cantSplit"))
        if header:
            etree.SubElement(row_properties, qn("w:tblHeader"))
        for value, width in zip(values, widths, strict=True):
            cell = etree.SubElement(row, qn("w:tc"))
            cell_properties = etree.SubElement(cell, qn("w:tcPr"))
            _set(etree.SubElement(cell_properties, qn("w:tcW")), w=str(width), type="dxa")
            etree.SubElement(cell_properties, qn("w:vAlign")).set(qn("w:val"), "center")
            style = HEADER_STYLE if header else NUMBER_STYLE if _is_number(value) else CELL_STYLE
            self.writer.paragraph(style, (None, value), parent=cell)


def _off_the_grid(document: WordDocument, style_ids: Sequence[str]) -> None:
    styles = document.styles.element
    for style_id in style_ids:
        spacing = styles.get_by_id(style_id).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.addprevious(etree.Element(qn("w:snapToGrid"), {qn("w:val"): "0"}))


def _set(element: etree._Element, **attributes: str) -> None:
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)


def _is_number(value: str) -> bool:
    return bool(value) and value.replace(",", "").replace(".", "").replace("%", "").isdigit()


def _drafts_section(report: _Report, f: YearFigures) -> None:
    report.heading("草案征求意见情况")
    if not f.drafts:
        report.text("本年度未对法规草案公开征求意见。")
        return
    most = max(f.drafts, key=lambda d: d.opinions)
    text = f"全年共对{len(f.drafts)}部法规草案公开征求意见"
    if most.opinions:
        text += f"，其中《{most.title.strip('《》')}》收到意见最多，共{most.opinions}条"
    report.text(f"{text}。各草案征求意见情况见表{report.tables + 1}。")
    rows = [
        [str(n), d.title, d.stage, d.period, charts.format_number(d.opinions), charts.format_number(d.adopted)]
        for n, d in enumerate(f.drafts, 1)
    ]
    report.table(
        "法规草案征求意见情况",
        ["序号", "法规草案", "稿别", "征求意见期间", "意见（条）", "采纳（条）"],
        rows,
        [8, 31, 12, 27, 11, 11],
    )


def _channels_section(report: _Report, f: YearFigures) -> None:
    report.heading("意见来源")
    channels = [item for item in f.by_channel if item[1]]
    if not channels:
        report.text("本年度未收到意见。")
        return
    shares = "；".join(
        f"{label}{count}条，占{_share(count, f.total)}，采纳{adopted}条" for label, count, adopted in channels
    )
    report.text(f"从意见来源看，{shares}。")
    labels = [label for label, _, _ in channels]
    series = [charts.Series("意见", [c for _, c, _ in channels]), charts.Series("采纳", [a for _, _, a in channels])]
    figure = report.figure(charts.bar_chart_png("各渠道意见数和采纳数", labels, series), "各渠道意见数和采纳数")
    headers, rows = charts.series_table(labels, series, first="来源")
    report.table(f"各渠道意见数和采纳数（图{figure}数据）", headers, rows, [40, 30, 30])


def _points_section(report: _Report, f: YearFigures) -> None:
    report.heading("基层立法联系点")
    if not f.points_active:
        report.text(f"本年度全市{f.points_total}个基层立法联系点均未报送意见。")
        return
    report.text(
        f"全年共有{f.points_active}个基层立法联系点参与征求意见，占联系点总数（{f.points_total}个）的"
        f"{_share(f.points_active, f.points_total)}；报送意见{f.point_opinions}条，占意见总数的"
        f"{_share(f.point_opinions, f.total)}，其中采纳（含部分采纳）{f.point_adopted}条，"
        f"占报送意见的{_share(f.point_adopted, f.point_opinions)}。"
    )
    points = [point for point in f.top_points[:TOP_POINTS] if point[1]]
    if not points:
        return
    labels = [name for name, _, _ in points]
    series = [charts.Series("报送意见", [s for _, s, _ in points]), charts.Series("采纳", [a for _, _, a in points])]
    caption = f"报送意见较多的基层立法联系点（前{len(points)}个）"
    figure = report.figure(charts.bar_chart_png(caption, labels, series), caption)
    headers, rows = charts.series_table(labels, series, first="基层立法联系点")
    report.table(f"{caption}（图{figure}数据）", headers, rows, [50, 25, 25])


def _referrals_section(report: _Report, f: YearFigures) -> None:
    report.heading("转办与督办")
    if not (f.forwarded or f.referrals):
        report.text("本年度未将意见转为法规实施监督建议，无转办件。")
        return
    pending = f.referrals - f.referrals_answered
    report.text(
        f"全年将{f.forwarded}条意见转为法规实施监督建议，向承办单位转办{f.referrals}件。"
        f"已答复{f.referrals_answered}件，其中按期答复{f.referrals_on_time}件，按期答复率{percent(f.on_time_rate)}"
        + (f"；尚未答复{pending}件，将继续督办。" if pending > 0 else "。")
    )


def _months_section(report: _Report, f: YearFigures) -> None:
    report.heading("月度分布")
    months = f.by_month
    if not any(count for _, count in months):
        report.text("本年度各月均未收到意见。")
        return
    peak = max(months, key=lambda m: m[1])
    busy = [label for label, count in months if count]
    report.text(f"从时间分布看，全年有{len(busy)}个月收到意见，其中{peak[0]}最多，共{peak[1]}条。")
    labels = [label for label, _ in months]
    series = [charts.Series("意见", [count for _, count in months])]
    figure = report.figure(charts.line_chart_png("各月收到的意见", labels, series), "各月收到的意见")
    headers, rows = charts.series_table(labels, series, first="月份")
    report.table(f"各月收到的意见（图{figure}数据）", headers, rows, [50, 50])
