"""The annual work report (年度立法征求意见工作报告) as a Word file in official-document style.

Staff send the report up and print it for meetings, so it is laid out as the other documents
the platform writes (``cms.officialdoc``: GB/T 9704 page, 方正小标宋 title,
仿宋_GB2312 三号 body, ``— 1 —`` page numbers), with headings 一、二、三… in 黑体 and the tables in
小四.  Its charts are the dashboard's, drawn as PNG (Word cannot show our SVG) at the width of the
text; each has a numbered caption below it and its figures as a numbered table after that, as
Chinese reports put 图题 under a figure and 表题 over a table.

Numbers in the prose are plain digits, as official prose writes them (114574条); the tables group
thousands with commas, as the dashboards do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from cms.officialdoc import (
    BODY_FONT,
    BODY_STYLE,
    FULL_WIDTH_SPACE,
    HEADING_FONT,
    HEADING_STYLE,
    SIZE_3,
    SIZE_SMALL_4,
    TABLE_NUMBER_STYLE,
    TITLE_STYLE,
    OfficialDocument,
    ParagraphStyle,
    Table,
)
from comments.tallies import percent
from stats import charts

__all__ = ["NO_DATA", "DraftLine", "YearFigures", "annual_report"]

NO_DATA = "本年度暂无征求意见工作数据。"

FIGURE_STYLE = "ReportFigure"
FIGURE_CAPTION_STYLE = "ReportFigureCaption"
TABLE_CAPTION_STYLE = "ReportTableCaption"

# Off the page's 22-line grid, which would give every line of a caption or picture paragraph the
# 29 pt of a line of body text, as the tables' own styles are (cms.officialdoc).
_STYLES = (
    # Single line spacing: an exact line height would clip the picture to one line.
    ParagraphStyle(FIGURE_STYLE, "报告插图", BODY_FONT, SIZE_3, line=None, keep_next=True, on_grid=False),
    ParagraphStyle(FIGURE_CAPTION_STYLE, "报告图题", HEADING_FONT, SIZE_SMALL_4, on_grid=False),
    ParagraphStyle(TABLE_CAPTION_STYLE, "报告表题", HEADING_FONT, SIZE_SMALL_4, keep_next=True, on_grid=False),
)
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
    report = _Report(OfficialDocument(title, styles=_STYLES))
    report.document.paragraph(TITLE_STYLE, title)
    report.document.paragraph(BODY_STYLE)
    if not (figures.drafts or figures.total or figures.referrals or figures.points_active):
        report.text(NO_DATA)
    else:
        report.text(summary(figures))
        _drafts_section(report, figures)
        _channels_section(report, figures)
        _points_section(report, figures)
        _referrals_section(report, figures)
        _months_section(report, figures)
    report.document.save(out)


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

    def __init__(self, document: OfficialDocument) -> None:
        self.document = document
        self.sections = self.figures = self.tables = 0

    def heading(self, text: str) -> None:
        self.sections += 1
        self.document.paragraph(HEADING_STYLE, f"{_CHAPTER_NUMBERS[self.sections - 1]}、{text}")

    def text(self, text: str) -> None:
        self.document.paragraph(BODY_STYLE, text)

    def figure(self, png: bytes, caption: str) -> int:
        """The picture at the width of the text, and 图N under it; returns N."""
        self.figures += 1
        self.document.picture(png, style=FIGURE_STYLE)
        self.document.paragraph(FIGURE_CAPTION_STYLE, f"图{self.figures}{FULL_WIDTH_SPACE}{caption}")
        return self.figures

    def table(self, caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[int]) -> int:
        """表N over a table whose header row repeats on every page; numbers align right."""
        self.tables += 1
        self.document.paragraph(TABLE_CAPTION_STYLE, f"表{self.tables}{FULL_WIDTH_SPACE}{caption}")
        table = Table.by_shares(self.document.text_width, shares, number_style=TABLE_NUMBER_STYLE)
        self.document.table(table, rows, header=headers)
        self.document.paragraph(BODY_STYLE)  # a table must not touch what follows
        return self.tables


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
