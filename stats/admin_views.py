"""Staff dashboards in the Wagtail admin: any draft (open or not) and any year, with 「立即更新」."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from drafts.models import DraftPage
from stats import dashboards, selectors, services, views

PERMISSION = "comments.view_opinion"


class _StatsView(WagtailAdminTemplateMixin, View):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class DraftStatsView(_StatsView):
    template_name = "stats/admin/draft.html"

    def get_page_title(self):
        return _("统计：%(title)s") % {"title": self.draft.title}

    def get(self, request, pk: int):
        self.draft = get_object_or_404(DraftPage, pk=pk)
        workspace = reverse("opinions_all") + f"?draft={self.draft.pk}&article="
        context = dashboards.draft_dashboard(
            self.draft, selectors.draft_tally(self.draft.pk), article_href=lambda n: f"{workspace}{n}"
        )
        drafts = DraftPage.objects.order_by("-id").values_list("pk", "title")
        return TemplateResponse(
            request, self.template_name, self.get_context_data(draft=self.draft, drafts=drafts, **context)
        )

    def post(self, request, pk: int):
        services.draft_tally_refresh(get_object_or_404(DraftPage, pk=pk).pk)
        messages.success(request, _("统计数据已更新。"))
        return redirect("stats_draft", pk=pk)


class YearStatsView(_StatsView):
    template_name = "stats/admin/year.html"

    def get_page_title(self):
        return _("%(year)s年统计") % {"year": self.year}

    def get(self, request, year: int | None = None):
        self.year = year or timezone.localdate().year
        if not views.FIRST_YEAR <= self.year <= timezone.localdate().year:
            raise Http404
        context = dashboards.year_dashboard(selectors.year_tally(self.year))
        years = range(timezone.localdate().year, views.FIRST_YEAR - 1, -1)[:10]
        return TemplateResponse(request, self.template_name, self.get_context_data(years=years, **context))

    def post(self, request, year: int | None = None):
        year = year or timezone.localdate().year
        services.year_tally_refresh(year)
        messages.success(request, _("统计数据已更新。"))
        return redirect("stats_year", year=year)


class YearReportView(_StatsView):
    def get(self, request, year: int):
        return views.report_response(year)
