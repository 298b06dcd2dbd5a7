from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem

from cms.menu import PermissionMenuItem
from drafts.models import DraftPage
from stats import dashboards, selectors
from stats.admin_views import PERMISSION, DraftStatsView, YearReportView, YearStatsView


@hooks.register("register_admin_urls")
def stats_admin_urls():
    return [
        path("stats/", YearStatsView.as_view(), name="stats_home"),
        path("stats/years/<int:year>/", YearStatsView.as_view(), name="stats_year"),
        path("stats/years/<int:year>/report.docx", YearReportView.as_view(), name="stats_year_report"),
        path("stats/drafts/<int:pk>/", DraftStatsView.as_view(), name="stats_draft"),
    ]


@hooks.register("register_admin_menu_item")
def stats_menu_item():
    return PermissionMenuItem(_("统计"), reverse("stats_home"), icon_name="table", order=207, permission=PERMISSION)


class YearPanel(Component):
    """The admin home page: this year's figures at a glance, with a link to the dashboards."""

    name = "stats_year"
    order = 50
    template_name = "stats/admin/home_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        year = timezone.localdate().year
        return {"year": year, **dashboards.year_dashboard(selectors.year_tally(year))}


@hooks.register("construct_homepage_panels")
def stats_home_panel(request, panels):
    if request.user.has_perm(PERMISSION):
        panels.append(YearPanel(request))


class DraftStatsButton(PageMenuItem):
    label = _("统计")
    icon_name = "table"
    url_name = "stats_draft"

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, DraftPage) and user.has_perm(PERMISSION)


@hooks.register("register_page_header_buttons")
def stats_header_button(page, user, view_name, next_url=None):
    yield DraftStatsButton(page=page, priority=42)


@hooks.register("register_page_listing_more_buttons")
def stats_listing_button(page, user, next_url=None):
    yield DraftStatsButton(page=page, priority=42)
