"""Writes of the handling workflow: disposition, assignment, merging, referrals to departments.

Every change is recorded in `HandlingEvent` (who, when, before, after, why; append-only) in the same
transaction as the change. Opinions carry a `revision`: a form sends the revisions it was read at,
and a save over a change the person has not seen is refused as a conflict (nothing is written).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import (
    Department,
    Disposition,
    HandlingAction,
    HandlingEvent,
    Opinion,
    Referral,
    ReferralAttachment,
    ReferralState,
    Satisfaction,
)
from comments.selectors import feedback_generation_key
from drafts.models import Provision, ProvisionKind

REASON_REQUIRED = {Disposition.PARTLY_ADOPTED, Disposition.NOT_ADOPTED}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 10


class HandlingError(ValidationError):
    """A refused handling action, with a message in Chinese for the person who tried it."""


class ConflictError(HandlingError):
    """Someone else changed the opinion (or referral) since the form was opened."""


def can_dispose(user) -> bool:
    return user.is_authenticated and user.has_perm("comments.dispose_opinion")


def _check_staff(user) -> None:
    if not can_dispose(user):
        raise PermissionDenied(_("您没有处理意见的权限。"))


def _snapshot(opinion: Opinion) -> dict:
    return {
        "disposition": opinion.disposition,
        "reason": opinion.disposition_reason,
        "reason_public": opinion.reason_public,
        "assignee": opinion.assignee_id,
        "merged_into": opinion.merged_into_id,
        "resulting_article": opinion.resulting_article_id,
        "referral": opinion.referral_id,
    }


def _lock(opinion_ids: Iterable[int], revisions: dict[int, int] | None) -> list[Opinion]:
    """Lock the opinions (in id order, so two bulk actions never deadlock) and check their revisions."""
    ids = sorted(set(opinion_ids))
    if not ids:
        raise HandlingError(_("请先选择意见。"), code="empty")
    locked = list(Opinion.objects.select_for_update().filter(pk__in=ids, parent__isnull=True).order_by("pk"))
    if len(locked) != len(ids):
        raise HandlingError(_("所选意见有的不存在，或是回复（回复不单独处理）。请刷新后重试。"), code="missing")
    if revisions:
        changed = [o.pk for o in locked if o.pk in revisions and revisions[o.pk] != o.revision]
        if changed:
            raise ConflictError(
                _("第 %(ids)s 号意见在您打开后已被他人修改，您的修改没有保存。请刷新查看最新情况后再处理。")
                % {"ids": "、".join(str(pk) for pk in changed[:20])},
                code="conflict",
            )
    return locked


def _write(
    opinions: list[Opinion], changes: dict, *, actor, action: str, reason: str = "", now=None
) -> list[HandlingEvent]:
    """Apply the same field changes to locked opinions with one UPDATE, and record one event each."""
    now = now or timezone.now()
    before = {o.pk: _snapshot(o) for o in opinions}
    for opinion in opinions:
        for field, value in changes.items():
            setattr(opinion, field, value)
        opinion.revision += 1
    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(
        **changes, revision=F("revision") + 1, updated_at=now
    )
    events = [
        HandlingEvent(
            opinion=o,
            actor=actor,
            action=action,
            before=before[o.pk],
            after=_snapshot(o),
            reason=reason,
            created_at=now,
        )
        for o in opinions
    ]
    for draft_id in {o.draft_id for o in opinions}:
        cache.set(feedback_generation_key(draft_id), time.time_ns(), None)
    return HandlingEvent.objects.bulk_create(events, batch_size=2000)


NOTIFY_CHUNK = 500  # opinions per e-mail task: a bulk disposition of 10,000 queues 20 tasks, not 10,000


def _notify_handled(opinions: list[Opinion]) -> None:
    from django_q.tasks import async_task

    ids = [o.pk for o in opinions if o.author_id]
    chunks = [ids[i : i + NOTIFY_CHUNK] for i in range(0, len(ids), NOTIFY_CHUNK)]
    if chunks:
        transaction.on_commit(lambda: [async_task("comments.tasks.notify_authors", c, "handled") for c in chunks])


# Disposition ------------------------------------------------------------------------------------


@transaction.atomic
def opinions_dispose(
    *,
    staff,
    opinion_ids: Iterable[int],
    disposition: str,
    reason: str = "",
    reason_public: bool = True,
    revisions: dict[int, int] | None = None,
    now=None,
) -> list[Opinion]:
    """Give the same disposition and reason to every selected opinion (and to those merged into them).

    Merging and forwarding have their own services (they need a target); undecided reopens.
    """
    _check_staff(staff)
    if disposition not in (
        Disposition.UNDECIDED,
        Disposition.ADOPTED,
        Disposition.PARTLY_ADOPTED,
        Disposition.NOT_ADOPTED,
    ):
        raise HandlingError(_("请选择采纳、部分采纳或未采纳；合并和转办请用各自的操作。"), code="disposition")
    reason = (reason or "").strip()
    if disposition in REASON_REQUIRED and not reason:
        raise HandlingError(_("部分采纳或未采纳时必须填写理由说明。"), code="reason")
    now = now or timezone.now()
    opinions = _lock(opinion_ids, revisions)
    if any(o.referral_id and o.disposition == Disposition.FORWARDED for o in opinions):
        raise HandlingError(_("已转办的意见请在转办办结后再改变处理情况。"), code="forwarded")
    followers = list(
        Opinion.objects.select_for_update().filter(merged_into__in=[o.pk for o in opinions]).order_by("pk")
    )
    changes = {
        "disposition": disposition,
        "disposition_reason": reason,
        "reason_public": reason_public,
        "disposed_by": staff,
        "disposed_at": now if disposition != Disposition.UNDECIDED else None,
    }
    _write(opinions, changes, actor=staff, action=HandlingAction.DISPOSE, reason=reason, now=now)
    if followers:
        follow = {**changes, "disposition": disposition if disposition != Disposition.UNDECIDED else Disposition.MERGED}
        _write(followers, follow, actor=staff, action=HandlingAction.DISPOSE, reason=reason, now=now)
    if disposition != Disposition.UNDECIDED:
        _notify_handled(opinions + followers)
    return opinions


@transaction.atomic
def opinions_assign(*, staff, opinion_ids: Iterable[int], assignee, now=None) -> int:
    _check_staff(staff)
    if assignee is not None and not can_dispose(assignee):
        raise HandlingError(_("只能分配给法工委工作人员。"), code="assignee")
    opinions = _lock(opinion_ids, None)
    _write(opinions, {"assignee": assignee}, actor=staff, action=HandlingAction.ASSIGN, now=now)
    return len(opinions)


@transaction.atomic
def opinions_merge(
    *, staff, target_id: int, opinion_ids: Iterable[int], reason: str = "", revisions: dict[int, int] | None = None
) -> list[Opinion]:
    """The target absorbs the others: they are marked merged and follow its disposition from now on."""
    _check_staff(staff)
    ids = set(opinion_ids) - {target_id}
    if not ids:
        raise HandlingError(_("请选择要并入的其他意见。"), code="empty")
    locked = _lock(ids | {target_id}, revisions)
    target = next(o for o in locked if o.pk == target_id)
    absorbed = [o for o in locked if o.pk != target_id]
    if target.merged_into_id:
        raise HandlingError(_("目标意见本身已并入其他意见，请选择最终的那一条。"), code="target")
    if any(o.draft_id != target.draft_id for o in absorbed):
        raise HandlingError(_("只能合并同一部草案的意见。"), code="draft")
    # Opinions merged into an absorbed one move along to the target.
    chained = list(Opinion.objects.select_for_update().filter(merged_into__in=[o.pk for o in absorbed]))
    disposition = target.disposition if target.disposition != Disposition.UNDECIDED else Disposition.MERGED
    changes = {
        "merged_into": target,
        "disposition": disposition,
        "disposition_reason": target.disposition_reason if target.disposition != Disposition.UNDECIDED else reason,
        "disposed_by": staff,
        "disposed_at": timezone.now(),
    }
    _write(absorbed + chained, changes, actor=staff, action=HandlingAction.MERGE, reason=reason)
    return absorbed


@transaction.atomic
def opinion_link_change(*, staff, opinion_id: int, article_id: int | None, revision: int | None = None) -> Opinion:
    """Tie an adopted opinion to the article of a later version that changed because of it."""
    _check_staff(staff)
    (opinion,) = _lock([opinion_id], {opinion_id: revision} if revision is not None else None)
    if article_id is not None:
        if opinion.disposition not in (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED):
            raise HandlingError(_("只有采纳或部分采纳的意见才能关联修改后的条文。"), code="not_adopted")
        ok = Provision.objects.filter(
            pk=article_id,
            kind=ProvisionKind.ARTICLE,
            version__draft_id=opinion.draft_id,
            version__number__gt=opinion.version.number,
        ).exists()
        if not ok:
            raise HandlingError(_("请选择本草案后续版本中的条文。"), code="article")
    _write([opinion], {"resulting_article_id": article_id}, actor=staff, action=HandlingAction.LINK)
    return opinion


# Referrals --------------------------------------------------------------------------------------


def _referral_event(referral: Referral, *, actor, action: str, before: dict, reason: str = "", now=None):
    HandlingEvent.objects.create(
        referral=referral,
        actor=actor,
        action=action,
        before=before,
        after=_referral_snapshot(referral),
        reason=reason,
        created_at=now or timezone.now(),
    )


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
    _check_staff(staff)
    now = now or timezone.now()
    if not department.is_active:
        raise HandlingError(_("“%(name)s”已停用，不能再交办。") % {"name": department.name}, code="inactive")
    if deadline <= now:
        raise HandlingError(_("办理期限必须晚于现在。"), code="deadline")
    opinions = _lock(opinion_ids, revisions)
    if len({o.draft_id for o in opinions}) > 1:
        raise HandlingError(_("一次转办只能包含同一部草案的意见。"), code="draft")
    open_referral = [o.pk for o in opinions if o.referral_id and o.disposition == Disposition.FORWARDED]
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
        "referral": referral,
        "disposed_by": staff,
        "disposed_at": now,
    }
    _write(opinions, changes, actor=staff, action=HandlingAction.FORWARD, reason=instructions, now=now)
    _referral_event(referral, actor=staff, action=HandlingAction.FORWARD, before={}, reason=instructions, now=now)
    transaction.on_commit(lambda: _enqueue("comments.tasks.notify_referral", referral.pk, "sent"))
    _notify_handled(opinions)
    return referral


def _enqueue(task: str, *args) -> None:
    from django_q.tasks import async_task

    async_task(task, *args)


def is_liaison(user, referral: Referral) -> bool:
    return user.is_authenticated and referral.department.liaisons.filter(pk=user.pk).exists()


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
    if not is_liaison(user, referral):
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
    _referral_event(referral, actor=liaison, action=HandlingAction.ACKNOWLEDGE, before=before, now=now)
    return referral


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
    _referral_event(referral, actor=liaison, action=HandlingAction.REPLY, before=before, reason=text[:500], now=now)
    transaction.on_commit(lambda: _enqueue("comments.tasks.notify_referral", referral.pk, "replied"))
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
    _referral_event(referral, actor=liaison, action=HandlingAction.EXTEND, before=before, reason=reason, now=now)
    transaction.on_commit(lambda: _enqueue("comments.tasks.notify_referral", referral.pk, "extension"))
    return referral


@transaction.atomic
def referral_decide_extension(*, staff, referral_id: int, grant: bool, now=None) -> Referral:
    _check_staff(staff)
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
        referral, actor=staff, action=HandlingAction.EXTENSION, before=before, reason=f"{verdict}：{reason}", now=now
    )
    return referral


@transaction.atomic
def referral_review(
    *, staff, referral_id: int, accept: bool, note: str = "", revision: int | None = None, now=None
) -> Referral:
    """Staff accept the department's reply (the referral is closed) or return it to be done again."""
    _check_staff(staff)
    referral = _locked_referral(referral_id, revision)
    if referral.state != ReferralState.REPLIED:
        raise HandlingError(_("只能审核已答复的转办。"), code="state")
    now = now or timezone.now()
    before = _referral_snapshot(referral)
    if accept:
        referral.state, referral.closed_at = ReferralState.CLOSED, now
        action = HandlingAction.CLOSE
    else:
        if not note.strip():
            raise HandlingError(_("退回重办时请写明理由。"), code="reason")
        referral.state = ReferralState.ACKNOWLEDGED
        action = HandlingAction.RETURN
    _save_referral(referral, ["state", "closed_at"])
    _referral_event(referral, actor=staff, action=action, before=before, reason=note, now=now)
    if accept:
        transaction.on_commit(lambda: _enqueue("comments.tasks.notify_referral", referral.pk, "closed"))
    else:
        transaction.on_commit(lambda: _enqueue("comments.tasks.notify_referral", referral.pk, "returned"))
    return referral


def may_rate(user, referral: Referral) -> bool:
    """The author of one of its opinions, or a coordinator of the contact point that submitted one."""
    if not user.is_authenticated:
        return False
    opinions = referral.opinions.all()
    if opinions.filter(author=user).exists():
        return True
    return opinions.filter(contact_point_link__contact_point__coordinators=user).exists()


@transaction.atomic
def referral_rate(*, user, referral_id: int, rating: str, comment: str = "", now=None) -> Referral:
    """满意 / 基本满意 / 不满意. The first 不满意 reopens the referral (once); later ones are recorded."""
    referral = _locked_referral(referral_id, None)
    if not may_rate(user, referral):
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
    action = HandlingAction.RATE
    if rating == Satisfaction.UNSATISFIED and not referral.reopened:
        referral.reopened, referral.state, referral.closed_at = True, ReferralState.ACKNOWLEDGED, None
        referral.deadline = max(referral.deadline, now) + timedelta(days=settings.REFERRAL_REOPEN_DAYS)
        referral.reminded_at = None
        fields += ["reopened", "state", "closed_at", "deadline", "reminded_at"]
        action = HandlingAction.REOPEN
    _save_referral(referral, fields)
    _referral_event(referral, actor=user, action=action, before=before, reason=comment, now=now)
    if action == HandlingAction.REOPEN:
        transaction.on_commit(lambda: _enqueue("comments.tasks.notify_referral", referral.pk, "reopened"))
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
        _enqueue("comments.tasks.notify_referral", pk, "reminder")
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
        _enqueue("comments.tasks.notify_referral", pk, "overdue")
    return len(ids)
