"""Writes of referrals (交办—督办—办复): forwarding opinions to a department, the department's
acknowledgement, reply and extension requests, staff review, the proposers' rating, scheduled chasing.

Every step is recorded in `ReferralEvent` (append-only) in the same transaction, and mirrored in Wagtail's site
history (referrals.history); a referral carries a `revision`, so a form saved over a change its author has not
seen is refused as a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cms import uploads
from cms.directory import membership_follow
from cms.schedules import enqueue
from comments.models import Disposition
from handling.models import HandlingAction
from handling.services import ConflictError, HandlingError, check_staff, notify_handled, opinions_lock, opinions_record
from referrals import history
from referrals.models import (
    Department,
    Referral,
    ReferralAction,
    ReferralAttachment,
    ReferralEvent,
    ReferralOpinion,
    ReferralState,
    Satisfaction,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 10


def _referral_event(referral: Referral, *, actor, action: str, before: dict, reason: str = "", now=None):
    event = ReferralEvent.objects.create(
        referral=referral,
        actor=actor,
        action=action,
        before=before,
        after=_referral_snapshot(referral),
        reason=reason,
        created_at=now or timezone.now(),
    )
    history.log_referral_event(event)


def _referral_snapshot(referral: Referral) -> dict:
    return {
        "state": referral.state,
        "deadline": referral.deadline.isoformat(),
        "extension_until": referral.extension_until.isoformat() if referral.extension_until else None,
        "rating": referral.rating,
        "reopened": referral.reopened,
    }


@transaction.atomic
def opinions_forward(
    *,
    staff,
    opinion_ids: Iterable[int],
    department: Department,
    deadline: datetime,
    instructions: str = "",
    revisions: dict[int, int] | None = None,
    now=None,
) -> Referral:
    """Forward an opinion, or a whole cluster, to a department for implementation oversight."""
    check_staff(staff)
    now = now or timezone.now()
    if not department.is_active:
        raise HandlingError(_("“%(name)s”已停用，不能再交办。") % {"name": department.name}, code="inactive")
    if deadline <= now:
        raise HandlingError(_("办理期限必须晚于现在。"), code="deadline")
    opinions = opinions_lock(opinion_ids, revisions)
    if len({o.draft_id for o in opinions}) > 1:
        raise HandlingError(_("一次转办只能包含同一部草案的意见。"), code="draft")
    open_referral = [o.pk for o in opinions if o.disposition == Disposition.FORWARDED]
    if open_referral:
        raise HandlingError(
            _("第 %(ids)s 号意见已经转办。") % {"ids": "、".join(map(str, open_referral[:20]))}, code="forwarded"
        )
    referral = Referral.objects.create(
        department=department,
        draft_id=opinions[0].draft_id,
        instructions=instructions.strip(),
        deadline=deadline,
        created_by=staff,
        created_at=now,
    )
    changes = {
        "disposition": Disposition.FORWARDED,
        "disposition_reason": _("转%(name)s办理。") % {"name": department.short_name or department.name},
        "disposed_by": staff,
        "disposed_at": now,
    }
    ReferralOpinion.objects.bulk_create([ReferralOpinion(referral=referral, opinion=o) for o in opinions])
    opinions_record(
        opinions,
        changes,
        actor=staff,
        action=HandlingAction.FORWARD,
        reason=instructions,
        now=now,
        noted={"referral": referral.pk},
    )
    _referral_event(referral, actor=staff, action=ReferralAction.FORWARD, before={}, reason=instructions, now=now)
    transaction.on_commit(lambda: _enqueue("referrals.tasks.notify_referral", referral.pk, "sent"))
    notify_handled(opinions)
    return referral


def _enqueue(task: str, *args) -> None:
    enqueue(task, *args)


def _locked_referral(referral_id: int, revision: int | None) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("department").filter(pk=referral_id).first()
    )
    if referral is None:
        raise HandlingError(_("没有找到这件转办。"), code="missing")
    if revision is not None and revision != referral.revision:
        raise ConflictError(_("这件转办在您打开后已有变化，您的操作没有保存。请刷新后再试。"), code="conflict")
    return referral


def _save_referral(referral: Referral, fields: list[str]) -> None:
    referral.revision += 1
    referral.save(update_fields=[*fields, "revision"])


def _as_liaison(user, referral_id: int, revision: int | None) -> Referral:
    referral = _locked_referral(referral_id, None)
    if not user.has_perm("referrals.act_for_department", referral):
        raise PermissionDenied(_("您不是该承办单位的联络人。"))
    if revision is not None and revision != referral.revision:
        raise ConflictError(_("这件转办在您打开后已有变化，您的操作没有保存。请刷新后再试。"), code="conflict")
    return referral


@transaction.atomic
def referral_acknowledge(*, liaison, referral_id: int, now=None) -> Referral:
    referral = _as_liaison(liaison, referral_id, None)
    if referral.state != ReferralState.SENT:
        return referral  # acknowledging twice changes nothing
    before = _referral_snapshot(referral)
    referral.state, referral.acknowledged_at = ReferralState.ACKNOWLEDGED, now or timezone.now()
    _save_referral(referral, ["state", "acknowledged_at"])
    _referral_event(referral, actor=liaison, action=ReferralAction.ACKNOWLEDGE, before=before, now=now)
    return referral


def _check_attachment(name: str, data: bytes) -> None:
    """An attachment staff will open passes the uploads' safety checks (cms.uploads): no macros, zip bombs or
    entity-expanding XML in an Office file, content that agrees with its extension (found by the probe)."""
    try:
        uploads.check_upload(
            name, data, kinds=uploads.KIND_LABELS, accepted=uploads.ALL_FORMATS, limit=MAX_ATTACHMENT_BYTES
        )
    except uploads.UploadError as error:
        raise HandlingError(
            _("附件“%(name)s”：%(reason)s") % {"name": name, "reason": error.message}, code="file"
        ) from None


@transaction.atomic
def referral_reply(
    *, liaison, referral_id: int, text: str, files: list[tuple[str, bytes]] = (), revision: int | None = None, now=None
) -> Referral:
    """The department's answer, with attachments; staff then accept it (close) or return it."""
    referral = _as_liaison(liaison, referral_id, revision)
    if referral.state == ReferralState.CLOSED:
        raise HandlingError(_("这件转办已经办结，不能再答复。"), code="closed")
    if referral.state == ReferralState.REPLIED:
        raise HandlingError(_("已经答复过，正等待法工委确认；如需补充，请等待退回。"), code="replied")
    text = (text or "").strip()
    if not text:
        raise HandlingError(_("请填写答复内容。"), code="empty")
    if len(files) > MAX_ATTACHMENTS:
        raise HandlingError(_("附件最多 %(n)s 个。") % {"n": MAX_ATTACHMENTS}, code="files")
    for name, data in files:
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise HandlingError(
                _("附件“%(name)s”超过 %(mb)s MB。") % {"name": name, "mb": MAX_ATTACHMENT_BYTES // 1024 // 1024},
                code="file_size",
            )
        _check_attachment(name, data)
    now = now or timezone.now()
    before = _referral_snapshot(referral)
    referral.state, referral.reply, referral.replied_at = ReferralState.REPLIED, text, now
    referral.acknowledged_at = referral.acknowledged_at or now
    referral.extension_until, referral.extension_reason = None, ""  # a reply makes a pending request moot
    _save_referral(referral, ["state", "reply", "replied_at", "acknowledged_at", "extension_until", "extension_reason"])
    for name, data in files:
        attachment = ReferralAttachment(
            referral=referral, original_name=name[-255:], size=len(data), uploaded_by=liaison
        )
        attachment.file.save(f"{referral.pk}-{len(name)}.bin", ContentFile(data), save=False)
        attachment.save()
    _referral_event(referral, actor=liaison, action=ReferralAction.REPLY, before=before, reason=text[:500], now=now)
    transaction.on_commit(lambda: _enqueue("referrals.tasks.notify_referral", referral.pk, "replied"))
    return referral


@transaction.atomic
def referral_request_extension(*, liaison, referral_id: int, until: datetime, reason: str, now=None) -> Referral:
    referral = _as_liaison(liaison, referral_id, None)
    if referral.state not in (ReferralState.SENT, ReferralState.ACKNOWLEDGED):
        raise HandlingError(_("只有办理中的转办可以申请延期。"), code="state")
    if until <= max(referral.deadline, now or timezone.now()):
        raise HandlingError(_("延期后的期限必须晚于现在的期限，也必须晚于今天。"), code="until")
    if not (reason or "").strip():
        raise HandlingError(_("请说明延期理由。"), code="reason")
    before = _referral_snapshot(referral)
    referral.extension_until, referral.extension_reason = until, reason.strip()
    _save_referral(referral, ["extension_until", "extension_reason"])
    _referral_event(referral, actor=liaison, action=ReferralAction.EXTEND, before=before, reason=reason, now=now)
    transaction.on_commit(lambda: _enqueue("referrals.tasks.notify_referral", referral.pk, "extension"))
    return referral


@transaction.atomic
def referral_decide_extension(*, staff, referral_id: int, grant: bool, now=None) -> Referral:
    check_staff(staff)
    referral = _locked_referral(referral_id, None)
    if referral.extension_until is None:
        raise HandlingError(_("这件转办没有待审批的延期申请。"), code="none")
    if referral.state not in (ReferralState.SENT, ReferralState.ACKNOWLEDGED):
        raise HandlingError(_("只有办理中的转办才能审批延期。"), code="state")
    before = _referral_snapshot(referral)
    if grant:
        referral.deadline = referral.extension_until
        referral.reminded_at = None
    reason = referral.extension_reason
    referral.extension_until, referral.extension_reason = None, ""
    _save_referral(referral, ["deadline", "reminded_at", "extension_until", "extension_reason"])
    verdict = _("同意延期") if grant else _("不同意延期")
    _referral_event(
        referral, actor=staff, action=ReferralAction.EXTENSION, before=before, reason=f"{verdict}：{reason}", now=now
    )
    return referral


@transaction.atomic
def referral_review(
    *, staff, referral_id: int, accept: bool, note: str = "", revision: int | None = None, now=None
) -> Referral:
    """Staff accept the department's reply (the referral is closed) or return it to be done again."""
    check_staff(staff)
    referral = _locked_referral(referral_id, revision)
    if referral.state != ReferralState.REPLIED:
        raise HandlingError(_("只能审核已答复的转办。"), code="state")
    now = now or timezone.now()
    before = _referral_snapshot(referral)
    if accept:
        referral.state, referral.closed_at = ReferralState.CLOSED, now
        action = ReferralAction.CLOSE
    else:
        if not note.strip():
            raise HandlingError(_("退回重办时请写明理由。"), code="reason")
        referral.state = ReferralState.ACKNOWLEDGED
        action = ReferralAction.RETURN
    _save_referral(referral, ["state", "closed_at"])
    _referral_event(referral, actor=staff, action=action, before=before, reason=note, now=now)
    if accept:
        transaction.on_commit(lambda: _enqueue("referrals.tasks.notify_referral", referral.pk, "closed"))
    else:
        transaction.on_commit(lambda: _enqueue("referrals.tasks.notify_referral", referral.pk, "returned"))
    return referral


@transaction.atomic
def referral_rate(*, user, referral_id: int, rating: str, comment: str = "", now=None) -> Referral:
    """满意 / 基本满意 / 不满意. The first 不满意 reopens the referral (once); later ones are recorded."""
    referral = _locked_referral(referral_id, None)
    if not user.has_perm("referrals.rate_referral", referral):
        raise PermissionDenied(_("只有意见的提出人或报送意见的联系点可以评价。"))
    if referral.state != ReferralState.CLOSED:
        raise HandlingError(_("办结后才能评价。"), code="state")
    if rating not in Satisfaction.values:
        raise HandlingError(_("请选择满意、基本满意或不满意。"), code="rating")
    if referral.rating and not (referral.reopened and referral.rated_at and referral.rated_at < referral.closed_at):
        raise HandlingError(_("这件转办已经评价过了。"), code="rated")
    now = now or timezone.now()
    before = _referral_snapshot(referral)
    referral.rating, referral.rating_comment, referral.rated_at = rating, comment.strip(), now
    fields = ["rating", "rating_comment", "rated_at"]
    action = ReferralAction.RATE
    if rating == Satisfaction.UNSATISFIED and not referral.reopened:
        referral.reopened, referral.state, referral.closed_at = True, ReferralState.ACKNOWLEDGED, None
        referral.deadline = max(referral.deadline, now) + timedelta(days=settings.REFERRAL_REOPEN_DAYS)
        referral.reminded_at = None
        fields += ["reopened", "state", "closed_at", "deadline", "reminded_at"]
        action = ReferralAction.REOPEN
    _save_referral(referral, fields)
    _referral_event(referral, actor=user, action=action, before=before, reason=comment, now=now)
    if action == ReferralAction.REOPEN:
        transaction.on_commit(lambda: _enqueue("referrals.tasks.notify_referral", referral.pk, "reopened"))
    return referral


# Scheduled oversight (django-q2 schedules call these; each is idempotent) ----------------------


def referrals_remind(now=None) -> int:
    """Remind departments three days before a deadline, once per deadline."""
    now = now or timezone.now()
    due = Referral.objects.filter(
        state__in=[ReferralState.SENT, ReferralState.ACKNOWLEDGED],
        deadline__gt=now,
        deadline__lte=now + timedelta(days=3),
        reminded_at__isnull=True,
    )
    ids = list(due.values_list("pk", flat=True))
    Referral.objects.filter(pk__in=ids).update(reminded_at=now)
    for pk in ids:
        _enqueue("referrals.tasks.notify_referral", pk, "reminder")
    return len(ids)


def referrals_escalate(now=None) -> int:
    """Once a day: every overdue open referral is chased (department and staff are e-mailed)."""
    now = now or timezone.now()
    overdue = Referral.objects.filter(
        state__in=[ReferralState.SENT, ReferralState.ACKNOWLEDGED], deadline__lt=now
    ).filter(Q(escalated_at__isnull=True) | Q(escalated_at__lte=now - timedelta(hours=23)))
    ids = list(overdue.values_list("pk", flat=True))
    Referral.objects.filter(pk__in=ids).update(escalated_at=now)
    for pk in ids:
        _enqueue("referrals.tasks.notify_referral", pk, "overdue")
    return len(ids)


def liaison_departments_follow_directory(*, user, member_of: set[str], managed: set[str]) -> None:
    """The departments a directory user is liaison for follow their directory groups (cms.directory)."""
    membership_follow(related=user.departments, model=Department, member_of=member_of, managed=managed)
