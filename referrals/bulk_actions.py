"""转交承办单位: the staff workspace's bulk action that forwards the selected opinions to a department."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from handling.bulk_actions import WorkspaceBulkAction
from referrals import services
from referrals.forms import ForwardForm
from referrals.models import Department


class ForwardBulkAction(WorkspaceBulkAction):
    display_name = gettext_lazy("转办")
    action_button_text = gettext_lazy("转交承办单位")
    aria_label = gettext_lazy("把所选意见转交承办单位办理")
    action_type = "forward"
    action_priority = 40
    form_class = ForwardForm
    locks_revisions = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["department"].choices = [
            (d.pk, d.name) for d in Department.objects.filter(is_active=True).order_by("name")
        ]
        return form

    def perform(self, objects, form) -> str:
        referral = services.opinions_forward(
            staff=self.request.user,
            opinion_ids=[o.pk for o in objects],
            department=Department.objects.get(pk=form.cleaned_data["department"]),
            deadline=form.cleaned_data["deadline"],
            instructions=form.cleaned_data["instructions"],
            revisions=self.revisions(),
        )
        return _("已将 %(count)s 条意见转交%(name)s办理。") % {
            "count": referral.opinions.count(),
            "name": referral.department.name,
        }
