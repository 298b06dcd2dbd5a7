from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.menu import PermissionMenuItem
from search.admin_views import StaffSearchView


@hooks.register("register_admin_urls")
def search_admin_urls():
    return [path("search/opinions/", StaffSearchView.as_view(), name="search_staff")]


@hooks.register("register_admin_menu_item")
def search_menu_item():
    return PermissionMenuItem(
        _("检索意见"), reverse("search_staff"), icon_name="search", order=206, permission="comments.view_opinion"
    )
