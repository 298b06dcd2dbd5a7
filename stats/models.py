"""Kept tallies of the figures the dashboards show, so that no page counts a million opinions per request.

A tally is the result of a few grouped queries, stored as JSON and refreshed in the background (after
changes, on a schedule, or when staff ask); pages say when it was computed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tally(models.Model):
    """The figures of one draft (key "draft:<id>") or one year (key "year:<yyyy>")."""

    key = models.CharField(_("范围"), max_length=40, unique=True)
    data = models.JSONField(_("数据"), default=dict)
    computed_at = models.DateTimeField(_("统计时间"))
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    refresh_requested_at = models.DateTimeField(_("请求刷新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("统计数据")
        verbose_name_plural = _("统计数据")

    def __str__(self) -> str:
        return f"{self.key} @ {self.computed_at:%Y-%m-%d %H:%M}"
