"""Wagtail admin: a draft's exports (start one, watch its progress, download it) and their JSON status."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms import access_audit
from cms.models import AccessEventKind
from drafts.models import DraftPage
from handling import exports, selectors
from handling.extensions import export_warning_list
from handling.filters import ExportJobFilterSet
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


class ExportsView(WagtailAdminTemplateMixin, View):
    """The exports of one draft, newest first, and the form that starts one."""

    template_name = "handling/admin/exports.html"
    page_title = gettext_lazy("意见导出")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not _can_view(request.user):
            raise PermissionDenied
        if request.method == "POST" and not exports.can_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def _drafts(self) -> list[tuple[int, str]]:
        return list(DraftPage.objects.order_by("-id").values_list("pk", "title"))

    def get(self, request, *args, **kwargs):
        filterset = ExportJobFilterSet(request.GET)
        draft = filterset.draft
        if request.GET.get("draft") and draft is None:
            raise Http404
        jobs = selectors.export_job_list(filterset=filterset, limit=JOBS_SHOWN)
        form = ExportForm(initial={"draft": draft.pk if draft else None}, drafts=self._drafts())
        context = self.get_context_data(
            form=form,
            filter_form=filterset.form,
            draft=draft,
            jobs=jobs,
            active=[job.pk for job in jobs if job.state in ACTIVE_STATES],
            can_export=exports.can_export(request.user),
            count=exports.export_count(draft.pk) if draft else 0,
            warnings=export_warning_list(draft) if draft else [],
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        if request.POST.get("retry"):
            return self._retry(request, request.POST["retry"])
        form = ExportForm(request.POST, drafts=self._drafts())
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


# Mounted under /admin/ by handling.wagtail_hooks (which adds Wagtail's admin-access check).
admin_urlpatterns = [
    path("opinions/exports/", ExportsView.as_view(), name="opinions_exports"),
    path("opinions/exports/<int:pk>/status/", ExportStatusView.as_view(), name="opinions_export_status"),
    path("opinions/exports/<int:pk>/download/", ExportDownloadView.as_view(), name="opinions_export_download"),
]
