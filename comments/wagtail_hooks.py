from django.core.cache import cache
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.menu import PermissionMenuItem
from comments.admin_views import ModerationQueueView
from comments.export_views import admin_urlpatterns as export_urlpatterns
from comments.handling_views import OpinionHandleView, WorkspaceView
from comments.models import Department, ModerationState, Opinion, ReasonTemplate, SensitiveWord
from comments.referral_urls import admin_urlpatterns as referral_admin_urlpatterns


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("承办单位")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "short_name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name"]
    panels = [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("liaisons"), FieldPanel("is_active")]


class SensitiveWordViewSet(SnippetViewSet):
    model = SensitiveWord
    icon = "warning"
    menu_label = _("敏感词")
    menu_order = 212
    add_to_admin_menu = True
    list_display = ["word", "is_active", "note", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["word", "note"]
    panels = [FieldPanel("word"), FieldPanel("is_active"), FieldPanel("note")]


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


register_snippet(DepartmentViewSet)
register_snippet(ReasonTemplateViewSet)
register_snippet(SensitiveWordViewSet)


@hooks.register("register_admin_urls")
def comments_admin_urls():
    return [
        path("opinions/moderation/", ModerationQueueView.as_view(), name="opinions_moderation"),
        path("opinions/", WorkspaceView.as_view(), name="opinions_all"),
        path("opinions/<int:pk>/", OpinionHandleView.as_view(), name="opinions_handle"),
        *referral_admin_urlpatterns,
        *export_urlpatterns,
    ]


class ModerationMenuItem(PermissionMenuItem):
    def render_component(self, request):
        # Counted at most every half minute: the menu is on every admin page.
        pending = cache.get_or_set(
            "comments:pending-count",
            lambda: Opinion.objects.filter(moderation_state=ModerationState.PENDING).count(),
            30,
        )
        label = f"{self.label}（{pending}）" if pending else self.label
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs)


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return ModerationMenuItem(
        _("意见审核"),
        reverse("opinions_moderation"),
        icon_name="comment",
        order=210,
        permission="comments.moderate_opinion",
    )


@hooks.register("register_admin_menu_item")
def opinions_menu_item():
    return PermissionMenuItem(
        _("意见处理"), reverse("opinions_all"), icon_name="list-ul", order=209, permission="comments.view_opinion"
    )


@hooks.register("register_admin_menu_item")
def referrals_menu_item():
    return PermissionMenuItem(
        _("督办看板"), reverse("referrals_board"), icon_name="tasks", order=219, permission="comments.view_referral"
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
