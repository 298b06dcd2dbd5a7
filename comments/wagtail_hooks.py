from django.core.cache import cache
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.menu import PermissionMenuItem
from comments import history
from comments.admin_views import ModerationViewSet
from comments.bulk_actions import BULK_ACTIONS
from comments.models import ModerationState, Opinion, SensitiveWord


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


register_snippet(SensitiveWordViewSet)


moderation_viewset = ModerationViewSet()


@hooks.register("register_admin_viewset")
def register_moderation_viewset():
    return moderation_viewset


@hooks.register("register_admin_urls")
def comments_admin_urls():
    # The name the queue had before it was a viewset (links in e-mails, templates and tests use it).
    return [path("opinions/moderation/", moderation_viewset.index_view, name="opinions_moderation")]


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


for action in BULK_ACTIONS:
    hooks.register("register_bulk_action", action)


@hooks.register("register_log_actions")
def moderation_log_actions(actions):
    history.register_actions(actions)
