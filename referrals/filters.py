"""The filters of the staff's referral list on the oversight board, written once: the board shows this
FilterSet in Wagtail's filter panel and referrals.selectors.referral_list_staff returns its `qs`."""

from __future__ import annotations

from datetime import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from referrals.models import Department, Referral, ReferralState

# Sent or acknowledged: the department is still working on it, so it can be overdue.
IN_HAND = (ReferralState.SENT, ReferralState.ACKNOWLEDGED)

SHOW_CHOICES = [
    ("overdue", _("已逾期")),
    ("review", _("已答复待审核")),
    ("extension", _("申请延期待审批")),
    *ReferralState.choices,
]


class ReferralStaffFilterSet(WagtailFilterSet):
    """By department and by where a referral stands; each view of the list keeps the order it is read in
    (overdue and extension requests by deadline, replies awaiting review oldest first, the rest newest first)."""

    department = django_filters.ModelChoiceFilter(label=_("承办单位"), queryset=Department.objects.all())
    show = django_filters.ChoiceFilter(
        label=_("状态"), choices=SHOW_CHOICES, empty_label=_("全部"), method="filter_show"
    )

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, now: datetime | None = None, **kwargs):
        self.now = now or timezone.now()
        super().__init__(data, queryset if queryset is not None else Referral.objects.all(), **kwargs)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.order_by("-created_at", "-id"))

    def filter_show(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(state__in=IN_HAND, deadline__lt=self.now).order_by("deadline", "id")
        if value == "review":
            return queryset.filter(state=ReferralState.REPLIED).order_by("replied_at", "id")
        if value == "extension":
            return queryset.filter(state__in=IN_HAND, extension_until__isnull=False).order_by("deadline", "id")
        return queryset.filter(state=value)
