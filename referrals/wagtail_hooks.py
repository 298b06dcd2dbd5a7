from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.menu import PermissionMenuItem
from referrals import history
from referrals.admin_views import ReferralPermissionPolicy, ReferralViewSet
from referrals.bulk_actions import ForwardBulkAction
from referrals.models import Department, Referral


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


register_snippet(DepartmentViewSet)


register_permission_policy(Referral, ReferralPermissionPolicy(Referral))
referral_viewset = ReferralViewSet()


@hooks.register("register_admin_viewset")
def register_referral_viewset():
    return referral_viewset


@hooks.register("register_admin_urls")
def referrals_admin_urls():
    # The names the board and a referral's page had before they were a viewset (e-mails and links use them).
    return [
        path("referrals/", referral_viewset.index_view, name="referrals_board"),
        path("referrals/<int:pk>/", referral_viewset.inspect_view, name="referrals_admin"),
    ]


@hooks.register("register_admin_menu_item")
def referrals_menu_item():
    return PermissionMenuItem(
        _("督办看板"), reverse("referrals_board"), icon_name="tasks", order=219, permission="referrals.view_referral"
    )


@hooks.register("register_log_actions")
def referral_log_actions(actions):
    history.register_actions(actions)


hooks.register("register_bulk_action", ForwardBulkAction)
