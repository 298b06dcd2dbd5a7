"""The staff workspace's bulk actions (处理、分配、合并 the selected opinions), as Wagtail bulk actions that call
handling.services; the opinions are those ticked, or every opinion the workspace's filters select."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.bulk_actions import ListingBulkAction
from comments.models import Opinion
from handling import selectors, services
from handling.filters import staff_users
from handling.forms import AssignForm, DisposeForm, MergeForm
from handling.models import ReasonTemplate
from handling.services import HandlingError


class WorkspaceBulkAction(ListingBulkAction):
    """A bulk action of the staff workspace: top-level opinions only (replies are not handled on their own)."""

    model = Opinion
    listing = "workspace"
    permission = "comments.dispose_opinion"
    error_class = HandlingError
    row_template = "comments/admin/_bulk_row.html"
    header_icon = "list-ul"

    @classmethod
    def selectable(cls, queryset):
        return queryset.filter(parent__isnull=True)

    def listing_queryset(self, params):
        return selectors.opinion_list_staff(filters=params)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"header_icon": self.header_icon}


class DisposeBulkAction(WorkspaceBulkAction):
    display_name = gettext_lazy("处理")
    action_button_text = gettext_lazy("保存处理情况")
    aria_label = gettext_lazy("给所选意见填写处理情况")
    action_type = "dispose"
    action_priority = 10
    form_class = DisposeForm
    locks_revisions = True
    extra_template = "handling/admin/_reason_templates.html"

    def get_initial(self):
        return {"reason_public": True}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"templates": ReasonTemplate.objects.filter(is_active=True)}

    def perform(self, objects, form) -> str:
        done = services.opinions_dispose(
            staff=self.request.user,
            opinion_ids=[o.pk for o in objects],
            disposition=form.cleaned_data["disposition"],
            reason=form.cleaned_data["reason"],
            reason_public=form.cleaned_data["reason_public"],
            revisions=self.revisions(),
        )
        return _("已处理 %(count)s 条意见。") % {"count": len(done)}


class AssignBulkAction(WorkspaceBulkAction):
    display_name = gettext_lazy("分配")
    aria_label = gettext_lazy("把所选意见分配给承办人")
    action_type = "assign"
    action_priority = 20
    form_class = AssignForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["assignee"].choices = [("", _("取消分配")), *[(u.pk, u.known_name) for u in staff_users()]]
        return form

    def perform(self, objects, form) -> str:
        user_id = form.cleaned_data["assignee"]
        assignee = staff_users().filter(pk=user_id).first() if user_id else None
        count = services.opinions_assign(
            staff=self.request.user, opinion_ids=[o.pk for o in objects], assignee=assignee
        )
        return _("已分配 %(count)s 条意见。") % {"count": count}


class MergeBulkAction(WorkspaceBulkAction):
    display_name = gettext_lazy("合并")
    aria_label = gettext_lazy("把所选意见并入另一条意见")
    action_type = "merge"
    action_priority = 30
    form_class = MergeForm
    locks_revisions = True

    def perform(self, objects, form) -> str:
        target = form.cleaned_data["target"]
        absorbed = services.opinions_merge(
            staff=self.request.user,
            target_id=target,
            opinion_ids=[o.pk for o in objects],
            reason=form.cleaned_data["merge_reason"],
            revisions=self.revisions(),
        )
        return _("已将 %(count)s 条意见并入第 %(target)s 号意见。") % {"count": len(absorbed), "target": target}


BULK_ACTIONS = [DisposeBulkAction, AssignBulkAction, MergeBulkAction]
