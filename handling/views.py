"""Wagtail admin: the staff workspace of a draft's opinions (a Wagtail viewset, cms.viewsets.StaffViewSet) and
the handling page of one opinion, which calls handling.services (opinions_dispose, opinion_link_change)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_q.tasks import async_task
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.bulk_actions import listing_buttons
from cms.viewsets import StaffIndexView, StaffViewSet, TemplateColumn
from comments.admin_views import OpinionCheckboxColumn
from comments.models import Disposition, Opinion
from comments.tallies import OpinionTally, opinion_tally
from drafts.models import DraftPage, Provision, ProvisionKind
from handling import extensions, selectors, services
from handling.filters import OpinionStaffFilterSet
from handling.forms import DISPOSE_CHOICES, DisposeForm
from handling.models import ReasonTemplate
from handling.services import HandlingError


class _HandlingView(WagtailAdminTemplateMixin, View):
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("comments.view_opinion"):
            raise PermissionDenied
        if request.method == "POST" and not services.can_dispose(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def _refuse(self, request, exc: HandlingError) -> None:
        for text in exc.messages:
            messages.error(request, text)

    def _dispose_form(self, data=None, initial=None) -> DisposeForm:
        return DisposeForm(data, initial=initial, prefix="d")


class WorkspaceTable(Table):
    """The workspace's table: a heading row (「第十二条 …」) before the first opinion of each article."""

    template_name = "handling/admin/workspace_table.html"


def _cell(name: str) -> str:
    return f"handling/admin/cells/{name}.html"


class ClusterColumn(TemplateColumn):
    """相似: the size of the opinion's group of near-duplicates, linked to the list of that group alone."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if instance.cluster:
            query = parent_context["request"].GET.copy()
            for key in ("p", "cluster", "_w_filter_fragment"):
                query.pop(key, None)
            query["cluster"] = instance.cluster
            context["href"] = "?" + query.urlencode()
        return context


class WorkspaceIndexView(StaffIndexView):
    """意见处理: a draft's opinions (filters: handling.filters.OpinionStaffFilterSet) grouped by article in text
    order, with the draft's tally; its bulk actions (处理, 分配, 合并, 转办) are in handling.bulk_actions."""

    page_title = gettext_lazy("意见处理")
    header_icon = "list-ul"
    template_name = "handling/admin/workspace.html"
    results_template_name = "handling/admin/workspace_results.html"
    table_class = WorkspaceTable
    any_permission_required = ["view"]

    def get_queryset(self):
        return selectors.opinion_list_staff(filterset=self.filters)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        rows, previous = extensions.attach_staff_notes(list(object_list)), object()
        for opinion in rows:
            opinion.starts_group = opinion.article_id != previous
            previous = opinion.article_id
        return paginator, page, rows, is_paginated

    @cached_property
    def columns(self):
        return [
            OpinionCheckboxColumn("bulk_actions", obj_type="opinion"),
            TemplateColumn("pk", _cell("number"), label=gettext_lazy("编号")),
            TemplateColumn("body", _cell("body"), label=gettext_lazy("意见内容")),
            TemplateColumn("channel", _cell("source"), label=gettext_lazy("来源")),
            Column("support_count", label=gettext_lazy("附议")),
            ClusterColumn("cluster", _cell("cluster"), label=gettext_lazy("相似")),
            TemplateColumn("disposition", _cell("disposition"), label=gettext_lazy("处理情况")),
            Column(
                "assignee",
                label=gettext_lazy("承办人"),
                accessor=lambda o: o.assignee.known_name if o.assignee else "—",
            ),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        draft = self.filters.draft
        counted = opinion_tally(draft_id=draft.pk) if draft else OpinionTally()
        return context | {
            "draft": draft,
            "counted": counted,
            "totals": [(label, counted.of(value)) for value, label in Disposition.choices],
            "bulk_buttons": listing_buttons(Opinion, "workspace"),
        }


class ClusterView(_HandlingView):
    """重新分组相似意见: regroup the draft's near-duplicate opinions in the background (staff who dispose)."""

    def post(self, request, *args, **kwargs):
        draft = get_object_or_404(DraftPage, pk=request.POST.get("draft") or 0)
        async_task("comments.clusters.draft_clusters_update", draft.pk)
        messages.success(request, _("已开始重新分组相似意见，稍后刷新即可看到。"))
        return redirect(reverse("opinions_all") + f"?draft={draft.pk}")


class OpinionHandleView(_HandlingView):
    template_name = "handling/admin/opinion.html"

    def get_page_title(self):
        return _("第 %(pk)s 号意见") % {"pk": self.opinion.pk}

    def _load(self, pk: int) -> Opinion:
        opinion = selectors.opinion_detail_staff(pk)
        if opinion is None:
            raise Http404
        self.opinion = opinion
        return opinion

    def get(self, request, pk: int, dispose_form=None):
        opinion = self._load(pk)
        later = Provision.objects.filter(
            version__draft_id=opinion.draft_id,
            version__number__gt=opinion.version.number,
            kind=ProvisionKind.ARTICLE,
        ).select_related("version")
        context = self.get_context_data(
            opinion=opinion,
            history=[
                (event, event.describe() if hasattr(event, "describe") else [])
                for event in selectors.opinion_history(opinion)
            ],
            absorbed=opinion.absorbed.order_by("pk")[:200],
            dispose_form=dispose_form
            or self._dispose_form(
                initial={
                    "disposition": opinion.disposition if opinion.disposition in dict(DISPOSE_CHOICES) else "",
                    "reason": opinion.disposition_reason,
                    "reason_public": opinion.reason_public,
                }
            ),
            templates=ReasonTemplate.objects.filter(is_active=True),
            later_articles=later.order_by("version__number", "position"),
            workspace_url=reverse("opinions_all") + f"?draft={opinion.draft_id}",
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, pk: int):
        opinion = self._load(pk)
        revision = int(request.POST["revision"]) if request.POST.get("revision", "").isdigit() else None
        action = request.POST.get("action")
        try:
            if action == "dispose":
                form = self._dispose_form(request.POST)
                if not form.is_valid():
                    return self.get(request, pk, dispose_form=form)
                services.opinions_dispose(
                    staff=request.user,
                    opinion_ids=[opinion.pk],
                    disposition=form.cleaned_data["disposition"],
                    reason=form.cleaned_data["reason"],
                    reason_public=form.cleaned_data["reason_public"],
                    revisions={opinion.pk: revision} if revision is not None else None,
                )
                messages.success(request, _("处理情况已保存。"))
            elif action == "link":
                value = request.POST.get("article", "")
                services.opinion_link_change(
                    staff=request.user,
                    opinion_id=opinion.pk,
                    article_id=int(value) if value.isdigit() else None,
                    revision=revision,
                )
                messages.success(request, _("已保存关联的修改条文。"))
            else:
                raise HandlingError(_("未知的操作。"))
        except HandlingError as exc:
            self._refuse(request, exc)
            if isinstance(exc, services.ConflictError):
                # Keep what the person typed, beside the current state, so nothing is lost.
                return self.get(request, pk, dispose_form=self._dispose_form(request.POST))
        return redirect(reverse("opinions_handle", args=[opinion.pk]))


class WorkspaceViewSet(StaffViewSet):
    """意见处理 and an opinion's handling page (its admin link: site history, search)."""

    model = Opinion
    name = "opinion_workspace"
    url_prefix = "opinions"
    icon = "list-ul"
    index_view_class = WorkspaceIndexView
    filterset_class = OpinionStaffFilterSet
    list_per_page = 100
    routes = {"index": "", "index_results": "results/", "handle": "<int:pk>/", "cluster": "cluster/"}
    route_views = {"handle": OpinionHandleView, "cluster": ClusterView}
    object_view = "handle"
