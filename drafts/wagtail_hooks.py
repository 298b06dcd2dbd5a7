from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from drafts.admin_views import ArticleNotesView, ComparisonExportView, DraftImportView
from drafts.models import DraftIndexPage, DraftPage
from drafts.selectors import draft_list_open, draft_list_recently_closed


@hooks.register("home_page_context")
def home_page_drafts(*, request, now):
    return {
        "open_drafts": list(draft_list_open(now=now)),
        "closed_drafts": list(draft_list_recently_closed(now=now)),
    }


@hooks.register("register_admin_urls")
def draft_admin_urls():
    return [
        path("drafts/import/", DraftImportView.as_view(), name="drafts_import"),
        path("drafts/<int:page_id>/import/", DraftImportView.as_view(), name="drafts_import_version"),
        path("drafts/<int:page_id>/notes/", ArticleNotesView.as_view(), name="drafts_notes"),
        path("drafts/<int:page_id>/comparison/", ComparisonExportView.as_view(), name="drafts_comparison"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return any(index.permissions_for_user(request.user).can_add_subpage() for index in DraftIndexPage.objects.all())


@hooks.register("register_admin_menu_item")
def draft_import_menu_item():
    return ImportMenuItem(_("导入法规草案"), reverse("drafts_import"), icon_name="doc-full-inverse", order=250)


class ImportVersionButton(PageMenuItem):
    label = _("导入新版本")
    icon_name = "doc-full-inverse"
    url_name = "drafts_import_version"

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, DraftPage) and self.page.permissions_for_user(user).can_edit()


class ArticleNotesButton(PageMenuItem):
    label = _("条文释义")
    icon_name = "help"
    url_name = "drafts_notes"

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, DraftPage) and self.page.permissions_for_user(user).can_edit()


class ComparisonButton(PageMenuItem):
    label = _("修改对照表")
    icon_name = "doc-full"
    url_name = "drafts_comparison"

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, DraftPage) and self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def draft_header_buttons(page, user, view_name, next_url=None):
    yield ImportVersionButton(page=page, priority=40)
    yield ArticleNotesButton(page=page, priority=41)
    yield ComparisonButton(page=page, priority=42)


@hooks.register("register_page_listing_more_buttons")
def draft_listing_buttons(page, user, next_url=None):
    yield ImportVersionButton(page=page, priority=40)
    yield ArticleNotesButton(page=page, priority=41)
    yield ComparisonButton(page=page, priority=42)
