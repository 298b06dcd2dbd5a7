"""Referrals (交办—督办—办复) on screen: the department liaisons' inbox and the proposers' rating page on
the public site, and the oversight board and referral page for staff in the Wagtail admin.

Every inbox view starts from `_referral`, which finds the referral among those sent to the signed-in
user's departments: another department's referral answers 404, as if it did not exist. A department
sees the opinions' text, article, channel and proposer name, never who posted them online; contact
details a proposer typed into the text are blanked out before a department sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from comments import handling
from comments.handling import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, ConflictError, HandlingError
from comments.models import (
    Department,
    HandlingAction,
    HandlingEvent,
    Opinion,
    Referral,
    ReferralAttachment,
    ReferralState,
    Satisfaction,
)

VIEW_PERMISSION = "comments.view_referral"
ACT_PERMISSION = "comments.dispose_opinion"

# Sent or acknowledged: the department is still working on it, so it can be overdue.
IN_HAND = (ReferralState.SENT, ReferralState.ACKNOWLEDGED)
OPEN = (ReferralState.SENT, ReferralState.ACKNOWLEDGED, ReferralState.REPLIED)


# Reads (selectors: they belong in comments/selectors.py, kept here while that file is being edited) ----


def referrals_of_liaison(user) -> QuerySet[Referral]:
    """The referrals sent to the departments the user is a liaison of (none for anyone else)."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(department__liaisons=user).select_related("department", "draft")


def overdue_q(now: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": IN_HAND, f"{prefix}deadline__lt": now})


INBOX_FILTERS = {
    "open": lambda now: Q(state__in=OPEN),
    "overdue": overdue_q,
    "closed": lambda now: Q(state=ReferralState.CLOSED),
}


def referral_inbox(*, user, show: str, now: datetime) -> QuerySet[Referral]:
    referrals = referrals_of_liaison(user).filter(INBOX_FILTERS[show](now)).annotate(opinion_count=Count("opinions"))
    if show == "closed":
        return referrals.order_by("-closed_at", "-id")
    return referrals.order_by("deadline", "id")


def referral_inbox_counts(*, user, now: datetime) -> dict[str, int]:
    return referrals_of_liaison(user).aggregate(
        **{name: Count("pk", filter=condition(now)) for name, condition in INBOX_FILTERS.items()}
    )


def referral_opinions(referral: Referral, *, for_staff: bool) -> QuerySet[Opinion]:
    """The forwarded opinions; for a department only what it may read (no account, e-mail, phone or IP)."""
    opinions = referral.opinions.select_related("article").order_by("article__position", "id")
    if for_staff:
        return opinions.select_related("author", "contact_point_link__contact_point")
    # Loading only these columns keeps the author out of the page even by accident.
    return opinions.only(
        "id", "body", "channel", "proposer_name", "created_at", "article", "article__label", "article__title"
    )


def referral_history(referral: Referral) -> QuerySet[HandlingEvent]:
    return referral.events.select_related("actor").order_by("created_at", "id")


@dataclass
class DepartmentCounts:
    department: Department
    open: int
    overdue: int
    awaiting_review: int
    closed: int
    closed_recently: int
    average_reply_days: float | None


def referral_department_counts(*, now: datetime, closed_since: datetime) -> list[DepartmentCounts]:
    """Per department: open, overdue, replied and awaiting review, closed (in all and since a date), and
    the average days from sending to the (latest) reply. Active departments and any that had referrals."""
    to_reply = ExpressionWrapper(F("referrals__replied_at") - F("referrals__created_at"), output_field=DurationField())
    rows = (
        Department.objects.annotate(
            total=Count("referrals"),
            open_count=Count("referrals", filter=Q(referrals__state__in=OPEN)),
            overdue_count=Count("referrals", filter=overdue_q(now, "referrals__")),
            review_count=Count("referrals", filter=Q(referrals__state=ReferralState.REPLIED)),
            closed_count=Count("referrals", filter=Q(referrals__state=ReferralState.CLOSED)),
            closed_recently=Count(
                "referrals", filter=Q(referrals__state=ReferralState.CLOSED, referrals__closed_at__gte=closed_since)
            ),
            reply_time=Avg(to_reply, filter=Q(referrals__replied_at__isnull=False)),
        )
        .filter(Q(is_active=True) | Q(total__gt=0))
        .order_by("-overdue_count", "-open_count", "name")
    )
    return [
        DepartmentCounts(
            department=row,
            open=row.open_count,
            overdue=row.overdue_count,
            awaiting_review=row.review_count,
            closed=row.closed_count,
            closed_recently=row.closed_recently,
            average_reply_days=round(row.reply_time.total_seconds() / 86400, 1) if row.reply_time else None,
        )
        for row in rows
    ]


def referral_list_staff(*, department_id: int | None = None, show: str = "") -> QuerySet[Referral]:
    referrals = Referral.objects.select_related("department", "draft").annotate(opinion_count=Count("opinions"))
    if department_id:
        referrals = referrals.filter(department_id=department_id)
    now = timezone.now()
    if show == "overdue":
        return referrals.filter(overdue_q(now)).order_by("deadline", "id")
    if show == "review":
        return referrals.filter(state=ReferralState.REPLIED).order_by("replied_at", "id")
    if show == "extension":
        return referrals.filter(state__in=IN_HAND, extension_until__isnull=False).order_by("deadline", "id")
    if show in ReferralState.values:
        referrals = referrals.filter(state=show)
    return referrals.order_by("-created_at", "-id")


# Contact details typed into a text: mainland mobiles, landlines, ID numbers (18 or 15 digits), e-mails.
_CONTACT_DETAILS = re.compile(
    r"(?<![0-9A-Za-z])(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)


def redact_contact_details(text: str) -> str:
    """Blank out phone numbers, ID numbers and e-mail addresses a proposer wrote into a text."""
    return _CONTACT_DETAILS.sub(_("（已隐去）"), text or "")


# Forms ------------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


MAX_MB = MAX_ATTACHMENT_BYTES // 1024 // 1024


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("答复内容"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    files = MultipleFileField(label=gettext_lazy("附件"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("可一次选择多个文件，最多 %(count)s 个，每个不超过 %(mb)s MB。") % {
            "count": MAX_ATTACHMENTS,
            "mb": MAX_MB,
        }

    def clean_files(self):
        # Checked here too, so that an oversized upload is refused before it is read into memory.
        files = self.cleaned_data["files"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("附件最多 %(n)s 个。") % {"n": MAX_ATTACHMENTS})
        for upload in files:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("附件“%(name)s”超过 %(mb)s MB。") % {"name": upload.name, "mb": MAX_MB})
        return files


class ExtensionForm(forms.Form):
    until = forms.DateField(label=gettext_lazy("延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean_until(self) -> datetime:
        """A date means the end of that day, local time."""
        day = self.cleaned_data["until"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("请选择今天以后的日期。"))
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=gettext_lazy("您对办理结果是否满意"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("评价意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("选填。请勿填写电话、身份证号等个人信息。"),
    )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("accept", gettext_lazy("办结")),
            ("return", gettext_lazy("退回重办")),
            ("grant", gettext_lazy("同意延期")),
            ("refuse", gettext_lazy("不同意延期")),
        ]
    )
    note = forms.CharField(required=False, max_length=2000)
    revision = forms.IntegerField(required=False, min_value=0)


def _error(request, exc: HandlingError) -> None:
    for text in exc.messages:
        messages.error(request, text)


# The department's inbox (public site) -----------------------------------------------------------


def _referral(request, pk: int) -> Referral:
    return get_object_or_404(referrals_of_liaison(request.user), pk=pk)


# Who did what, as a department is told: roles, not the names of staff or proposers.
_ACTOR_ROLE = {
    HandlingAction.ACKNOWLEDGE: gettext_lazy("承办单位"),
    HandlingAction.REPLY: gettext_lazy("承办单位"),
    HandlingAction.EXTEND: gettext_lazy("承办单位"),
    HandlingAction.RATE: gettext_lazy("意见提出人"),
    HandlingAction.REOPEN: gettext_lazy("意见提出人"),
}


def _department_history(referral: Referral) -> list[HandlingEvent]:
    events = list(referral.events.order_by("created_at", "id"))
    for event in events:
        event.role = _ACTOR_ROLE.get(event.action, _("法工委"))
        event.shown_reason = redact_contact_details(event.reason)
    return events


@login_required
def inbox(request):
    show = request.GET.get("show") if request.GET.get("show") in INBOX_FILTERS else "open"
    now = timezone.now()
    page = Paginator(referral_inbox(user=request.user, show=show, now=now), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "comments/referrals/inbox.html",
        {
            "page_obj": page,
            "show": show,
            "now": now,
            "counts": referral_inbox_counts(user=request.user, now=now),
            "is_liaison": request.user.departments.exists(),
        },
    )


def _render_detail(request, referral: Referral, *, reply_form=None, extension_form=None):
    opinions = list(referral_opinions(referral, for_staff=False))
    for opinion in opinions:
        opinion.shown_body = redact_contact_details(opinion.body)
    in_hand = referral.state in IN_HAND
    return render(
        request,
        "comments/referrals/detail.html",
        {
            "referral": referral,
            "opinions": opinions,
            "events": _department_history(referral),
            "attachments": referral.attachments.all(),
            "now": timezone.now(),
            "in_hand": in_hand,
            "reply_form": reply_form or (ReplyForm(initial={"revision": referral.revision}) if in_hand else None),
            "extension_form": extension_form
            or (ExtensionForm() if in_hand and referral.extension_until is None else None),
            "max_attachments": MAX_ATTACHMENTS,
        },
    )


@login_required
def detail(request, pk: int):
    return _render_detail(request, _referral(request, pk))


@login_required
@require_POST
def acknowledge(request, pk: int):
    referral = _referral(request, pk)
    handling.referral_acknowledge(liaison=request.user, referral_id=referral.pk)
    messages.success(request, _("已签收。请在办理期限内答复。"))
    return redirect("referrals:detail", pk=referral.pk)


@login_required
@require_POST
def reply(request, pk: int):
    referral = _referral(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        try:
            handling.referral_reply(
                liaison=request.user,
                referral_id=referral.pk,
                text=form.cleaned_data["text"],
                files=files,
                revision=form.cleaned_data["revision"],
            )
        except HandlingError as exc:
            _error(request, exc)
            referral.refresh_from_db()
            if isinstance(exc, ConflictError):
                # The page now shows what changed; sending again is a decision taken knowing it.
                data = request.POST.copy()
                data["revision"] = referral.revision
                form = ReplyForm(data)
        else:
            messages.success(request, _("答复已提交，等待法工委审核。"))
            return redirect("referrals:detail", pk=referral.pk)
    # The text stays in the form; a browser cannot keep chosen files, so they are chosen again.
    return _render_detail(request, referral, reply_form=form)


@login_required
@require_POST
def extension(request, pk: int):
    referral = _referral(request, pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            handling.referral_request_extension(
                liaison=request.user,
                referral_id=referral.pk,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except HandlingError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("延期申请已提交，等待法工委审批。"))
            return redirect("referrals:detail", pk=referral.pk)
    return _render_detail(request, referral, extension_form=form)


def _may_read_reply(user, referral: Referral) -> bool:
    """Its department and staff always; the proposers once the reply has been accepted."""
    if handling.is_liaison(user, referral) or user.has_perm(VIEW_PERMISSION):
        return True
    return referral.state == ReferralState.CLOSED and handling.may_rate(user, referral)


@login_required
def attachment(request, pk: int, attachment_id: int):
    referral = get_object_or_404(Referral.objects.select_related("department"), pk=pk)
    if not _may_read_reply(request.user, referral):
        raise Http404
    item = get_object_or_404(ReferralAttachment, pk=attachment_id, referral=referral)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=item.original_name)


# The proposers' rating page ---------------------------------------------------------------------


def awaits_rating(referral: Referral) -> bool:
    """Closed and not rated since it was last closed (the rule `handling.referral_rate` enforces)."""
    if referral.state != ReferralState.CLOSED:
        return False
    return not referral.rating or bool(
        referral.rated_at and referral.closed_at and referral.rated_at < referral.closed_at
    )


@login_required
def rate(request, pk: int):
    referral = get_object_or_404(Referral.objects.select_related("department", "draft"), pk=pk)
    if not handling.may_rate(request.user, referral):
        raise Http404
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rated = handling.referral_rate(
                user=request.user,
                referral_id=referral.pk,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except HandlingError as exc:
            _error(request, exc)
        else:
            if rated.state == ReferralState.CLOSED:
                messages.success(request, _("感谢您的评价。"))
            else:
                messages.success(request, _("感谢您的评价。我们已要求承办单位重新办理，办理结果会再通知您。"))
            return redirect("referrals:rate", pk=referral.pk)
        referral.refresh_from_db()
    user = request.user
    own = (
        referral.opinions.filter(Q(author=user) | Q(contact_point_link__contact_point__coordinators=user))
        .select_related("article")
        .distinct()
        .order_by("article__position", "id")
    )
    closed = referral.state == ReferralState.CLOSED
    return render(
        request,
        "comments/referrals/rate.html",
        {
            "referral": referral,
            "opinions": own,
            "closed": closed,
            "attachments": referral.attachments.all() if closed else [],
            "form": form if awaits_rating(referral) else None,
        },
    )


# Staff: the oversight board and a referral's page (Wagtail admin) -------------------------------


class StaffFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("承办单位"), queryset=Department.objects.all(), required=False
    )
    show = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("overdue", gettext_lazy("已逾期")),
            ("review", gettext_lazy("已答复待审核")),
            ("extension", gettext_lazy("申请延期待审批")),
            *ReferralState.choices,
        ],
    )


class ReferralBoardView(WagtailAdminTemplateMixin, View):
    """督办看板: where every department stands, what is overdue, and every referral by filter."""

    template_name = "comments/admin/oversight.html"
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
        form = StaffFilterForm(request.GET or None)
        department_id, show = None, ""
        if form.is_valid():
            department = form.cleaned_data["department"]
            department_id, show = (department.pk if department else None), form.cleaned_data["show"]
        page = Paginator(referral_list_staff(department_id=department_id, show=show), self.per_page).get_page(
            request.GET.get("p")
        )
        query = request.GET.copy()
        query.pop("p", None)
        context = self.get_context_data(
            rows=referral_department_counts(now=now, closed_since=now - timedelta(days=7)),
            overdue=referral_list_staff(show="overdue")[:100],
            filter_form=form,
            page_obj=page,
            query_string=query.urlencode(),
            now=now,
        )
        return TemplateResponse(request, self.template_name, context)


class ReferralAdminView(WagtailAdminTemplateMixin, View):
    """One referral for staff: the opinions, the reply, accept or return it, decide an extension, history."""

    template_name = "comments/referrals/admin_detail.html"
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
                handling.referral_review(
                    staff=request.user,
                    referral_id=self.referral.pk,
                    accept=action == "accept",
                    note=note,
                    revision=form.cleaned_data["revision"],
                )
            else:
                handling.referral_decide_extension(
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
