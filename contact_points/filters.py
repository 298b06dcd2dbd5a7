"""The filters of the staff's lists of solicitations and received batches, written once: the admin viewsets show
these FilterSets in Wagtail's filter panel, the selectors return their `qs`, and 签收所选 selects "everything
listed" through them."""

from __future__ import annotations

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from contact_points.models import BatchState, ContactPoint, ContactPointKind, OpinionBatch, Solicitation
from drafts.models import DraftPage

ALL = "all"
STATE_CHOICES = [(BatchState.SUBMITTED, _("待签收")), (BatchState.RECEIVED, _("已签收")), (ALL, _("全部"))]


class SolicitationFilterSet(WagtailFilterSet):
    draft = django_filters.ModelChoiceFilter(
        label=_("法规草案"), queryset=DraftPage.objects.order_by("-id"), empty_label=_("全部")
    )

    class Meta:
        model = Solicitation
        fields: list[str] = []


class BatchStaffFilterSet(WagtailFilterSet):
    """Submitted batches (awaiting receipt) unless received ones, or all, are asked for; drafts are never listed.
    The default state is the field's initial value, so Wagtail does not count it as a filter applied."""

    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=STATE_CHOICES,
        empty_label=None,
        null_label=None,
        method="filter_state",
        initial=BatchState.SUBMITTED,
        widget=forms.RadioSelect,
    )
    draft = django_filters.ModelChoiceFilter(
        label=_("法规草案"), queryset=DraftPage.objects.order_by("-id"), empty_label=_("全部")
    )
    contact_point = django_filters.ModelChoiceFilter(
        label=_("联系点"), queryset=ContactPoint.objects.order_by("name"), empty_label=_("全部")
    )

    class Meta:
        model = OpinionBatch
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("state"):
            data["state"] = BatchState.SUBMITTED
        if queryset is None:
            queryset = OpinionBatch.objects.exclude(state=BatchState.DRAFT)
        super().__init__(data, queryset, **kwargs)

    @property
    def state_shown(self) -> str:
        """The state listed ("" for all); submitted when the one asked for is not valid."""
        self.is_valid()
        value = self.form.cleaned_data.get("state", BatchState.SUBMITTED)
        return "" if value == ALL else value

    def filter_state(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(state=value)

    def filter_queryset(self, queryset):
        if "state" not in self.form.cleaned_data:
            queryset = queryset.filter(state=BatchState.SUBMITTED)
        return super().filter_queryset(queryset)


class RankingFilterSet(WagtailFilterSet):
    """The yearly ranking of contact points: which year (or all years), and which points (district, kind).
    The year does not narrow the points; the report reads it to count that year's figures."""

    year = django_filters.ChoiceFilter(label=_("年度"), empty_label=None, null_label=None, method="filter_year")
    district = django_filters.ChoiceFilter(label=_("区县"), empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=ContactPointKind.choices, empty_label=_("全部"))

    class Meta:
        model = ContactPoint
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, years: list[int], districts: list[str], **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("year") and years:
            data["year"] = str(years[0])
        super().__init__(data, queryset, **kwargs)
        self.years = years
        self.form.fields["year"].choices = [*[(str(y), str(y)) for y in years], (ALL, _("历年合计"))]
        self.form.fields["district"].choices = [("", _("全部")), *[(d, d) for d in districts]]

    @property
    def year_counted(self) -> int | None:
        """The year counted (the latest when the one asked for is not valid), or None for all years."""
        self.is_valid()
        value = self.form.cleaned_data.get("year", str(self.years[0]) if self.years else ALL)
        return int(value) if value.isdigit() else None

    def filter_year(self, queryset, name, value):
        return queryset
