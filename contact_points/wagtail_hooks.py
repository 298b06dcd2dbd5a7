from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.menu import PermissionMenuItem
from contact_points import admin_views
from contact_points.bulk_actions import ReceiveBulkAction
from contact_points.models import ContactPoint
from contact_points.selectors import contact_point_count_active


class ContactPointViewSet(SnippetViewSet):
    model = ContactPoint
    icon = "site"
    menu_label = _("联系点名录")
    add_to_admin_menu = False
    list_display = ["name", "kind", "district", "is_active"]
    list_filter = ["kind", "district", "is_active"]
    search_fields = ["name", "district", "address"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("district"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("established_on"),
        FieldPanel("coordinators"),
        FieldPanel("is_active"),
    ]


contact_point_viewset = ContactPointViewSet()
register_snippet(contact_point_viewset)

solicitation_viewset = admin_views.SolicitationViewSet()
batch_viewset = admin_views.BatchViewSet()


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [solicitation_viewset, batch_viewset]


_admin_urls = [
    # The names these screens had before they were viewsets (links in e-mails, templates and tests use them).
    path("solicitations/", solicitation_viewset.index_view, name="solicitations"),
    path("solicitations/new/", solicitation_viewset.add_view, name="solicitation_new"),
    path("solicitations/<int:pk>/", solicitation_viewset.inspect_view, name="solicitation"),
    path("batches/", batch_viewset.index_view, name="batches"),
    path("batches/<int:pk>/", batch_viewset.inspect_view, name="batch"),
    path("notes/<int:pk>/", admin_views.NoteDownloadView.as_view(), name="note"),
    path("statistics/", admin_views.StatisticsView.as_view(), name="statistics"),
    path(
        "statistics/results/",
        admin_views.StatisticsView.as_view(results_only=True),
        name="statistics_results",
    ),
]


@hooks.register("register_admin_urls")
def contact_points_admin_urls():
    return [path("contact-points/", include((_admin_urls, "contact_points_admin"), namespace="contact_points_admin"))]


@hooks.register("register_admin_menu_item")
def contact_points_menu():
    items = [
        PermissionMenuItem(
            _("联系点名录"),
            reverse(contact_point_viewset.get_url_name("list")),
            icon_name="site",
            order=1,
            permission="contact_points.view_contactpoint",
        ),
        PermissionMenuItem(
            _("征询任务"),
            reverse("contact_points_admin:solicitations"),
            icon_name="mail",
            order=2,
            permission="contact_points.view_solicitation",
        ),
        PermissionMenuItem(
            _("意见汇总签收"),
            reverse("contact_points_admin:batches"),
            icon_name="tasks",
            order=3,
            permission="contact_points.view_opinionbatch",
        ),
        PermissionMenuItem(
            _("年度统计与排名"),
            reverse("contact_points_admin:statistics"),
            icon_name="table",
            order=4,
            permission="contact_points.view_opinionbatch",
        ),
    ]
    return SubmenuMenuItem(_("基层立法联系点"), Menu(items=items), icon_name="site", order=215)


@hooks.register("home_page_context")
def home_page_contact_points(*, request, now):
    return {"contact_point_count": contact_point_count_active()}


hooks.register("register_bulk_action", ReceiveBulkAction)
