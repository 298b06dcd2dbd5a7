"""The filters of the staff's lists of solicitations and received batches, written once: the admin views render
these FilterSets' forms, the selectors return their `qs`, and 签收所选 selects "everything listed" through them."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from contact_points.models import BatchState, ContactPoint, OpinionBatch, Solicitation
from drafts.models import DraftPage

ALL = "all"


class SolicitationFilterSet(django_filters.FilterSet):
    draft = django_filters.ModelChoiceFilter(
        label=_("法规草案"), queryset=DraftPage.objects.order_by("-id"), empty_label=_("全部")
    )

    class Meta:
        model = Solicitation
        fields: list[str] = []


class BatchStaffFilterSet(django_filters.FilterSet):
    """Submitted batches (awaiting receipt) unless received ones, or all, are asked for; drafts are never listed."""

    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(BatchState.SUBMITTED, _("待签收")), (BatchState.RECEIVED, _("已签收")), (ALL, _("全部"))],
        empty_label=None,
        method="filter_state",
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
        data = data.copy() if data is not None else {}
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
