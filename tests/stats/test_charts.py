import io
import random
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from stats import charts
from stats.charts import Chart, HeatCell, Series, bar_chart, fonts, heat_map, line_chart, percent_bar
from stats.charts.style import HEAT_STEPS, HEAT_ZERO
from stats.charts.text import text_width

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCRIPT = "<script>alert(1)</script>"


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 -- our own markup


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def sample_charts() -> list[Chart]:
    return [
        bar_chart("各草案收到的意见", ["物业管理条例", "养犬管理条例"], [Series("意见", [1234, 56])]),
        bar_chart("竖排", ["一月", "二月"], [Series("意见", [3, 4]), Series("采纳", [1, 2])], horizontal=False),
        line_chart("每日意见", ["11月1日", "11月2日", "11月3日"], [Series("意见", [5, 9, 2])]),
        heat_map("各条文收到的意见", [HeatCell("第一条", 3, "/d/#article-1", "第一章 总则")]),
        percent_bar("处理情况", [("采纳", 3), ("未采纳", 1)]),
        bar_chart("空", [], []),
    ]


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda chart: chart.title)
def test_every_chart_is_an_image_named_by_its_title_and_described_in_words(chart) -> None:
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    # A picture, or, when it holds links, a group with the same name and description.
    assert root.get("role") == ("group" if list(root.iter(f"{SVG}a")) else "img")
    assert root.get("width") == "100%"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == chart.title
    assert desc.text.startswith(chart.title)
    assert len(desc.text) > len(chart.title) + 2


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda chart: chart.title)
def test_text_stays_at_12_px_or_more_on_a_phone(chart) -> None:
    """A 360 px phone leaves the chart 294 px once page and card padding are taken off."""
    root = parse(chart)
    view_width = float(root.get("viewBox").split()[2])
    sizes = [float(root.get("font-size"))] + [
        float(text.get("font-size")) for text in root.iter(f"{SVG}text") if text.get("font-size")
    ]
    assert min(sizes) * 294 / view_width >= 12


def test_description_states_the_figures_with_thousands_separators() -> None:
    chart = bar_chart("各渠道意见", ["网上征求意见", "基层立法联系点"], [Series("意见", [12345, 678])])
    desc = parse(chart).find(f"{SVG}desc").text
    assert "网上征求意见12,345条" in desc
    assert "基层立法联系点678条" in desc
    assert "合计13,023条" in desc


def test_markup_in_labels_and_titles_is_escaped() -> None:
    chart = bar_chart(
        f"标题{SCRIPT}", [f"草案{SCRIPT}"], [Series(f"意见{SCRIPT}", [3]), Series("采纳", [1])], hrefs=['/x?a=1&b="2"']
    )
    assert "<script>" not in chart.svg
    root = parse(chart)
    assert root.find(f"{SVG}title").text == f"标题{SCRIPT}"
    assert f"意见{SCRIPT}" in texts(root)
    assert root.find(f".//{SVG}a").get("href") == '/x?a=1&b="2"'
    heat = heat_map(SCRIPT, [HeatCell(SCRIPT, 1, "/a", SCRIPT)])
    assert "<script>" not in heat.svg
    assert parse(heat).find(f".//{SVG}a/{SVG}title").text == f"{SCRIPT}：1 条意见"


def test_characters_xml_cannot_carry_are_dropped() -> None:
    chart = bar_chart("控制\x0b字符", ["第\x01一条"], [Series("意见", [1])])
    root = parse(chart)
    assert root.find(f"{SVG}title").text == "控制字符"
    assert "第一条" in texts(root)


def test_bar_chart_table_alternative_matches_the_input() -> None:
    chart = bar_chart(
        "各渠道意见",
        ["网上征求意见", "基层立法联系点", "来信"],
        [Series("意见", [12345, 678, 0]), Series("采纳", [20, 5.5, 0])],
    )
    assert chart.title == "各渠道意见"
    assert chart.headers == ["项目", "意见（条）", "采纳（条）"]
    assert chart.rows == [["网上征求意见", "12,345", "20"], ["基层立法联系点", "678", "5.5"], ["来信", "0", "0"]]


def test_stacked_bar_chart_adds_a_total_column_and_draws_one_bar_a_label() -> None:
    chart = bar_chart(
        "处理情况", ["网上", "联系点"], [Series("采纳", [10, 2]), Series("未采纳", [1000, 20])], stacked=True, unit="件"
    )
    assert chart.headers == ["项目", "采纳（件）", "未采纳（件）", "合计（件）"]
    assert chart.rows == [["网上", "10", "1,000", "1,010"], ["联系点", "2", "20", "22"]]
    bars = [rect for rect in parse(chart).iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "网上 · 采纳：10件",
        "网上 · 未采纳：1,000件",
        "联系点 · 采纳：2件",
        "联系点 · 未采纳：20件",
    ]
    # Stacked: the second segment starts where the first ends.
    first, second = bars[:2]
    assert float(second.get("x")) == pytest.approx(float(first.get("x")) + float(first.get("width")), abs=0.15)


def test_series_are_named_in_the_legend_not_by_colour_alone() -> None:
    chart = bar_chart("两个系列", ["甲", "乙"], [Series("意见", [3, 4]), Series("采纳", [1, 2])])
    assert {"意见", "采纳"} <= set(texts(parse(chart)))
    lines = line_chart("两条线", ["1月", "2月"], [Series("网上", [3, 4]), Series("联系点", [1, 2])])
    root = parse(lines)
    assert {"网上", "联系点"} <= set(texts(root))
    polylines = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-width") == "2.5"]
    assert [p.get("stroke-dasharray") for p in polylines] == [None, "7 4"]


def test_bar_chart_links_each_label_to_its_page() -> None:
    chart = bar_chart("草案", ["甲", "乙"], [Series("意见", [3, 4])], hrefs=["/drafts/a/", "/drafts/b/"])
    links = list(parse(chart).iter(f"{SVG}a"))
    assert [link.get("href") for link in links] == ["/drafts/a/", "/drafts/b/"]
    assert [link.find(f"{SVG}title").text for link in links] == ["甲", "乙"]


def test_bar_chart_draws_at_most_max_bars_and_says_so_but_tables_them_all() -> None:
    labels = [f"联系点{n}" for n in range(50)]
    chart = bar_chart("联系点", labels, [Series("意见", list(range(50, 0, -1)))], max_bars=30)
    root = parse(chart)
    assert len(chart.rows) == 50
    assert "联系点29" in texts(root)
    assert "联系点30" not in texts(root)
    assert "另有20项未画出，见数据表。" in texts(root)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        bar_chart("错", ["甲", "乙", "丙"], [Series("意见", [1, 2])])
    with pytest.raises(ValueError, match="1 links for 2 labels"):
        bar_chart("错", ["甲", "乙"], [Series("意见", [1, 2])], hrefs=["/a"])


def test_vertical_bars_keep_every_category_label() -> None:
    labels = ["已交办", "已签收", "已答复", "已办结", "其中逾期"]
    chart = bar_chart("转办", labels, [Series("件数", [12, 8, 30, 22, 4])], horizontal=False, unit="件")
    shown = "".join(texts(parse(chart)))
    assert all(label[:2] in shown for label in labels)


@pytest.mark.parametrize(
    "chart",
    [
        bar_chart("空", [], []),
        bar_chart("全为零", ["甲", "乙"], [Series("意见", [0, 0])]),
        line_chart("空", [], [Series("意见", [])]),
        heat_map("空", []),
        heat_map("全为零", [HeatCell("第一条", 0, "/a")]),
        percent_bar("空", []),
    ],
    ids=lambda chart: chart.title,
)
def test_empty_or_zero_data_gives_a_small_svg_that_says_so(chart) -> None:
    root = parse(chart)
    assert "暂无数据" in texts(root)
    assert root.find(f"{SVG}desc").text == f"{chart.title}：暂无数据。"
    assert float(root.get("viewBox").split()[3]) < 100


def test_zero_data_still_tables_its_rows() -> None:
    assert bar_chart("全为零", ["甲"], [Series("意见", [0])]).rows == [["甲", "0"]]


def civil_code(count: int = 1260) -> list[HeatCell]:
    rng = random.Random(1260)
    return [
        HeatCell(
            label=f"第{n}条",
            value=0 if rng.random() < 0.2 else int(rng.paretovariate(1.1) * 2),
            href=f"/drafts/civil-code/#article-{n}",
            group=f"第{(n - 1) // 15 + 1}章",
        )
        for n in range(1, count + 1)
    ]


def test_heat_map_links_every_article_with_a_tooltip_in_text_order() -> None:
    cells = [
        HeatCell("第十一条", 0, "/d/#article-11", "第二章 物业服务"),
        HeatCell("第十二条", 37, "/d/#article-12", "第二章 物业服务"),
        HeatCell("第十三条", 1234, "/d/#article-13", "第三章 附则"),
    ]
    chart = heat_map("各条文收到的意见", cells)
    root = parse(chart)
    links = list(root.iter(f"{SVG}a"))
    assert [link.get("href") for link in links] == ["/d/#article-11", "/d/#article-12", "/d/#article-13"]
    assert [link.find(f"{SVG}title").text for link in links] == [
        "第十一条：0 条意见",
        "第十二条：37 条意见",
        "第十三条：1,234 条意见",
    ]
    assert all(link.find(f"{SVG}rect") is not None for link in links)
    assert {"第二章 物业服务", "第三章 附则"} <= set(texts(root))
    assert chart.headers == ["章节", "条文", "意见数（条）"]
    assert chart.rows[1] == ["第二章 物业服务", "第十二条", "37"]


def test_heat_map_of_the_civil_code_has_a_link_per_article() -> None:
    cells = civil_code()
    chart = heat_map("民法典各条文收到的意见", cells)
    links = list(parse(chart).iter(f"{SVG}a"))
    assert len(links) == 1260
    assert links[1259].get("href") == "/drafts/civil-code/#article-1260"
    assert len(chart.rows) == 1260


def test_heat_map_shades_by_quantile_so_one_hot_article_does_not_wash_out_the_rest() -> None:
    cells = [HeatCell(f"第{n}条", n, f"#a{n}") for n in range(1, 100)] + [HeatCell("第一百条", 100_000, "#a100")]
    root = parse(heat_map("意见", cells))
    fills = [link.find(f"{SVG}rect").get("fill") for link in root.iter(f"{SVG}a")]
    assert [fills.count(colour) for colour in HEAT_STEPS] == [20, 20, 20, 20, 20]
    legend = texts(root)
    assert {"1–20", "21–40", "41–60", "61–80", "81–100,000"} <= set(legend)
    assert "分位数" in root.find(f"{SVG}desc").text


def test_heat_map_shows_articles_without_opinions_apart_and_leaves_empty_steps_out_of_the_legend() -> None:
    cells = [HeatCell(f"第{n}条", 0 if n <= 5 else 1, f"#a{n}") for n in range(1, 11)]
    root = parse(heat_map("意见", cells))
    fills = [link.find(f"{SVG}rect").get("fill") for link in root.iter(f"{SVG}a")]
    assert fills == [HEAT_ZERO] * 5 + [HEAT_STEPS[0]] * 5
    # Ties leave four steps empty: the legend reads 「0 1」, not 「0 1 — — — —」.
    legend = [text for text in texts(root) if text in {"0", "1", "—"}]
    assert legend == ["0", "1"]


def test_percent_bar_shares_have_one_decimal_and_add_up_to_100() -> None:
    rng = random.Random(100)
    for _ in range(200):
        parts = [(f"类{n}", rng.randint(0, 1000)) for n in range(rng.randint(1, 7))]
        if not any(value for _, value in parts):
            continue
        chart = percent_bar("处理情况", parts)
        shares = [row[2] for row in chart.rows]
        assert all(re.fullmatch(r"\d{1,3}\.\d%", share) for share in shares)
        assert sum(float(share[:-1]) for share in shares) == pytest.approx(100.0, abs=0.1)


def test_percent_bar_legend_gives_each_part_its_count_and_share() -> None:
    chart = percent_bar("处理情况", [("采纳", 1), ("未采纳", 1), ("部分采纳", 1)])
    assert chart.headers == ["类别", "数量", "占比"]
    assert chart.rows == [["采纳", "1", "33.4%"], ["未采纳", "1", "33.3%"], ["部分采纳", "1", "33.3%"]]
    shown = texts(parse(chart))
    assert "1（33.4%）" in shown
    assert {"采纳", "未采纳", "部分采纳"} <= set(shown)


def test_line_chart_thins_its_labels_so_they_do_not_overlap() -> None:
    labels = [f"{month}月{day}日" for month in (10, 11, 12) for day in range(1, 31)]
    chart = line_chart("每日意见", labels, [Series("意见", [n % 17 for n in range(90)])])
    root = parse(chart)
    axis = [t for t in root.iter(f"{SVG}text") if t.text in labels]
    assert 3 <= len(axis) < 20
    assert axis[0].text == "10月1日"
    assert axis[-1].text == "12月30日"
    xs = [float(t.get("x")) for t in axis]
    widths = [text_width(t.text) for t in axis]
    assert all(xs[i + 1] - xs[i] >= (widths[i] + widths[i + 1]) / 2 for i in range(len(xs) - 1))
    assert chart.headers == ["时间", "意见（条）"]
    assert len(chart.rows) == 90


def test_line_chart_names_the_peak_in_its_description() -> None:
    chart = line_chart("每月意见", ["1月", "2月", "3月"], [Series("意见", [5, 1200, 2])])
    desc = parse(chart).find(f"{SVG}desc").text
    assert "最多为2月（1,200条）" in desc
    assert "合计1,207条" in desc


def test_same_chart_gets_the_same_ids_so_pages_can_be_cached() -> None:
    first = bar_chart("甲", ["a"], [Series("意见", [1])])
    assert first.svg == bar_chart("甲", ["a"], [Series("意见", [1])]).svg
    assert parse(first).get("aria-labelledby") != parse(bar_chart("乙", ["a"], [Series("意见", [1])])).get(
        "aria-labelledby"
    )


# --- PNG ----------------------------------------------------------------------------------


def open_png(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    return Image.open(io.BytesIO(data))


def test_bar_chart_png_is_print_sized() -> None:
    image = open_png(
        charts.bar_chart_png(
            "各渠道", ["网上征求意见", "基层立法联系点"], [Series("意见", [1234, 56]), Series("采纳", [9, 5])]
        )
    )
    assert image.width == 1600
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.5)
    assert (164, 22, 26) in {colour for _, colour in image.getcolors(1 << 16)}  # the house red bars


def test_line_chart_png_is_print_sized() -> None:
    labels = [f"{m}月" for m in range(1, 13)]
    image = open_png(charts.line_chart_png("各月", labels, [Series("意见", [m * 7 % 30 for m in range(12)])]))
    assert image.width == 1600
    assert image.height < image.width


def test_png_of_empty_data_is_still_an_image() -> None:
    assert open_png(charts.bar_chart_png("空", [], [])).width == 1600


@pytest.fixture
def without_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    fonts.cjk_font_face.cache_clear()
    fonts.pillow_font.cache_clear()
    yield
    fonts.cjk_font_face.cache_clear()
    fonts.pillow_font.cache_clear()


def test_png_without_a_chinese_font_still_draws_bars_and_numbers(without_cjk_font) -> None:
    image = open_png(charts.bar_chart_png("各渠道", ["网上", "联系点"], [Series("意见", [1234, 56])])).convert("RGB")
    colours = {colour for _, colour in image.getcolors(1 << 16)}
    assert (164, 22, 26) in colours
    assert (31, 35, 40) in colours  # the numbers, in ink


def test_find_cjk_font_ignores_fontconfigs_fallback_and_tries_known_paths(monkeypatch, tmp_path) -> None:
    font = tmp_path / "wqy-microhei.ttc"
    font.write_bytes(b"")

    class Answer:
        stdout = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\nen|fr|de"

    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/fc-match")
    monkeypatch.setattr(fonts.subprocess, "run", lambda *args, **kwargs: Answer())
    monkeypatch.setattr(fonts, "KNOWN_CJK_FONTS", ("/nowhere/NotoSansCJK-Regular.ttc", str(font)))
    assert charts.find_cjk_font() == str(font)
    monkeypatch.setattr(fonts, "KNOWN_CJK_FONTS", ())
    assert charts.find_cjk_font() is None


def test_chart_links_are_not_tab_stops_and_the_table_alternative_carries_them() -> None:
    # Issue 22: 1,260 links inside an SVG with role="img" were 1,260 Tab stops screen readers skip.
    from django.template.loader import render_to_string

    cells = [
        HeatCell("第十一条", 0, "/d/#article-11", "第二章 物业服务"),
        HeatCell("第十二条", 37, "/d/#article-12", "第二章 物业服务"),
    ]
    chart = heat_map("各条文收到的意见", cells)
    assert all(link.get("tabindex") == "-1" for link in parse(chart).iter(f"{SVG}a"))
    # A chart with links is a named group (its links reachable by screen readers; as role="img" they were
    # interactive content inside a picture: axe nested-interactive); a chart without links is a picture.
    assert parse(chart).get("role") == "group"
    assert parse(heat_map("各条文收到的意见", [HeatCell("第一条", 3, "", "")])).get("role") == "img"
    assert chart.linked_rows[1] == (["第二章 物业服务", "第十二条", "37"], "/d/#article-12")
    html = render_to_string("stats/_dashboard.html", {"summary": [], "charts": [chart], "tally": None})
    table = html.split("<table>")[1]
    assert '<td><a href="/d/#article-12">第十二条</a></td>' in table
    assert '<th scope="row">第二章 物业服务</th>' in table
    bars = bar_chart("按章统计", ["第一章", "第二章"], [Series("意见", [3, 4])], hrefs=["/c/1", "/c/2"])
    assert '<th scope="row"><a href="/c/2">第二章</a></th>' in render_to_string(
        "stats/_dashboard.html", {"summary": [], "charts": [bars], "tally": None}
    )


def test_the_table_alternative_escapes_its_cells_and_marks_figures() -> None:
    # The table body is written in Python (a row per article made the template loop the dashboard's cost):
    # labels and links escaped as the template did, figures right-aligned, a safe cell kept as it is.
    from django.utils.safestring import mark_safe

    chart = Chart(
        svg=mark_safe("<svg></svg>"),
        title="t",
        headers=["条文", "意见（条）", "备注"],
        rows=[["第一条<script>", "1,234", "a&b"], [mark_safe("<b>第二条</b>"), "—", ""]],
        hrefs=('/d/?q="x"&a=1',),
    )
    assert chart.table_body() == (
        '<tr><th scope="row"><a href="/d/?q=&quot;x&quot;&amp;a=1">第一条&lt;script&gt;</a></th>'
        '<td class="num">1,234</td><td>a&amp;b</td></tr>'
        '<tr><th scope="row"><b>第二条</b></th><td class="num">—</td><td class="num"></td></tr>'
    )
