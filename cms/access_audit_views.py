"""The access audit in the Wagtail admin (报告 › 访问审计, superusers only): filter by who, what, when and
from where, and download the result as CSV or XLSX (Wagtail's report view); each download is itself recorded."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from cms import access_audit
from cms.models import AccessEvent, AccessEventKind
from cms.selectors import access_event_list


class AccessEventFilterSet(WagtailFilterSet):
    username = django_filters.CharFilter(label=gettext_lazy("用户"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("类型"), choices=AccessEventKind.choices, empty_label=gettext_lazy("全部")
    )
    occurred_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("日期"), widget=DateRangePickerWidget)
    ip = django_filters.CharFilter(label=gettext_lazy("IP 地址"), lookup_expr="startswith")

    class Meta:
        model = AccessEvent
        fields: list[str] = []


class AccessAuditView(ReportView):
    page_title = gettext_lazy("访问审计")
    header_icon = "key"
    index_url_name = "access_audit"
    index_results_url_name = "access_audit_results"
    filterset_class = AccessEventFilterSet
    model = AccessEvent
    paginate_by = 100
    columns = [
        DateColumn("occurred_at", label=gettext_lazy("时间")),
        Column("username", label=gettext_lazy("用户")),
        Column("get_kind_display", label=gettext_lazy("类型"), accessor="get_kind_display"),
        Column("object_repr", label=gettext_lazy("对象")),
        Column("ip", label=gettext_lazy("IP 地址")),
        Column("user_agent", label=gettext_lazy("浏览器标识")),
    ]
    list_export = [
        "occurred_at",
        "username",
        "get_kind_display",
        "object_type",
        "object_id",
        "object_repr",
        "ip",
        "user_agent",
    ]
    export_headings = {
        "occurred_at": gettext_lazy("时间"),
        "username": gettext_lazy("用户"),
        "get_kind_display": gettext_lazy("类型"),
        "object_type": gettext_lazy("对象类型"),
        "object_id": gettext_lazy("对象编号"),
        "object_repr": gettext_lazy("对象"),
        "ip": gettext_lazy("IP 地址"),
        "user_agent": gettext_lazy("浏览器标识"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def user_has_permission(self, permission):
        return self.request.user.is_superuser

    def get_queryset(self):
        return access_event_list()

    def get_filename(self):
        return "access-audit"

    def as_spreadsheet(self, queryset, spreadsheet_format):
        access_audit.record(
            kind=AccessEventKind.EXPORT_DOWNLOAD,
            request=self.request,
            object_type="cms.accessevent",
            object_repr=f"access-audit.{spreadsheet_format} {self.request.GET.urlencode()}"[:255],
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)
