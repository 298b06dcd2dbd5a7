"""Writes of the handling workflow: disposition, assignment, merging, the link to the changed article.

Every change is recorded in `HandlingEvent` (who, when, before, after, why; append-only) in the same
transaction as the change, and mirrored in Wagtail's site history (handling.history). Opinions carry a
`revision`: a form sends the revisions it was read at, and a save over a change the person has not seen is
refused as a conflict (nothing is written).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.schedules import enqueue
from comments.models import COUNTED_STATES, Disposition, Opinion
from comments.selectors import feedback_generation_key
from drafts.models import Provision, ProvisionKind
from handling import history
from handling.models import HandlingAction, HandlingEvent

REASON_REQUIRED = {Disposition.PARTLY_ADOPTED, Disposition.NOT_ADOPTED}


class HandlingError(ValidationError):
    """A refused handling action, with a message in Chinese for the person who tried it."""


class ConflictError(HandlingError):
    """Someone else changed the opinion (or referral) since the form was opened."""


def can_dispose(user) -> bool:
    return user.is_authenticated and user.has_perm("comments.dispose_opinion")


def check_staff(user) -> None:
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
    }


def opinions_lock(opinion_ids: Iterable[int], revisions: dict[int, int] | None) -> list[Opinion]:
    """Lock the opinions (in id order, so two bulk actions never deadlock) and check their revisions."""
    ids = sorted(set(opinion_ids))
    if not ids:
        raise HandlingError(_("请先选择意见。"), code="empty")
    locked = list(Opinion.objects.select_for_update().filter(pk__in=ids, parent__isnull=True).order_by("pk"))
    if len(locked) != len(ids):
        raise HandlingError(_("所选意见有的不存在，或是回复（回复不单独处理）。请刷新后重试。"), code="missing")
    # What is handled is what moderation let through and what came in offline (COUNTED_STATES): the same
    # opinions every figure counts. Text awaiting moderation, rejected, hidden or withdrawn is not.
    unhandled = [o.pk for o in locked if o.moderation_state not in COUNTED_STATES]
    if unhandled:
        raise HandlingError(
            _("第 %(ids)s 号意见尚未通过审核（或已被驳回、隐藏、撤回），不能处理。请先在意见审核中发布。")
            % {"ids": "、".join(str(pk) for pk in unhandled[:20])},
            code="not_counted",
        )
    if revisions:
        changed = [o.pk for o in locked if o.pk in revisions and revisions[o.pk] != o.revision]
        if changed:
            raise ConflictError(
                _("第 %(ids)s 号意见在您打开后已被他人修改，您的修改没有保存。请刷新查看最新情况后再处理。")
                % {"ids": "、".join(str(pk) for pk in changed[:20])},
                code="conflict",
            )
    return locked


def opinions_record(
    opinions: list[Opinion], changes: dict, *, actor, action: str, reason: str = "", now=None, noted: dict | None = None
) -> list[HandlingEvent]:
    """Apply the same field changes to locked opinions with one UPDATE, and record one event each.

    `noted` adds facts to each event's after-state that the opinion itself does not hold (the referral
    an opinion was forwarded in, written by the referrals app).
    """
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
            after={**_snapshot(o), **(noted or {})},
            reason=reason,
            created_at=now,
        )
        for o in opinions
    ]
    for draft_id in {o.draft_id for o in opinions}:
        cache.set(feedback_generation_key(draft_id), time.time_ns(), None)
    events = HandlingEvent.objects.bulk_create(events, batch_size=2000)
    history.log_handling(events, actor=actor, now=now)
    return events


NOTIFY_CHUNK = 500  # opinions per e-mail task: a bulk disposition of 10,000 queues 20 tasks, not 10,000


def notify_handled(opinions: list[Opinion]) -> None:
    ids = [o.pk for o in opinions if o.author_id]
    chunks = [ids[i : i + NOTIFY_CHUNK] for i in range(0, len(ids), NOTIFY_CHUNK)]
    if chunks:
        transaction.on_commit(lambda: [enqueue("comments.tasks.notify_authors", c, "handled") for c in chunks])


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
    check_staff(staff)
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
    opinions = opinions_lock(opinion_ids, revisions)
    if any(o.disposition == Disposition.FORWARDED for o in opinions):
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
    opinions_record(opinions, changes, actor=staff, action=HandlingAction.DISPOSE, reason=reason, now=now)
    if followers:
        follow = {**changes, "disposition": disposition if disposition != Disposition.UNDECIDED else Disposition.MERGED}
        opinions_record(followers, follow, actor=staff, action=HandlingAction.DISPOSE, reason=reason, now=now)
    if disposition != Disposition.UNDECIDED:
        notify_handled(opinions + followers)
    return opinions


@transaction.atomic
def opinions_assign(*, staff, opinion_ids: Iterable[int], assignee, now=None) -> int:
    check_staff(staff)
    if assignee is not None and not can_dispose(assignee):
        raise HandlingError(_("只能分配给法工委工作人员。"), code="assignee")
    opinions = opinions_lock(opinion_ids, None)
    opinions_record(opinions, {"assignee": assignee}, actor=staff, action=HandlingAction.ASSIGN, now=now)
    return len(opinions)


@transaction.atomic
def opinions_merge(
    *, staff, target_id: int, opinion_ids: Iterable[int], reason: str = "", revisions: dict[int, int] | None = None
) -> list[Opinion]:
    """The target absorbs the others: they are marked merged and follow its disposition from now on."""
    check_staff(staff)
    ids = set(opinion_ids) - {target_id}
    if not ids:
        raise HandlingError(_("请选择要并入的其他意见。"), code="empty")
    locked = opinions_lock(ids | {target_id}, revisions)
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
    opinions_record(absorbed + chained, changes, actor=staff, action=HandlingAction.MERGE, reason=reason)
    return absorbed


@transaction.atomic
def opinions_link_changes(*, actor, links: dict[int, int], now=None) -> list[HandlingEvent]:
    """Tie many opinions each to the article of a later version that changed because of them (the revision
    workspace publishing a version): one lock, one UPDATE per article, the events written together.
    Opinions already pointing at their article are left alone."""
    now = now or timezone.now()
    if not links:
        return []
    locked = list(Opinion.objects.select_for_update().filter(pk__in=list(links)).order_by("pk"))
    changing = [o for o in locked if o.resulting_article_id != links[o.pk]]
    if not changing:
        return []
    before = {o.pk: _snapshot(o) for o in changing}
    by_article: dict[int, list[int]] = {}
    for opinion in changing:
        opinion.resulting_article_id = links[opinion.pk]
        opinion.revision += 1
        by_article.setdefault(links[opinion.pk], []).append(opinion.pk)
    for article_id, ids in by_article.items():
        Opinion.objects.filter(pk__in=ids).update(
            resulting_article_id=article_id, revision=F("revision") + 1, updated_at=now
        )
    events = [
        HandlingEvent(
            opinion=o, actor=actor, action=HandlingAction.LINK, before=before[o.pk], after=_snapshot(o), created_at=now
        )
        for o in changing
    ]
    for draft_id in {o.draft_id for o in changing}:
        cache.set(feedback_generation_key(draft_id), time.time_ns(), None)
    events = HandlingEvent.objects.bulk_create(events, batch_size=2000)
    history.log_handling(events, actor=actor, now=now)
    return events


@transaction.atomic
def opinion_link_change(*, staff, opinion_id: int, article_id: int | None, revision: int | None = None) -> Opinion:
    """Tie an adopted opinion to the article of a later version that changed because of it."""
    check_staff(staff)
    (opinion,) = opinions_lock([opinion_id], {opinion_id: revision} if revision is not None else None)
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
    opinions_record([opinion], {"resulting_article_id": article_id}, actor=staff, action=HandlingAction.LINK)
    return opinion
