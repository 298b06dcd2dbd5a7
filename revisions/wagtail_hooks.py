from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from drafts.models import DraftPage
from revisions.admin_views import NodeView, PublishView, WorkspaceView


@hooks.register("register_admin_urls")
def revision_admin_urls():
    return [
        path("drafts/<int:page_id>/revision/", WorkspaceView.as_view(), name="revisions_workspace"),
        path("drafts/<int:page_id>/revision/publish/", PublishView.as_view(), name="revisions_publish"),
        path("drafts/<int:page_id>/revision/<int:node_id>/", NodeView.as_view(), name="revisions_node"),
    ]


class RevisionButton(PageMenuItem):
    label = _("修改稿")
    icon_name = "edit"
    url_name = "revisions_workspace"

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, DraftPage) and self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def revision_header_button(page, user, view_name, next_url=None):
    yield RevisionButton(page=page, priority=39)


@hooks.register("register_page_listing_more_buttons")
def revision_listing_button(page, user, next_url=None):
    yield RevisionButton(page=page, priority=39)
