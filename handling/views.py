"""Wagtail admin: the staff workspace of a draft's opinions, and the handling page of one opinion."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_q.tasks import async_task
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.bulk_actions import listing_buttons
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


class WorkspaceView(_HandlingView):
    template_name = "handling/admin/workspace.html"
    page_title = gettext_lazy("意见处理")
    per_page = 100

    def get(self, request, *args, **kwargs):
        filterset = OpinionStaffFilterSet(request.GET)
        draft = filterset.draft
        opinions = selectors.opinion_list_staff(filterset=filterset)
        page = Paginator(opinions, self.per_page).get_page(request.GET.get("p"))
        rows, previous = [], object()
        for opinion in extensions.attach_staff_notes(list(page.object_list)):
            key = opinion.article_id
            rows.append((opinion, key != previous))
            previous = key
        counted = opinion_tally(draft_id=draft.pk) if draft else OpinionTally()
        query = request.GET.copy()
        query.pop("p", None)
        context = self.get_context_data(
            filter_form=filterset.form,
            draft=draft,
            page_obj=page,
            rows=rows,
            query_string=query.urlencode(),
            bulk_buttons=listing_buttons(Opinion, "workspace"),
            counted=counted,
            totals=[(label, counted.of(value)) for value, label in Disposition.choices],
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        """Regroup the draft's near-duplicate opinions (the bulk actions are in handling.bulk_actions)."""
        if request.POST.get("action") != "cluster":
            messages.error(request, _("未知的操作。"))
            return redirect(request.get_full_path())
        draft = get_object_or_404(DraftPage, pk=request.POST.get("draft") or 0)
        async_task("comments.clusters.draft_clusters_update", draft.pk)
        messages.success(request, _("已开始重新分组相似意见，稍后刷新即可看到。"))
        return redirect(request.get_full_path())


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
