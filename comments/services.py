"""Writes on opinions: posting, replies, support, reports, withdrawal and moderation.

Every rule of the online channel is enforced here, whatever the caller (view, API, test): the
comment period, the length limit, rate limits, duplicates, sensitive words, campaigns, idempotent
submission. Counters (per article, per version, replies per opinion) change only here, with F().
"""

import ipaddress
import uuid
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.redaction import redact_contact_details
from cms.schedules import enqueue_on_commit
from cms.throttle import Throttle, hit_all
from comments import campaigns, fingerprints, history, sensitive
from comments.models import (
    Channel,
    Disposition,
    ModerationEvent,
    ModerationState,
    Opinion,
    Proposal,
    ProposalKind,
    Report,
    Support,
)
from drafts.models import DraftPage, DraftVersion, ModerationMode, Provision

PUBLISHED = ModerationState.PUBLISHED
_KEY_FIELD = Opinion._meta.get_field("submission_key")


class OpinionError(ValidationError):
    """A refused action, with a message for the person who tried it."""


# Rate limits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Limit:
    scope: str
    window: int
    setting: str


_LIMITS = [
    _Limit("user-minute", 60, "OPINION_RATE_PER_USER_MINUTE"),
    _Limit("user-day", 86400, "OPINION_RATE_PER_USER_DAY"),
    _Limit("ip-minute", 60, "OPINION_RATE_PER_IP_MINUTE"),
    _Limit("ip-day", 86400, "OPINION_RATE_PER_IP_DAY"),
]


def _subject_ip(ip: str) -> str:
    """IPv6 clients are limited per /64: one household or phone gets a whole /64 to rotate through."""
    if ":" in ip:
        try:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
        except ValueError:
            return ip
    return ip


def _take_rate(user_id: int, ip: str) -> None:
    """Count this attempt in every window, then refuse it if a window is over its limit.

    Counting first (atomically) means parallel requests cannot all slip under a limit together.
    """
    hits = []
    for limit in _LIMITS:
        subject = str(user_id) if limit.scope.startswith("user") else _subject_ip(ip)
        if subject:
            throttle = Throttle(
                f"opinion-{limit.scope}", limit=getattr(settings, limit.setting), window_seconds=limit.window
            )
            hits.append((throttle, subject))
    for count, (throttle, _subject) in zip(hit_all(hits), hits, strict=True):
        if count > throttle.limit:
            if throttle.window == 60:
                raise OpinionError(_("您提交得太频繁了，请过一分钟再试。"), code="rate_minute")
            raise OpinionError(
                _("今天提交的意见已达到上限（%(limit)s 条），请明天再来。") % {"limit": throttle.limit},
                code="rate_day",
            )


# Counters ---------------------------------------------------------------------------------------


def _apply_counts(opinions: list[Opinion], sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) published opinions from every kept counter, grouped."""
    if not opinions:
        return
    articles, versions, general, parents = Counter(), Counter(), Counter(), Counter()
    for opinion in opinions:
        versions[opinion.version_id] += sign
        if opinion.article_id:
            articles[opinion.article_id] += sign
        else:
            general[opinion.version_id] += sign
        if opinion.parent_id:
            parents[opinion.parent_id] += sign
    for pk, delta in articles.items():
        Provision.objects.filter(pk=pk).update(opinion_count=F("opinion_count") + delta)
    for pk, delta in versions.items():
        DraftVersion.objects.filter(pk=pk).update(
            opinion_count=F("opinion_count") + delta, general_opinion_count=F("general_opinion_count") + general[pk]
        )
    for pk, delta in parents.items():
        Opinion.objects.filter(pk=pk).update(reply_count=F("reply_count") + delta)


def _notify(opinion_id: int, event: str) -> None:
    enqueue_on_commit("comments.tasks.notify_author", opinion_id, event)


# Posting ----------------------------------------------------------------------------------------


def _clean_body(body: str, max_length: int) -> str:
    body = "".join(ch for ch in (body or "").replace("\r\n", "\n").replace("\r", "\n") if ch >= " " or ch in "\n\t")
    body = body.strip()
    if not body:
        raise OpinionError(_("意见内容不能为空。"), code="empty")
    if len(body) > max_length:
        raise OpinionError(
            _("意见不能超过 %(limit)s 字，现在是 %(count)s 字。请精简后再提交。")
            % {"limit": max_length, "count": len(body)},
            code="too_long",
        )
    return body


def _clean_wording(text: str) -> str:
    """An article's wording as typed: one 款 or 项 a line, blank lines and spaces around lines dropped."""
    text = "".join(ch for ch in (text or "").replace("\r\n", "\n").replace("\r", "\n") if ch >= " " or ch == "\n")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _no_space(text: str) -> str:
    return "".join(text.split())


def proposal_check(*, kind: str, text: str, base_text: str | None, max_length: int) -> Proposal:
    """A proposed wording checked against the text of the article it is made on (``base_text``, None for an
    opinion on the draft as a whole, which cannot have one); not saved: its opinion does not exist yet.

    The proposed text may be as long as the article plus an opinion's length limit (an added article:
    the limit itself), so that a long article can be reworded whole while nobody pastes a book.
    """
    if kind not in ProposalKind.values:
        raise OpinionError(_("未知的修改建议类型，请重新选择。"), code="proposal_kind")
    if base_text is None:
        raise OpinionError(
            _("对草案整体的意见不能附带修改建议：请在具体条文的页面提出修改建议。"), code="proposal_no_article"
        )
    text = "" if kind == ProposalKind.DELETE else _clean_wording(text)
    if kind == ProposalKind.MODIFY and not text:
        raise OpinionError(_("请填写建议修改后的条文；如果建议删除本条，请选择“删除本条”。"), code="proposal_empty")
    if kind == ProposalKind.INSERT and not text:
        raise OpinionError(_("请填写建议在本条后增加的条文。"), code="proposal_empty")
    if kind == ProposalKind.MODIFY and _no_space(text) == _no_space(base_text):
        raise OpinionError(
            _("建议修改后的条文与现在的条文相同：请修改条文后再提交，或选择“不提修改建议”。"), code="proposal_same"
        )
    limit = max_length + (len(base_text) if kind == ProposalKind.MODIFY else 0)
    if len(text) > limit:
        raise OpinionError(
            _("建议的条文不能超过 %(limit)s 字，现在是 %(count)s 字。请精简后再提交。")
            % {"limit": limit, "count": len(text)},
            code="proposal_too_long",
        )
    return Proposal(kind=kind, base_text=base_text, text=text)


def may_post_outside_period(user, draft: DraftPage) -> bool:
    """Staff answer (officially) before and after the comment period too."""
    return user.is_authenticated and user.has_perm("comments.answer_officially", draft)


def opinion_post(
    *,
    user,
    draft: DraftPage,
    body: str,
    article_id: int | None = None,
    article: Provision | None = None,
    reply_to_id: int | None = None,
    ip: str = "",
    submission_key: uuid.UUID | None = None,
    proposal_kind: str = "",
    proposal_text: str = "",
    now=None,
) -> tuple[Opinion, bool]:
    """Post an online opinion or a reply. Returns (opinion, created); a repeated submission key
    returns the opinion it made the first time with created=False.

    ``proposal_kind`` (modify, insert or delete; "" for none) attaches a proposed wording of the article,
    stored with the opinion in one transaction; replies and opinions on the draft as a whole have none."""
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        raise OpinionError(_("请先登录再发表意见。"), code="login")
    if not user.is_active or not user.confirmed_at and not user.is_superuser:
        raise OpinionError(_("请先确认您的邮箱或手机号码，再发表意见。"), code="unconfirmed")
    staff = user.has_perm("comments.answer_officially", draft)
    if not draft.live:
        raise OpinionError(_("这部草案尚未发布。"), code="not_live")
    if not staff and not draft.is_open(now):
        if proposal_kind:
            raise OpinionError(
                _("征求意见期已结束或尚未开始，不能再发表意见或提出修改建议。您填写的内容仍在下面，可以复制保存。"),
                code="closed",
            )
        raise OpinionError(_("征求意见期已结束或尚未开始，不能再发表意见。"), code="closed")
    body = _clean_body(body, draft.opinion_max_length)
    digest = fingerprints.text_hash(body)
    # One query answers both: was this very submission made already (a double click, a resent
    # form), and has this author sent the same text on this draft before? Plain SQL: on every post, the
    # ORM's compilation of this OR of conditions cost more (0.65 ms) than the query itself.
    key_value = _KEY_FIELD.get_db_prep_value(submission_key, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, submission_key FROM comments_opinion WHERE author_id = %s AND ("
            "(draft_id = %s AND text_hash = %s AND moderation_state <> %s) OR submission_key = %s) LIMIT 2",
            [user.pk, draft.pk, digest, ModerationState.WITHDRAWN, key_value],
        )
        earlier = cursor.fetchall()
    for pk, key in earlier:
        if submission_key is not None and key is not None and str(key).replace("-", "") == submission_key.hex:
            return Opinion.objects.get(pk=pk), False
    if earlier:
        raise OpinionError(_("您已经提交过相同内容的意见，请不要重复提交。"), code="duplicate")

    parent = reply_to = None
    version_id = draft.current_version_id
    if reply_to_id is not None:
        reply_to = Opinion.objects.filter(pk=reply_to_id, draft=draft).select_related("parent").first()
        if reply_to is None:
            raise OpinionError(_("要回复的意见不存在。"), code="no_parent")
        parent = reply_to.parent or reply_to
        if reply_to.moderation_state != PUBLISHED or parent.moderation_state != PUBLISHED:
            raise OpinionError(_("这条意见目前没有公开，不能回复。"), code="parent_hidden")
        article_id, version_id = parent.article_id, parent.version_id
    else:
        if article is None and article_id is not None:
            article = Provision.objects.filter(pk=article_id).only("id", "version_id", "kind").first()
        not_current = article is not None and (article.version_id != version_id or article.kind != "article")
        if not_current or (article is None and article_id is not None):
            raise OpinionError(_("这一条不在草案的当前版本中，请刷新页面后再试。"), code="no_article")
        article_id = article.pk if article is not None else None
    if version_id is None:
        raise OpinionError(_("这部草案还没有正文。"), code="no_text")
    proposal = None
    if proposal_kind:
        if reply_to is not None:
            raise OpinionError(_("回复不能附带修改建议：请在条文页面发表意见时提出。"), code="proposal_reply")
        proposal = proposal_check(
            kind=proposal_kind,
            text=proposal_text,
            base_text=article.text if article is not None else None,
            max_length=draft.opinion_max_length,
        )
    if not staff:
        _take_rate(user.pk, ip)

    # A proposed wording is published with its opinion: it is screened with it.
    held = [] if staff else sensitive.find(body if proposal is None else f"{body}\n{proposal.text}")
    published_at_once = staff or (draft.moderation_mode == ModerationMode.POST and not held)
    state = PUBLISHED if published_at_once else ModerationState.PENDING
    opinion = Opinion(
        draft=draft,
        version_id=version_id,
        article_id=article_id,
        parent=parent,
        reply_to=reply_to,
        channel=Channel.ONLINE,
        author=user,
        body=body,
        is_official=staff,
        moderation_state=state,
        held_words="、".join(held)[:255],
        text_hash=digest,
        submission_key=submission_key,
        ip_address=ip or None,
        created_at=now,
    )
    # One INSERT needs no transaction of its own (a round trip each for BEGIN and COMMIT at hundreds of
    # posts a second); counters, or a caller's transaction, need one (a savepoint inside it).
    published = state == PUBLISHED
    try:
        with transaction.atomic() if published or proposal is not None or connection.in_atomic_block else nullcontext():
            opinion.save()
            if proposal is not None:
                proposal.opinion, proposal.created_at = opinion, now
                proposal.save()
            if published:
                _apply_counts([opinion], 1)
        campaigns.schedule_check()
    except IntegrityError:
        # Posts that arrived at once all passed the check above; the unique constraints settle them. The same
        # submission: the other request made it. The same text under another key: refused as above.
        if submission_key is not None:
            earlier = Opinion.objects.filter(author=user, submission_key=submission_key).first()
            if earlier is not None:
                return earlier, False
        twin = Opinion.objects.filter(author=user, draft=draft, text_hash=digest).exclude(
            moderation_state=ModerationState.WITHDRAWN
        )
        if twin.exists():
            raise OpinionError(_("您已经提交过相同内容的意见，请不要重复提交。"), code="duplicate") from None
        raise
    return opinion, True


@dataclass(frozen=True)
class OfflineOpinion:
    """One opinion received outside the website: from a contact point, a letter or an e-mail."""

    body: str
    article_id: int | None = None
    proposer_name: str = ""


def opinions_import(
    *, draft: DraftPage, version: DraftVersion, channel: str, opinions: list[OfflineOpinion], now=None
) -> list[Opinion]:
    """Store opinions of an offline channel in one statement; they are handled like online ones.

    They never enter the public threads (state INTERNAL) and so move none of the public counters.
    Articles must belong to `version`: the caller checked them against the version's tree.
    """
    if channel == Channel.ONLINE:
        raise OpinionError(_("网上意见只能由提交人在网站上发表。"), code="channel")
    if version.draft_id != draft.pk:
        raise OpinionError(_("草案版本与草案不符。"), code="version")
    now = now or timezone.now()
    rows = [
        Opinion(
            draft=draft,
            version=version,
            article_id=item.article_id,
            channel=channel,
            # A name typed by a coordinator or read from notes: never a phone number or an e-mail address.
            proposer_name=redact_contact_details(item.proposer_name)[:100],
            body=item.body,
            moderation_state=ModerationState.INTERNAL,
            text_hash=fingerprints.text_hash(item.body),
            campaign_checked=True,  # campaigns are the online channel's
            created_at=now,
            updated_at=now,
        )
        for item in opinions
    ]
    created = Opinion.objects.bulk_create(rows, batch_size=2000)
    _regroup(draft.pk)
    return created


def _regroup(draft_id: int) -> None:
    """Near-duplicate groups are recomputed in the background once the new opinions are committed."""
    enqueue_on_commit("comments.clusters.draft_clusters_update", draft_id)


# Support, reports, withdrawal -------------------------------------------------------------------


def _published_for_action(opinion_id: int, user, *, action: str) -> Opinion:
    opinion = Opinion.objects.select_related("draft", "parent").filter(pk=opinion_id).first()
    hidden_thread = opinion is not None and opinion.parent is not None and opinion.parent.moderation_state != PUBLISHED
    if opinion is None or opinion.moderation_state != PUBLISHED or hidden_thread or not opinion.draft.live:
        raise OpinionError(_("这条意见不存在或已不再公开。"), code="not_public")
    if opinion.author_id == user.pk:
        if action == "support":
            raise OpinionError(_("不能附议自己的意见。"), code="own")
        raise OpinionError(_("不能举报自己的意见。"), code="own")
    return opinion


def opinion_support(*, user, opinion_id: int, now=None) -> int:
    """Support an opinion once. Returns its new support count."""
    if not user.is_authenticated:
        raise OpinionError(_("请先登录再附议。"), code="login")
    opinion = _published_for_action(opinion_id, user, action="support")
    if not opinion.draft.is_open(now or timezone.now()):
        raise OpinionError(_("征求意见期已结束，不能再附议。"), code="closed")
    try:
        with transaction.atomic():
            Support.objects.create(opinion=opinion, user=user)
            Opinion.objects.filter(pk=opinion.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        raise OpinionError(_("您已经附议过这条意见。"), code="twice") from None
    return Opinion.objects.values_list("support_count", flat=True).get(pk=opinion.pk)


@transaction.atomic
def opinion_report(*, user, opinion_id: int, reason: str) -> bool:
    """Report an opinion. Returns True when this report hid it for a moderator to look at."""
    if not user.is_authenticated:
        raise OpinionError(_("请先登录再举报。"), code="login")
    opinion = _published_for_action(opinion_id, user, action="report")
    try:
        with transaction.atomic():
            Report.objects.create(opinion=opinion, user=user, reason=reason)
    except IntegrityError:
        raise OpinionError(_("您已经举报过这条意见，审核员会尽快处理。"), code="twice") from None
    Opinion.objects.filter(pk=opinion.pk).update(report_count=F("report_count") + 1)
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if opinion.report_count >= settings.OPINION_REPORTS_TO_HIDE and opinion.moderation_state == PUBLISHED:
        _transition([opinion], ModerationState.HIDDEN, actor=None, reason=_("多名用户举报，暂时隐藏，等待审核员处理。"))
        return True
    return False


@transaction.atomic
def opinion_withdraw(*, user, opinion_id: int) -> Opinion:
    opinion = Opinion.objects.select_for_update().filter(pk=opinion_id, author=user).first()
    if opinion is None:
        raise OpinionError(_("没有找到这条意见。"), code="not_found")
    if opinion.moderation_state == ModerationState.WITHDRAWN:
        raise OpinionError(_("这条意见已经撤回。"), code="withdrawn")
    if opinion.disposition != Disposition.UNDECIDED:
        raise OpinionError(_("这条意见已经处理，不能撤回。"), code="handled")
    _transition([opinion], ModerationState.WITHDRAWN, actor=user, reason=_("提交人撤回"))
    return opinion


# Moderation -------------------------------------------------------------------------------------

_ALLOWED = {
    ModerationState.PUBLISHED: {ModerationState.PENDING, ModerationState.HIDDEN, ModerationState.REJECTED},
    ModerationState.REJECTED: {ModerationState.PENDING, ModerationState.HIDDEN, ModerationState.PUBLISHED},
    ModerationState.HIDDEN: {ModerationState.PENDING, ModerationState.PUBLISHED},
}


def _transition(opinions: list[Opinion], to_state: str, *, actor, reason: str) -> list[Opinion]:
    """Move locked opinions to `to_state`, keeping counters and the append-only record."""
    now = timezone.now()
    leaving = [o for o in opinions if o.moderation_state == PUBLISHED and to_state != PUBLISHED]
    arriving = [o for o in opinions if o.moderation_state != PUBLISHED and to_state == PUBLISHED]
    # A reply counts only while its thread is public: its own change moves the counters only if its
    # top-level opinion is published (before this change, or by it).
    parent_ids = {o.parent_id for o in leaving + arriving if o.parent_id}
    public_parents = set(
        Opinion.objects.filter(pk__in=parent_ids, moderation_state=PUBLISHED).values_list("pk", flat=True)
    )
    public_parents |= {o.pk for o in arriving if o.parent_id is None}
    leaving = [o for o in leaving if o.parent_id is None or o.parent_id in public_parents]
    arriving = [o for o in arriving if o.parent_id is None or o.parent_id in public_parents]
    events = ModerationEvent.objects.bulk_create(
        [
            ModerationEvent(
                opinion=o, actor=actor, from_state=o.moderation_state, to_state=to_state, reason=reason, created_at=now
            )
            for o in opinions
        ]
    )
    history.log_moderation(events, actor=actor, now=now)
    changes = {"moderation_state": to_state, "moderation_reason": reason, "moderated_at": now, "updated_at": now}
    if to_state != ModerationState.WITHDRAWN:
        changes["moderated_by"] = actor
    if to_state == PUBLISHED:
        changes["report_count"] = 0
    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(**changes)
    _apply_counts(leaving, -1)
    _apply_counts(arriving, 1)
    # A thread's published replies are seen, and counted, only while its top-level opinion is.
    for group, sign in ((leaving, -1), (arriving, 1)):
        tops = [o.pk for o in group if o.parent_id is None]
        if tops:
            replies = list(
                Opinion.objects.filter(parent_id__in=tops, moderation_state=PUBLISHED).exclude(
                    pk__in=[o.pk for o in opinions]
                )
            )
            _apply_counts(replies, sign)
    for o in opinions:
        o.moderation_state, o.moderation_reason = to_state, reason
    return opinions


@transaction.atomic
def opinions_moderate(*, moderator, opinion_ids: list[int], action: str, reason: str = "") -> list[Opinion]:
    """Publish, reject or hide online opinions in bulk. Returns the opinions that changed."""
    if not moderator.has_perm("comments.moderate_opinion"):
        raise OpinionError(_("您没有审核意见的权限。"), code="permission")
    to_state = {
        "publish": ModerationState.PUBLISHED,
        "reject": ModerationState.REJECTED,
        "hide": ModerationState.HIDDEN,
    }.get(action)
    if to_state is None:
        raise OpinionError(_("未知的审核操作。"), code="action")
    reason = (reason or "").strip()
    if to_state != PUBLISHED and not reason:
        raise OpinionError(_("不予发布或隐藏意见时，请填写理由，理由会告知提交人。"), code="reason")
    if not opinion_ids:
        raise OpinionError(_("请先选择要审核的意见。"), code="empty")
    locked = list(Opinion.objects.select_for_update().filter(pk__in=opinion_ids).order_by("pk"))
    movable = [o for o in locked if o.moderation_state in _ALLOWED[to_state]]
    if to_state == PUBLISHED:
        # A reply goes public only inside a public thread: its top-level opinion published (now or
        # in this same batch).
        parents = {o.parent_id for o in movable if o.parent_id}
        public = set(
            Opinion.objects.filter(pk__in=parents, moderation_state=PUBLISHED).values_list("pk", flat=True)
        ) | {o.pk for o in movable if o.parent_id is None}
        movable = [o for o in movable if o.parent_id is None or o.parent_id in public]
        # Tops first, so that their replies are counted once, with them.
        movable.sort(key=lambda o: o.parent_id is not None)
    _transition(movable, to_state, actor=moderator, reason=reason)
    for opinion in movable:
        if opinion.author_id and to_state in (PUBLISHED, ModerationState.REJECTED):
            _notify(opinion.pk, to_state)
    return movable


# Proposals staged before their opinion exists -------------------------------------------------


def proposals_stage(*, proposals: dict[str, Proposal | None]) -> None:
    """Keep proposals (checked by proposal_check) under their keys until their opinions exist; a None
    removes what waited under that key. Replaces whatever waited under the same keys."""
    keys = list(proposals)
    Proposal.objects.filter(staged_for__in=keys, opinion__isnull=True).delete()
    staged = []
    for key, proposal in proposals.items():
        if proposal is not None:
            proposal.pk, proposal.opinion, proposal.staged_for = None, None, key
            staged.append(proposal)
    Proposal.objects.bulk_create(staged, batch_size=2000)


def proposals_unstage(*, keys: list[str]) -> int:
    """Drop the proposals waiting under `keys` (their items were deleted). Returns how many."""
    return Proposal.objects.filter(staged_for__in=keys, opinion__isnull=True).delete()[0]


def proposals_attach(*, opinion_ids: dict[str, int], now=None) -> int:
    """Give the proposals waiting under the keys their opinions, once those are made. Returns how many.
    They keep their keys, so that the app that staged them still finds them (a submitted batch's items)."""
    waiting = list(Proposal.objects.filter(staged_for__in=list(opinion_ids), opinion__isnull=True))
    now = now or timezone.now()
    for proposal in waiting:
        proposal.opinion_id, proposal.created_at = opinion_ids[proposal.staged_for], now
    Proposal.objects.bulk_update(waiting, ["opinion", "created_at"], batch_size=2000)
    return len(waiting)
