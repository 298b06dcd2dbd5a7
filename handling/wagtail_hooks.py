from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.menu import PermissionMenuItem
from handling import history
from handling.bulk_actions import BULK_ACTIONS
from handling.export_views import admin_urlpatterns as export_urlpatterns
from handling.export_views import export_viewset
from handling.models import ReasonTemplate
from handling.views import WorkspaceViewSet


class ReasonTemplateViewSet(SnippetViewSet):
    model = ReasonTemplate
    icon = "openquote"
    menu_label = _("常用理由")
    menu_order = 213
    add_to_admin_menu = True
    list_display = ["text", "disposition", "is_active", "sort_order"]
    list_filter = ["disposition", "is_active"]
    search_fields = ["text"]
    panels = [FieldPanel("text"), FieldPanel("disposition"), FieldPanel("is_active"), FieldPanel("sort_order")]


register_snippet(ReasonTemplateViewSet)


workspace_viewset = WorkspaceViewSet()


@hooks.register("register_admin_viewset")
def register_workspace_viewsets():
    return [workspace_viewset, export_viewset]


@hooks.register("register_admin_urls")
def handling_admin_urls():
    # The names these screens had before they were a viewset (links in e-mails, templates and tests use them).
    return [
        path("opinions/", workspace_viewset.index_view, name="opinions_all"),
        path("opinions/<int:pk>/", workspace_viewset.routed_view("handle"), name="opinions_handle"),
        *export_urlpatterns,
    ]


@hooks.register("register_admin_menu_item")
def opinions_menu_item():
    return PermissionMenuItem(
        _("意见处理"), reverse("opinions_all"), icon_name="list-ul", order=209, permission="comments.view_opinion"
    )


@hooks.register("register_admin_menu_item")
def exports_menu_item():
    return PermissionMenuItem(
        _("意见导出"),
        reverse("opinions_exports"),
        icon_name="download",
        order=208,
        permission="comments.dispose_opinion",
    )


for action in BULK_ACTIONS:
    hooks.register("register_bulk_action", action)


@hooks.register("register_log_actions")
def handling_log_actions(actions):
    history.register_actions(actions)
