"""签收所选: staff acknowledge receipt of submitted batches in bulk, as a Wagtail bulk action calling
contact_points.services.batches_receive."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.bulk_actions import ListingBulkAction
from contact_points import selectors, services
from contact_points.models import BatchState, OpinionBatch
from contact_points.services import ContactPointError


class ReceiveBulkAction(ListingBulkAction):
    model = OpinionBatch
    listing = "batches"
    permission = "contact_points.receive_opinionbatch"
    error_class = ContactPointError
    row_template = "contact_points/admin/_bulk_batch_row.html"
    display_name = gettext_lazy("签收所选")
    action_button_text = gettext_lazy("签收")
    aria_label = gettext_lazy("签收所选意见汇总")
    action_type = "receive"

    @classmethod
    def url_for(cls, ids: list[int], *, next_url: str) -> str:
        """签收 on one batch's page: this bulk action's confirmation page for `ids`, coming back to `next_url`."""
        url = reverse("wagtail_bulk_action", args=["contact_points", "opinionbatch", cls.action_type])
        return f"{url}?{urlencode([*(('id', pk) for pk in ids), ('next', next_url)])}"

    @classmethod
    def selectable(cls, queryset):
        return queryset.filter(state=BatchState.SUBMITTED).select_related("contact_point", "draft")

    def listing_queryset(self, params):
        return selectors.batch_list_staff(filters=params)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"header_icon": "site"}

    def perform(self, objects, form) -> str:
        if not objects:
            raise ContactPointError(_("请先勾选要签收的意见汇总。"))
        count = services.batches_receive(staff=self.request.user, batch_ids=[b.pk for b in objects])
        return _("已签收 %(count)s 份意见汇总。") % {"count": count}
