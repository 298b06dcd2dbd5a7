"""Wagtail admin: the moderation queue, a Wagtail viewset (cms.viewsets.StaffViewSet) over online opinions with
its filters (comments.filters.ModerationFilterSet); its bulk publish / reject / hide are Wagtail bulk actions
(comments.bulk_actions) calling comments.services.opinions_moderate."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn

from cms.bulk_actions import listing_buttons
from cms.viewsets import StaffIndexView, StaffViewSet, TemplateColumn
from comments import selectors
from comments.filters import ModerationFilterSet
from comments.models import Opinion, Report


class OpinionCheckboxColumn(BulkActionsCheckboxColumn):
    """A row's box, named by the opinion's number (「选择第 12 号意见」)."""

    cell_template_name = "comments/admin/cells/checkbox.html"


class ModerationIndexView(StaffIndexView):
    page_title = gettext_lazy("意见审核")
    header_icon = "comment"
    template_name = "comments/admin/queue.html"
    results_template_name = "comments/admin/queue_results.html"
    # The moderators' own permission (comments.moderate_opinion), not the model's view permission.
    any_permission_required = ["moderate"]

    def get_filterset_kwargs(self):
        return super().get_filterset_kwargs() | {"user": self.request.user}

    def get_queryset(self):
        return selectors.moderation_queue(filterset=self.filters)

    @cached_property
    def columns(self):
        cell = "comments/admin/cells/{}.html".format
        return [
            OpinionCheckboxColumn("bulk_actions", obj_type="opinion"),
            TemplateColumn("body", cell("body"), label=gettext_lazy("意见内容")),
            TemplateColumn("article", cell("article"), label=gettext_lazy("条文")),
            TemplateColumn("author", cell("author"), label=gettext_lazy("提交人")),
            TemplateColumn("created_at", cell("when"), label=gettext_lazy("提交时间")),
            TemplateColumn("moderation_state", cell("state"), label=gettext_lazy("状态")),
            TemplateColumn("flags", cell("flags"), label=gettext_lazy("标记")),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        _attach_report_reasons(context["object_list"])
        return context | {"bulk_buttons": listing_buttons(Opinion, "moderation")}


def _attach_report_reasons(opinions) -> None:
    """Each listed opinion's report reasons, in words (one query for the page)."""
    ids = [o.pk for o in opinions]
    reasons: dict[int, list[str]] = {}
    for opinion_id, reason in Report.objects.filter(opinion_id__in=ids).values_list("opinion_id", "reason"):
        reasons.setdefault(opinion_id, []).append(reason)
    labels = dict(Report._meta.get_field("reason").choices)
    for opinion in opinions:
        opinion.report_reasons = sorted({str(labels[r]) for r in reasons.get(opinion.pk, [])})


class ModerationViewSet(StaffViewSet):
    """意见审核: the list only (an opinion's page is the handling workspace's, handling.views)."""

    model = Opinion
    name = "opinion_moderation"
    url_prefix = "opinions/moderation"
    icon = "comment"
    index_view_class = ModerationIndexView
    filterset_class = ModerationFilterSet
    list_per_page = 50
    routes = {"index": "", "index_results": "results/"}
    object_view = None
