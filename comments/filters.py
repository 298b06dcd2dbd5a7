"""The moderation queue's filters, written once: the queue renders this FilterSet's form, the selector returns its
`qs`, and the queue's bulk actions select "everything listed" through it."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.rules import may_see_unpublished_pages
from comments.models import Channel, ModerationState, Opinion
from drafts.models import DraftPage

FLAGS = [
    ("held", _("含敏感词")),
    ("reported", _("被举报")),
    ("campaign", _("疑似集中提交")),
]


class ModerationFilterSet(django_filters.FilterSet):
    """Online opinions and replies; pending ones unless another state (or 全部, an empty state) is asked for."""

    state = django_filters.ChoiceFilter(
        label=_("审核状态"), field_name="moderation_state", choices=ModerationState.choices, empty_label=_("全部")
    )
    draft = django_filters.ModelChoiceFilter(
        label=_("法规草案"), queryset=DraftPage.objects.order_by("-id"), empty_label=_("全部")
    )
    flag = django_filters.ChoiceFilter(label=_("标记"), choices=FLAGS, empty_label=_("全部"), method="filter_flag")
    q = django_filters.CharFilter(label=_("内容包含"), field_name="body", lookup_expr="contains", max_length=100)

    class Meta:
        model = Opinion
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        """`user`: the moderator; one who may not see unpublished drafts (cms.rules.may_see_unpublished_pages)
        is offered, and shown the opinions of, the live public drafts only (found by the probe)."""
        data = data.copy() if data is not None else {}
        if "state" not in data:
            data["state"] = ModerationState.PENDING
        if queryset is None:
            queryset = Opinion.objects.filter(channel=Channel.ONLINE)
        drafts = DraftPage.objects.order_by("-id")
        if user is not None and not may_see_unpublished_pages(user):
            drafts = drafts.live().public()
            queryset = queryset.filter(Q(draft__isnull=True) | Q(draft__in=drafts))
        super().__init__(data, queryset, **kwargs)
        self.filters["draft"].queryset = drafts
        # Pending is the default: Wagtail's filter panel shows no "active filter" for it.
        self.form.fields["state"].initial = ModerationState.PENDING

    def filter_flag(self, queryset, name, value):
        if value == "held":
            return queryset.exclude(held_words="")
        if value == "reported":
            return queryset.filter(report_count__gt=0)
        return queryset.filter(is_campaign=True)
