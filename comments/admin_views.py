"""Wagtail admin: the moderation queue with its filters (comments.filters); its bulk publish / reject / hide
are Wagtail bulk actions (comments.bulk_actions)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.bulk_actions import listing_buttons
from comments import selectors
from comments.filters import ModerationFilterSet
from comments.models import Opinion, Report


class ModerationQueueView(WagtailAdminTemplateMixin, View):
    template_name = "comments/admin/queue.html"
    page_title = gettext_lazy("意见审核")
    header_icon = "comment"
    per_page = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("意见审核")}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("comments.moderate_opinion"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        filterset = ModerationFilterSet(request.GET, user=request.user)
        queue = selectors.moderation_queue(filterset=filterset)
        page = Paginator(queue, self.per_page).get_page(request.GET.get("p"))
        ids = [o.pk for o in page.object_list]
        reasons: dict[int, list[str]] = {}
        for opinion_id, reason in Report.objects.filter(opinion_id__in=ids).values_list("opinion_id", "reason"):
            reasons.setdefault(opinion_id, []).append(reason)
        labels = dict(Report._meta.get_field("reason").choices)
        for opinion in page.object_list:
            opinion.report_reasons = sorted({str(labels[r]) for r in reasons.get(opinion.pk, [])})
        query = request.GET.copy()
        query.pop("p", None)
        context = self.get_context_data(
            filter_form=filterset.form,
            page_obj=page,
            opinions=page.object_list,
            query_string=query.urlencode(),
            bulk_buttons=listing_buttons(Opinion, "moderation"),
        )
        return TemplateResponse(request, self.template_name, context)
