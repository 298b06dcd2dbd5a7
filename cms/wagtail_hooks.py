"""Site-wide parts of the Wagtail admin: the stylesheet and the behaviours our own admin screens share."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def admin_stylesheet():
    return format_html('<link rel="stylesheet" href="{}">', static("cms/css/admin.css"))


@hooks.register("insert_global_admin_js")
def admin_behaviours():
    return format_html('<script src="{}" defer></script>', static("cms/js/admin.js"))


@hooks.register("construct_page_chooser_queryset")
def chooser_shows_what_the_user_may_see(pages, request):
    """The page chooser (used by rich-text links and page fields) lists unpublished pages only to people who
    may edit some page: a moderator or coordinator with no page permission sees the live public pages, not
    the titles of drafts still being prepared (issue 21 item 12)."""
    from cms.rules import may_see_unpublished_pages

    if may_see_unpublished_pages(request.user):
        return pages
    return pages.live().public()


@hooks.register("register_admin_urls")
def access_audit_urls():
    from django.urls import path

    from cms.access_audit_views import AccessAuditView

    return [
        path("reports/access-audit/", AccessAuditView.as_view(), name="access_audit"),
        path("reports/access-audit/results/", AccessAuditView.as_view(results_only=True), name="access_audit_results"),
    ]


@hooks.register("register_reports_menu_item")
def access_audit_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy
    from wagtail.admin.menu import AdminOnlyMenuItem

    return AdminOnlyMenuItem(
        gettext_lazy("访问审计"), reverse("access_audit"), name="access-audit", icon_name="key", order=1100
    )


@hooks.register("before_move_page")
def move_only_what_the_user_may_move(request, page_to_move, destination):
    """Wagtail's move confirmation page shows the page and the destination to anyone in the admin and checks
    the permission only when the move is posted: a moderator could read unpublished draft titles there.
    Refuse both the page and the post unless the user may move this page there (found by the probe)."""
    from wagtail.admin.auth import permission_denied

    if not page_to_move.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None
