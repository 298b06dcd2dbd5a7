"""Turning a tally into what a dashboard shows: figures, charts (SVG with a table alternative each)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Channel, Disposition
from comments.tallies import OpinionTally, percent
from drafts.models import DraftPage, DraftStage
from referrals.models import ReferralState
from stats import charts, figures
from stats.models import Tally
from stats.report import DraftLine, YearFigures


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figure:
    label: str
    value: str
    note: str = ""


def _thousands(n: int) -> str:
    return f"{n:,}"


def _pairs(title: str, items: list[tuple[str, int, int]], first: str = "", second: str = "", **options):
    """A bar chart of (label, opinions, adopted) items: two bars per label."""
    return charts.bar_chart(
        title,
        [item[0] for item in items],
        [
            charts.Series(first or _("意见"), [item[1] for item in items]),
            charts.Series(second or _("采纳"), [item[2] for item in items]),
        ],
        **options,
    )


def draft_dashboard(draft: DraftPage, tally: Tally, *, article_href) -> dict:
    """Context for a draft's dashboard. `article_href(number)` links each square of the text picture."""
    data = tally.data
    dispositions = data.get("dispositions", {})
    counted = OpinionTally(dispositions)
    referral_states = data.get("referrals", {}).get("states", {})
    overdue = data.get("referrals", {}).get("overdue", 0)

    summary = [
        Figure(_("意见总数"), _thousands(counted.count)),
        Figure(_("已处理"), _thousands(counted.handled), percent(rate(counted.handled, counted.count))),
        Figure(_("采纳率（含部分采纳）"), counted.rate_text, _("%(n)s 条") % {"n": _thousands(counted.adopted)}),
        Figure(
            _("转为实施监督建议"),
            percent(rate(counted.forwarded, counted.handled)),
            _("%(n)s 条") % {"n": _thousands(counted.forwarded)},
        ),
    ]

    # The text as a picture: each article of the current version shaded by the opinions it drew.
    by_lineage = data.get("by_lineage", {})
    cells, chapters = [], {}
    for number, label, lineage, chapter in figures.current_articles(draft):
        count, adopted = by_lineage.get(lineage, [0, 0])
        cells.append(charts.HeatCell(label=label, value=count, href=article_href(number), group=chapter))
        totals = chapters.setdefault(chapter or _("（不分章）"), [0, 0])
        totals[0] += count
        totals[1] += adopted
    general = data.get("general", [0, 0])
    heat = charts.heat_map(_("各条文收到的意见"), cells)

    chapter_chart = _pairs(
        _("按章统计"), [(c, v[0], v[1]) for c, v in chapters.items()] + [(_("对草案整体的意见"), *general)]
    )
    channel_labels = dict(Channel.choices)
    channel_chart = _pairs(
        _("按来源渠道统计"),
        [
            (str(channel_labels.get(c, c)), t.count, t.adopted)
            for c, t in ((c, OpinionTally(d)) for c, d in data.get("channels", {}).items())
        ],
    )
    points = sorted(data.get("points", {}).values(), key=lambda p: (-p["total"], p["name"]))
    point_chart = _pairs(
        _("按基层立法联系点统计"), [(p["name"], p["total"], p["adopted"]) for p in points], max_bars=30
    )
    labels, values = _days(draft, data.get("days", {}))
    time_chart = charts.line_chart(_("征求意见期间每日收到的意见"), labels, [charts.Series(_("意见"), values)])
    disposition_labels = dict(Disposition.choices)
    disposition_chart = charts.percent_bar(
        _("处理情况"),
        [(str(disposition_labels[d]), dispositions.get(d, 0)) for d in Disposition.values if dispositions.get(d)],
    )
    referral_labels = dict(ReferralState.choices)
    referral_chart = charts.bar_chart(
        _("转办办理情况"),
        [str(referral_labels[s]) for s in ReferralState.values] + [_("其中逾期")],
        [charts.Series(_("件数"), [referral_states.get(s, 0) for s in ReferralState.values] + [overdue])],
        unit=_("件"),
    )
    return {
        "tally": tally,
        "summary": summary,
        "charts": [heat, disposition_chart, chapter_chart, channel_chart, point_chart, time_chart, referral_chart],
    }


def _days(draft: DraftPage, days: dict[str, int]) -> tuple[list[str], list[int]]:
    """Every day of the comment period (or of the days with opinions), zeros included."""
    seen = sorted(dt.date.fromisoformat(d) for d in days)
    if draft.opens_at and draft.closes_at:
        first = timezone.localtime(draft.opens_at).date()
        last = min(timezone.localtime(draft.closes_at).date(), timezone.localdate())
        if seen:
            first, last = min(first, seen[0]), max(last, seen[-1])
    elif seen:
        first, last = seen[0], seen[-1]
    else:
        return [], []
    span = [first + dt.timedelta(days=i) for i in range(min((last - first).days + 1, 400))]
    return [f"{d.month}月{d.day}日" for d in span], [days.get(d.isoformat(), 0) for d in span]


def year_figures(tally: Tally) -> YearFigures:
    data = tally.data
    channel_labels = dict(Channel.choices)
    channels = {channel: OpinionTally(d) for channel, d in data.get("channels", {}).items()}
    total = OpinionTally.total(channels.values())
    stage_labels = dict(DraftStage.choices)
    drafts = [
        DraftLine(
            title=d["title"],
            stage=str(stage_labels.get(d["stage"], "")),
            period=_period(d["opens"], d["closes"]),
            opinions=d["opinions"],
            adopted=d["adopted"],
        )
        for d in data.get("drafts", [])
    ]
    points = data.get("points", [])
    referrals = data.get("referrals", {})
    answered = referrals.get("answered", 0)
    months = data.get("months", {})
    point_channel = channels.get(Channel.CONTACT_POINT, OpinionTally())
    return YearFigures(
        year=data.get("year", 0),
        drafts=drafts,
        by_channel=[
            (str(channel_labels.get(c, c)), t.count, t.adopted)
            for c, t in sorted(channels.items(), key=lambda item: -item[1].count)
        ],
        total=total.count,
        handled=total.handled,
        adopted=total.adopted,
        forwarded=total.forwarded,
        adoption_rate=total.rate,
        points_active=len(points),
        points_total=data.get("points_total", 0),
        point_opinions=point_channel.count,
        point_adopted=point_channel.adopted,
        top_points=[(p["name"], p["submitted"], p["adopted"]) for p in points[:10]],
        referrals=referrals.get("total", 0),
        referrals_answered=answered,
        referrals_on_time=referrals.get("on_time", 0),
        on_time_rate=rate(referrals.get("on_time", 0), answered),
        by_month=[(f"{m}月", months.get(str(m), 0)) for m in range(1, 13)],
    )


def _period(opens: str | None, closes: str | None) -> str:
    def day(value):
        d = timezone.localtime(dt.datetime.fromisoformat(value)).date()
        return f"{d.year}年{d.month}月{d.day}日"

    if opens and closes:
        return f"{day(opens)}至{day(closes)}"
    return day(opens) if opens else ""


def year_dashboard(tally: Tally) -> dict:
    y = year_figures(tally)
    summary = [
        Figure(_("征求意见的草案"), _("%(n)s 部") % {"n": len(y.drafts)}),
        Figure(_("收到意见"), _thousands(y.total)),
        Figure(_("采纳率（含部分采纳）"), percent(y.adoption_rate), _("%(n)s 条") % {"n": _thousands(y.adopted)}),
        Figure(_("参与的基层立法联系点"), f"{y.points_active} / {y.points_total}"),
        Figure(_("转办按期答复率"), percent(y.on_time_rate), f"{y.referrals_on_time} / {y.referrals_answered}"),
    ]
    channel_chart = _pairs(_("按来源渠道统计"), y.by_channel)
    month_chart = charts.line_chart(
        _("每月收到的意见"), [m[0] for m in y.by_month], [charts.Series(_("意见"), [m[1] for m in y.by_month])]
    )
    draft_chart = _pairs(_("各草案收到的意见"), [(d.title, d.opinions, d.adopted) for d in y.drafts])
    point_chart = _pairs(_("基层立法联系点（前十）"), y.top_points, first=_("报送"))
    return {
        "tally": tally,
        "year": y.year,
        "summary": summary,
        "charts": [channel_chart, month_chart, draft_chart, point_chart],
        "figures": y,
    }
