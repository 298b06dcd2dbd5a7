"""Charts for the statistics dashboards: SVG made on the server, and the same charts as PNG for Word.

No JavaScript and no CDN: each function lays the chart out once as a list of shapes on a canvas
measured in abstract units, which one renderer writes as SVG markup and another draws with Pillow.
So the web page and the printed report show the same chart, and only the canvas width differs:
``SCREEN_WIDTH`` units for the SVG, whose viewBox scales with the page, ``PRINT_WIDTH`` for the PNG,
whose pixels are fixed and which the report prints at text width.

The SVG is sized for a phone.  It is ``SCREEN_WIDTH`` = 320 units wide, and all text is at least
14 units, so that text stays at 12 px and more down to a chart 275 px wide; a 360 px phone
gives the chart about 294 px once the page and card padding are taken off.  An inline
``max-width`` stops the chart, and its text, from growing past 1.6 times that on a desktop.

Every chart is an image with a name (``<title>``) and a description (``<desc>``) that says its
main figures in words, and comes with its data as a table (``Chart.headers`` and ``Chart.rows``)
for the page to offer as a text alternative.  Series are told apart by the legend's text and, in
line charts, by dash pattern and marker shape as well as colour.

Links inside the SVG (``hrefs`` of a bar chart, the squares of a heat map) serve mouse, touch,
keyboard and screen-reader users: a chart with links is a named ``role="group"`` (not ``img``,
which would hide its links from screen readers while they stay Tab stops), and the page links the
rows of the table alternative too.

A module per job: ``style`` (palette and sizes), ``text`` (numbers and labels), ``data`` (what
charts take and give, and the table alternative), ``canvas`` (shapes and legends), ``axes``
(ticks and the labels under a plot), the two renderers ``svg`` and ``png`` (with ``fonts``, which
finds a Chinese font), then a module per kind of chart: ``bar``, ``line``, ``heat_map`` and
``percent_bar``.
"""

from stats.charts.bar import bar_chart, bar_chart_png
from stats.charts.data import Chart, HeatCell, Series, series_table
from stats.charts.fonts import find_cjk_font
from stats.charts.heat_map import heat_map
from stats.charts.line import line_chart, line_chart_png
from stats.charts.percent_bar import percent_bar
from stats.charts.text import format_number

__all__ = [
    "Chart",
    "HeatCell",
    "Series",
    "bar_chart",
    "bar_chart_png",
    "find_cjk_font",
    "format_number",
    "heat_map",
    "line_chart",
    "line_chart_png",
    "percent_bar",
    "series_table",
]
