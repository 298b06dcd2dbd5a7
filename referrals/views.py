"""Referrals (交办—督办—办复) on the public site: the department liaisons' inbox and the proposers' rating
page. Staff's screens (the oversight board and a referral's page) are in `referrals.admin_views`.

Every inbox view starts from `_referral`, which finds the referral among those sent to the signed-in
user's departments: another department's referral answers 404, as if it did not exist. A department
sees the opinions' text, article, channel and proposer name, never who posted them online; contact
details a proposer typed into the text are blanked out before a department sees it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cms import access_audit
from cms.models import AccessEventKind
from comments import sources
from handling.services import ConflictError, HandlingError
from referrals import services
from referrals.forms import ExtensionForm, RateForm, ReplyForm
from referrals.models import Referral, ReferralAction, ReferralAttachment, ReferralEvent, ReferralState
from referrals.selectors import (
    IN_HAND,
    INBOX_FILTERS,
    attach_inbox_summaries,
    redact_contact_details,
    referral_inbox,
    referral_inbox_counts,
    referral_opinions,
    referrals_of_liaison,
)
from referrals.services import MAX_ATTACHMENTS


def _error(request, exc: HandlingError) -> None:
    for text in exc.messages:
        messages.error(request, text)


# The department's inbox (public site) -----------------------------------------------------------


def _referral(request, pk: int) -> Referral:
    return get_object_or_404(referrals_of_liaison(request.user), pk=pk)


# Who did what, as a department is told: roles, not the names of staff or proposers.
_ACTOR_ROLE = {
    ReferralAction.ACKNOWLEDGE: gettext_lazy("承办单位"),
    ReferralAction.REPLY: gettext_lazy("承办单位"),
    ReferralAction.EXTEND: gettext_lazy("承办单位"),
    ReferralAction.RATE: gettext_lazy("意见提出人"),
    ReferralAction.REOPEN: gettext_lazy("意见提出人"),
}


def _department_history(referral: Referral) -> list[ReferralEvent]:
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
    page.object_list = list(page.object_list)
    attach_inbox_summaries(page.object_list)
    return render(
        request,
        "referrals/inbox.html",
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
        opinion.shown_proposer = redact_contact_details(opinion.proposer_name)
    in_hand = referral.state in IN_HAND
    return render(
        request,
        "referrals/detail.html",
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
    services.referral_acknowledge(liaison=request.user, referral_id=referral.pk)
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
            services.referral_reply(
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
            services.referral_request_extension(
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


@login_required
def attachment(request, pk: int, attachment_id: int):
    referral = get_object_or_404(Referral.objects.select_related("department"), pk=pk)
    if not request.user.has_perm("referrals.read_reply", referral):
        raise Http404
    item = get_object_or_404(ReferralAttachment, pk=attachment_id, referral=referral)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    access_audit.record(
        kind=AccessEventKind.ATTACHMENT_DOWNLOAD, request=request, obj=item, object_repr=item.original_name
    )
    return FileResponse(handle, as_attachment=True, filename=item.original_name)


# The proposers' rating page ---------------------------------------------------------------------


def awaits_rating(referral: Referral) -> bool:
    """Closed and not rated since it was last closed (the rule `services.referral_rate` enforces)."""
    if referral.state != ReferralState.CLOSED:
        return False
    return not referral.rating or bool(
        referral.rated_at and referral.closed_at and referral.rated_at < referral.closed_at
    )


@login_required
def rate(request, pk: int):
    referral = get_object_or_404(Referral.objects.select_related("department", "draft"), pk=pk)
    if not request.user.has_perm("referrals.rate_referral", referral):
        raise Http404
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rated = services.referral_rate(
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
        referral.opinions.filter(Q(author=user) | sources.spoken_for_by(user))
        .select_related("article")
        .distinct()
        .order_by("article__position", "id")
    )
    closed = referral.state == ReferralState.CLOSED
    return render(
        request,
        "referrals/rate.html",
        {
            "referral": referral,
            "opinions": own,
            "closed": closed,
            "attachments": referral.attachments.all() if closed else [],
            "form": form if awaits_rating(referral) else None,
        },
    )
