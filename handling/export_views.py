"""Wagtail admin: a draft's exports (start one, watch its progress, download it) and their JSON status, as a
Wagtail viewset (cms.viewsets.StaffViewSet); the work is handling.exports'."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.ui.tables import Column, Table

from cms import access_audit
from cms.models import AccessEventKind
from cms.viewsets import StaffIndexView, StaffViewSet, TemplateColumn
from drafts.models import DraftPage
from handling import exports, selectors
from handling.extensions import export_warning_list
from handling.filters import ExportJobFilterSet, draft_choices
from handling.models import ExportFormat, ExportJob, ExportState

ACTIVE_STATES = (ExportState.QUEUED, ExportState.RUNNING)
JOBS_SHOWN = 50


class ExportForm(forms.Form):
    draft = forms.TypedChoiceField(label=gettext_lazy("法规草案"), coerce=int)
    format = forms.ChoiceField(label=gettext_lazy("导出内容"), choices=ExportFormat.choices)

    def __init__(self, *args, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["draft"].choices = drafts


def _can_view(user) -> bool:
    return user.is_authenticated and user.has_perm("comments.view_opinion")


def _status(job: ExportJob) -> dict:
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "download_url": reverse("opinions_export_download", args=[job.pk])
        if job.state == ExportState.DONE and job.file
        else "",
    }


class ExportTable(Table):
    """Rows of jobs still queued or running carry their status address, for the page's progress bars
    (handling/static/handling/js/export_progress.js)."""

    def get_row_attrs(self, instance):
        attrs = super().get_row_attrs(instance) | {"data-export": instance.pk}
        if instance.state in ACTIVE_STATES:
            attrs["data-status-url"] = reverse("opinions_export_status", args=[instance.pk])
        return attrs


def _cell(name: str) -> str:
    return f"handling/admin/cells/export_{name}.html"


class FileColumn(TemplateColumn):
    """文件: 下载, or the error and 重试 (a form), for those who may export."""

    def get_cell_context_data(self, instance, parent_context):
        # (A cell is rendered with the table's context, which holds the request but not the page's context.)
        request = parent_context["request"]
        return super().get_cell_context_data(instance, parent_context) | {
            "can_export": exports.can_export(request.user),
            "csrf_token": get_token(request),
        }


class ExportIndexView(StaffIndexView):
    """意见导出: the exports of one draft (filters: handling.filters.ExportJobFilterSet), newest first, with the
    form that starts one (POST: handling.exports.export_request) and 重试 (handling.exports.export_retry)."""

    page_title = gettext_lazy("意见导出")
    header_icon = "download"
    template_name = "handling/admin/exports.html"
    results_template_name = "handling/admin/exports_results.html"
    table_class = ExportTable
    # Who may look is the opinions' rule (comments.view_opinion, checked in dispatch), not a permission on jobs.
    any_permission_required = None

    def dispatch(self, request, *args, **kwargs):
        if not _can_view(request.user):
            raise PermissionDenied
        if request.method == "POST" and not exports.can_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        if self.request.GET.get("draft") and self.filters.draft is None:
            raise Http404
        return selectors.export_job_list(filterset=self.filters)

    @cached_property
    def can_export(self) -> bool:
        return exports.can_export(self.request.user)

    @cached_property
    def columns(self):
        return [
            Column("format", label=gettext_lazy("导出内容"), accessor="get_format_display"),
            TemplateColumn("state", _cell("state"), label=gettext_lazy("状态")),
            TemplateColumn("percent", _cell("progress"), label=gettext_lazy("进度")),
            Column(
                "created_by",
                label=gettext_lazy("发起人"),
                accessor=lambda job: job.created_by.known_name if job.created_by else "—",
            ),
            TemplateColumn("created_at", _cell("when"), label=gettext_lazy("创建时间")),
            TemplateColumn("finished_at", _cell("when"), label=gettext_lazy("完成时间")),
            FileColumn("file", _cell("file"), label=gettext_lazy("文件")),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        draft = self.filters.draft
        return context | {
            "form": ExportForm(initial={"draft": draft.pk if draft else None}, drafts=draft_choices()),
            "draft": draft,
            "active": any(job.state in ACTIVE_STATES for job in context["object_list"]),
            "can_export": self.can_export,
            "count": exports.export_count(draft.pk) if draft else 0,
            "warnings": export_warning_list(draft) if draft else [],
        }

    def post(self, request, *args, **kwargs):
        if request.POST.get("retry"):
            return self._retry(request, request.POST["retry"])
        form = ExportForm(request.POST, drafts=draft_choices())
        if not form.is_valid():
            messages.error(request, _("请选择法规草案和导出内容。"))
            return redirect(reverse("opinions_exports"))
        draft = get_object_or_404(DraftPage, pk=form.cleaned_data["draft"])
        try:
            job = exports.export_request(user=request.user, draft=draft, fmt=form.cleaned_data["format"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request, _("已开始生成“%(format)s”，完成后可在下方下载。") % {"format": job.get_format_display()}
            )
        return redirect(reverse("opinions_exports") + f"?draft={draft.pk}")

    def _retry(self, request, raw: str):
        try:
            job = exports.export_retry(user=request.user, job_id=int(raw) if raw.isdigit() else 0)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(reverse("opinions_exports"))
        messages.success(
            request, _("已重新开始生成“%(format)s”，完成后可在下方下载。") % {"format": job.get_format_display()}
        )
        return redirect(reverse("opinions_exports") + f"?draft={job.draft_id}")


class ExportStatusView(View):
    """The progress of one export, as JSON, for the page's progress bars."""

    def get(self, request, pk: int):
        if not _can_view(request.user):
            raise PermissionDenied
        return JsonResponse(_status(get_object_or_404(ExportJob, pk=pk)))


class ExportDownloadView(View):
    """The finished file, as an attachment under its Chinese name."""

    def get(self, request, pk: int):
        if not exports.can_export(request.user):
            raise PermissionDenied
        job = get_object_or_404(ExportJob.objects.select_related("draft"), pk=pk)
        if job.state != ExportState.DONE or not job.file:
            raise Http404
        name = exports.export_filename(job.format, job.draft.slug, job.finished_at or job.created_at)
        access_audit.record(kind=AccessEventKind.EXPORT_DOWNLOAD, request=request, obj=job, object_repr=name)
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=name, content_type=exports.export_content_type(job.format)
        )


class ExportViewSet(StaffViewSet):
    """意见导出: the list of a draft's export jobs (where one starts), each job's progress and its file."""

    model = ExportJob
    name = "opinion_exports"
    url_prefix = "opinions/exports"
    icon = "download"
    index_view_class = ExportIndexView
    filterset_class = ExportJobFilterSet
    list_per_page = JOBS_SHOWN
    routes = {
        "index": "",
        "index_results": "results/",
        "status": "<int:pk>/status/",
        "download": "<int:pk>/download/",
    }
    route_views = {"status": ExportStatusView, "download": ExportDownloadView}
    # A job has no page of its own, so no admin link: the list is where jobs are seen.
    object_view = None


export_viewset = ExportViewSet()
# The names these screens had before they were a viewset (mounted under /admin/ by handling.wagtail_hooks).
admin_urlpatterns = [
    path("opinions/exports/", export_viewset.index_view, name="opinions_exports"),
    path("opinions/exports/<int:pk>/status/", export_viewset.routed_view("status"), name="opinions_export_status"),
    path(
        "opinions/exports/<int:pk>/download/", export_viewset.routed_view("download"), name="opinions_export_download"
    ),
]
