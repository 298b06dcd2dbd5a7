"""Referrals for staff in the Wagtail admin: the oversight board (督办看板) and a referral's page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.permission_policies.base import ModelPermissionPolicy

from cms.viewsets import StaffViewSet
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

ACT_PERMISSION = "comments.dispose_opinion"


def _error(request, exc: HandlingError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _when(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else "—"


class StateColumn(Column):
    """Where the referral stands, and whether it was reopened after an unsatisfied rating."""

    cell_template_name = "referrals/admin/cells/state.html"


class ReferralIndexView(generic.IndexView):
    """督办看板: where every department stands and what is overdue, above every referral by filter."""

    page_title = gettext_lazy("督办看板")
    template_name = "referrals/admin/oversight.html"
    results_template_name = "referrals/admin/oversight_results.html"

    @cached_property
    def now(self):
        return timezone.now()

    def get_filterset_kwargs(self):
        return super().get_filterset_kwargs() | {"now": self.now}

    def get_queryset(self):
        return referral_list_staff(filterset=self.filters)

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "department",
                label=gettext_lazy("承办单位"),
                accessor="department.name",
                get_url=self.get_inspect_url,
            ),
            Column("draft", label=gettext_lazy("法规草案"), accessor="draft.title"),
            Column("opinion_count", label=gettext_lazy("意见数")),
            Column("created_at", label=gettext_lazy("交办时间"), accessor=lambda r: _when(r.created_at, "%Y-%m-%d")),
            Column("deadline", label=gettext_lazy("办理期限"), accessor=lambda r: _when(r.deadline)),
            StateColumn("state", label=gettext_lazy("状态")),
            Column("rating", label=gettext_lazy("满意度"), accessor=lambda r: r.get_rating_display() or "—"),
        ]

    def get_context_data(self, *args, **kwargs):
        now = self.now
        return super().get_context_data(*args, **kwargs) | {
            "rows": referral_department_counts(now=now, closed_since=now - timedelta(days=7)),
            "overdue": referral_list_staff(filters={"show": "overdue"}, now=now)[:100],
            "now": now,
        }


class ReferralInspectView(generic.InspectView):
    """One referral for staff: the opinions, the reply, accept or return it, decide an extension, history.

    Staff act here (a POST with the action chosen), so this page of one object also takes the decision;
    referrals.services does the work."""

    template_name = "referrals/admin_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Referral.objects.select_related("department", "draft", "created_by"), pk=self.pk)

    def get_page_title(self):
        return _("转办：%(department)s") % {"department": self.object.department}

    def get_page_subtitle(self):
        return ""

    def get_context_data(self, **kwargs):
        referral = self.object
        return super().get_context_data(**kwargs) | {
            "referral": referral,
            "opinions": referral_opinions(referral, for_staff=True),
            "events": referral_history(referral),
            "attachments": referral.attachments.all(),
            "overdue": referral.is_overdue(),
            "can_act": self.user_has_permission("act"),
            "awaits_review": referral.state == ReferralState.REPLIED,
            "extension_pending": referral.extension_until is not None and referral.state in IN_HAND,
        }

    def post(self, request, *args, **kwargs):
        if not self.user_has_permission("act"):
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
                    referral_id=self.object.pk,
                    accept=action == "accept",
                    note=note,
                    revision=form.cleaned_data["revision"],
                )
            else:
                services.referral_decide_extension(
                    staff=request.user, referral_id=self.object.pk, grant=action == "grant"
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


class ReferralPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's checks on the board, answered by `user.has_perm`: "view" is referrals.view_referral, and "act"
    (accept or return a reply, decide on an extension) is comments.dispose_opinion, the staff rule the
    services check too."""

    def _get_permission_name(self, action):
        return ACT_PERMISSION if action == "act" else super()._get_permission_name(action)


class ReferralViewSet(StaffViewSet):
    """督办看板 and a referral's page. Only these views exist: referrals change through the services only."""

    model = Referral
    name = "referral_board"
    url_prefix = "referrals"
    icon = "tasks"
    index_view_class = ReferralIndexView
    inspect_view_class = ReferralInspectView
    inspect_view_enabled = True
    filterset_class = ReferralStaffFilterSet
    list_per_page = 50
