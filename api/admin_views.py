"""The API tokens' use log in the Wagtail admin (superusers only): every request made with a token,
filtered by token, date and status, with a spreadsheet download (Wagtail's report view)."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from api.models import ApiToken, ApiTokenUse


class TokenUseFilterSet(WagtailFilterSet):
    token = django_filters.ModelChoiceFilter(
        label=gettext_lazy("令牌"), queryset=ApiToken.objects.order_by("name"), empty_label=gettext_lazy("全部")
    )
    at = django_filters.DateFromToRangeFilter(label=gettext_lazy("日期"), widget=DateRangePickerWidget)
    status = django_filters.NumberFilter(label=gettext_lazy("状态码"))

    class Meta:
        model = ApiTokenUse
        fields: list[str] = []


class TokenUseView(ReportView):
    page_title = gettext_lazy("接口令牌使用记录")
    header_icon = "key"
    index_url_name = "api_admin:token_uses"
    index_results_url_name = "api_admin:token_uses_results"
    filterset_class = TokenUseFilterSet
    model = ApiTokenUse
    paginate_by = 100
    columns = [
        DateColumn("at", label=gettext_lazy("时间")),
        Column("token", label=gettext_lazy("令牌")),
        Column("method", label=gettext_lazy("方法")),
        Column("path", label=gettext_lazy("路径")),
        Column("status", label=gettext_lazy("状态码")),
    ]
    list_export = ["at", "token", "method", "path", "status"]
    export_headings = {
        "at": gettext_lazy("时间"),
        "token": gettext_lazy("令牌"),
        "method": gettext_lazy("方法"),
        "path": gettext_lazy("路径"),
        "status": gettext_lazy("状态码"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def user_has_permission(self, permission):
        return self.request.user.is_superuser

    def get_queryset(self):
        return ApiTokenUse.objects.select_related("token").order_by("-at", "-id")

    def get_filename(self):
        return "api-token-uses"
