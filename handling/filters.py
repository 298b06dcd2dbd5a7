"""The filters of the staff workspace, written once: the view renders this FilterSet's form, the selector
returns its `qs`, and anything else that lists "the opinions staff are looking at" builds the same set."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.roles import Role
from comments import sources
from comments.models import COUNTED_STATES, Channel, Disposition, ModerationState, Opinion
from drafts.models import DraftPage, Provision, ProvisionKind
from handling.models import ExportFormat, ExportJob, ExportState

ALL = ("", _("全部"))


def staff_users():
    """Active members of the staff group, the people opinions can be assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=str(Role.STAFF))
        .order_by("display_name", "username")
        .distinct()
    )


def draft_choices() -> list[tuple[int, str]]:
    """Every draft, newest first, as (id, title): what the staff lists and the export form offer."""
    return list(DraftPage.objects.order_by("-id").values_list("pk", "title"))


def _offer_drafts(filterset: django_filters.FilterSet, drafts: list[tuple[int, str]], **choices) -> None:
    """The drafts to choose from, and other choices known only per request, given to the filters themselves
    (Wagtail's active-filter labels read a filter's field) before the form is built from them; then the newest
    draft made the form's default (Wagtail's filter panel shows no "active filter" for it)."""
    for name, values in {"draft": drafts, **choices}.items():
        filterset.filters[name].extra["choices"] = values
    if drafts:
        filterset.form.fields["draft"].initial = drafts[0][0]


class OpinionStaffFilterSet(django_filters.FilterSet):
    """Every filter of the workspace. A draft is always chosen (the newest when none is asked for); the other
    choices (chapters, contact points) are those of that draft. An invalid value of one filter is ignored and
    shown as an error beside it; an unknown draft lists nothing."""

    draft = django_filters.TypedChoiceFilter(label=_("法规草案"), coerce=int, empty_value=None, required=True)
    article = django_filters.NumberFilter(
        label=_("条"), field_name="article__number", min_value=1, max_value=9999, decimal_places=0
    )
    chapter = django_filters.TypedChoiceFilter(label=_("章"), coerce=int, empty_value=None, method="filter_chapter")
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=Channel.choices, empty_label=ALL[1])
    contact_point = django_filters.TypedChoiceFilter(
        label=_("联系点"), coerce=int, empty_value=None, method="filter_contact_point"
    )
    # Unset, the list holds the opinions to handle (published and internal: COUNTED_STATES, what every figure
    # counts); text awaiting moderation, rejected or hidden is listed only when asked for.
    state = django_filters.ChoiceFilter(
        label=_("审核状态"),
        field_name="moderation_state",
        choices=[("all", _("全部状态（含待审核、未通过审核）")), *ModerationState.choices],
        empty_label=_("待处理范围（已发布和内部意见）"),
        method="filter_state",
    )
    disposition = django_filters.ChoiceFilter(label=_("处理情况"), choices=Disposition.choices, empty_label=ALL[1])
    assignee = django_filters.ChoiceFilter(label=_("承办人"), method="filter_assignee", empty_label=ALL[1])
    min_support = django_filters.NumberFilter(
        label=_("附议不少于"), field_name="support_count", lookup_expr="gte", min_value=0, decimal_places=0
    )
    cluster = django_filters.CharFilter(label=_("相似意见组"), max_length=20, method="filter_cluster")
    q = django_filters.CharFilter(label=_("内容包含"), field_name="body", lookup_expr="contains", max_length=100)

    class Meta:
        model = Opinion
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        drafts = draft_choices()
        data = data.copy() if data is not None else {}
        if not data.get("draft") and drafts:
            data["draft"] = str(drafts[0][0])
        if queryset is None:
            queryset = Opinion.objects.filter(parent__isnull=True)
        super().__init__(data, queryset, **kwargs)
        value = str(data.get("draft", ""))
        self.draft = (
            DraftPage.objects.filter(pk=int(value)).select_related("current_version").first()
            if value.isdigit()
            else None
        )
        chapters = []
        if self.draft and self.draft.current_version_id:
            chapters = Provision.objects.filter(
                version_id=self.draft.current_version_id, kind=ProvisionKind.CHAPTER
            ).values_list("pk", "label", "title")
        draft_id = self.draft.pk if self.draft else None
        _offer_drafts(
            self,
            drafts,
            chapter=[ALL, *[(pk, f"{label} {title}") for pk, label, title in chapters]],
            contact_point=[ALL, *sources.source_choices(Opinion.objects.filter(draft_id=draft_id))],
            assignee=[ALL, ("none", _("未分配")), *[(str(u.pk), u.known_name) for u in staff_users()]],
        )

    def filter_queryset(self, queryset):
        if self.draft is None or "draft" not in self.form.cleaned_data:
            return queryset.none()
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(moderation_state__in=COUNTED_STATES)
        return super().filter_queryset(queryset)

    def filter_state(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(moderation_state=value)

    def filter_chapter(self, queryset, name, value):
        return queryset.filter(Q(article__parent_id=value) | Q(article__parent__parent_id=value))

    def filter_contact_point(self, queryset, name, value):
        return sources.filter_source(queryset, value)

    def filter_assignee(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_cluster(self, queryset, name, value):
        value = value.strip()
        if value == "any":
            return queryset.filter(cluster__isnull=False)
        if value.isdigit():
            return queryset.filter(cluster=int(value))
        return queryset


class ExportJobFilterSet(django_filters.FilterSet):
    """The exports of one draft (the newest when none is asked for), by what they contain and where they stand.
    `draft` is None when the asked-for draft does not exist (the view answers 404)."""

    draft = django_filters.TypedChoiceFilter(label=_("法规草案"), coerce=int, empty_value=None, required=True)
    format = django_filters.ChoiceFilter(label=_("导出内容"), choices=ExportFormat.choices, empty_label=ALL[1])
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ExportState.choices, empty_label=ALL[1])

    class Meta:
        model = ExportJob
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        drafts = draft_choices()
        data = data.copy() if data is not None else {}
        if not data.get("draft") and drafts:
            data["draft"] = str(drafts[0][0])
        super().__init__(data, queryset if queryset is not None else ExportJob.objects.all(), **kwargs)
        _offer_drafts(self, drafts)
        value = str(data.get("draft", ""))
        self.draft = DraftPage.objects.filter(pk=int(value)).first() if value.isdigit() else None

    def filter_queryset(self, queryset):
        if self.draft is None or "draft" not in self.form.cleaned_data:
            return queryset.none()
        return super().filter_queryset(queryset)
