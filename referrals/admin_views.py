"""Referrals for staff in the Wagtail admin: the oversight board (督办看板) and a referral's page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from handling.services import HandlingError
from referrals import services
from referrals.filters import ReferralStaffFilterSet
from referrals.forms import ReviewForm
from referrals.models import Referral, ReferralState
from referrals.selectors import (
    IN_HAND,
    referral_department_counts,
    referral_history,
    referral_list_staff,
    referral_opinions,
)

VIEW_PERMISSION = "referrals.view_referral"
ACT_PERMISSION = "comments.dispose_opinion"


def _error(request, exc: HandlingError) -> None:
    for text in exc.messages:
        messages.error(request, text)


class ReferralBoardView(WagtailAdminTemplateMixin, View):
    """督办看板: where every department stands, what is overdue, and every referral by filter."""

    template_name = "referrals/admin/oversight.html"
    page_title = gettext_lazy("督办看板")
    header_icon = "tasks"
    per_page = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("督办看板")}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        filterset = ReferralStaffFilterSet(request.GET, now=now)
        referrals = referral_list_staff(filterset=filterset)
        page = Paginator(referrals, self.per_page).get_page(request.GET.get("p"))
        query = request.GET.copy()
        query.pop("p", None)
        context = self.get_context_data(
            rows=referral_department_counts(now=now, closed_since=now - timedelta(days=7)),
            overdue=referral_list_staff(filters={"show": "overdue"}, now=now)[:100],
            filter_form=filterset.form,
            page_obj=page,
            query_string=query.urlencode(),
            now=now,
        )
        return TemplateResponse(request, self.template_name, context)


class ReferralAdminView(WagtailAdminTemplateMixin, View):
    """One referral for staff: the opinions, the reply, accept or return it, decide an extension, history."""

    template_name = "referrals/admin_detail.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        self.referral = get_object_or_404(
            Referral.objects.select_related("department", "draft", "created_by"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("转办：%(department)s") % {"department": self.referral.department}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("referrals_board"), "label": _("督办看板")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        referral = self.referral
        context = self.get_context_data(
            referral=referral,
            opinions=referral_opinions(referral, for_staff=True),
            events=referral_history(referral),
            attachments=referral.attachments.all(),
            overdue=referral.is_overdue(),
            can_act=request.user.has_perm(ACT_PERMISSION),
            awaits_review=referral.state == ReferralState.REPLIED,
            extension_pending=referral.extension_until is not None and referral.state in IN_HAND,
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(ACT_PERMISSION):
            raise PermissionDenied
        back = HttpResponseRedirect(request.path)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择要进行的操作。"))
            return back
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        try:
            if action in ("accept", "return"):
                services.referral_review(
                    staff=request.user,
                    referral_id=self.referral.pk,
                    accept=action == "accept",
                    note=note,
                    revision=form.cleaned_data["revision"],
                )
            else:
                services.referral_decide_extension(
                    staff=request.user, referral_id=self.referral.pk, grant=action == "grant"
                )
        except HandlingError as exc:
            _error(request, exc)
            return back
        done = {
            "accept": _("已办结，意见提出人会收到通知并可以评价。"),
            "return": _("已退回承办单位重新办理。"),
            "grant": _("已同意延期，办理期限已更新。"),
            "refuse": _("已不同意延期，办理期限不变。"),
        }
        messages.success(request, done[action])
        return back
