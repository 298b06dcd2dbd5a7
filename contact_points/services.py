"""Writes of the contact-point channel: solicitations, meetings, notes, batches and their submission.

A coordinator acts only on the contact points they coordinate; every service that takes a point
or one of its objects checks it (`_check_coordinator`: the rule contact_points.work_for_point), whatever
the caller. A submitted batch's
opinions are ordinary `Opinion`s (channel 基层立法联系点), created through the comments services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.directory import membership_follow
from cms.schedules import enqueue_on_commit
from cms.uploads import UploadError
from comments.models import Channel, Proposal
from comments.services import (
    OfflineOpinion,
    OpinionError,
    opinions_import,
    proposal_check,
    proposals_attach,
    proposals_stage,
    proposals_unstage,
)
from contact_points import notes as notes_reader
from contact_points import spreadsheet, uploads
from contact_points.models import (
    BatchItem,
    BatchState,
    ContactPoint,
    ContactPointOpinion,
    ItemSource,
    ItemState,
    Meeting,
    MeetingNote,
    OpinionBatch,
    Solicitation,
    SolicitationTarget,
)
from drafts.models import DraftPage, DraftVersion, Provision, ProvisionKind
from drafts.numerals import to_chinese

MAX_BATCH_ITEMS = 20_000


class ContactPointError(ValidationError):
    """A refused action, with a message in Chinese for the person who tried it."""


def _check_coordinator(user, contact_point: ContactPoint) -> None:
    if not user.has_perm("contact_points.work_for_point", contact_point):
        raise PermissionDenied(_("您不是该联系点的联络员。"))


def _notify(task: str, *args) -> None:
    enqueue_on_commit(task, *args)


# Solicitations ----------------------------------------------------------------------------------


@transaction.atomic
def solicitation_send(
    *,
    staff,
    draft: DraftPage,
    deadline: datetime,
    contact_points: list[ContactPoint],
    note: str = "",
    version: DraftVersion | None = None,
    now=None,
) -> Solicitation:
    """Send a draft's (current) version to contact points; their coordinators are e-mailed."""
    if not staff.has_perm("contact_points.add_solicitation"):
        raise PermissionDenied(_("您没有发出征询任务的权限。"))
    now = now or timezone.now()
    version = version or draft.current_version
    if version is None or version.draft_id != draft.pk:
        raise ContactPointError(_("这部草案还没有可征询的正文。"), code="no_text")
    if deadline <= now:
        raise ContactPointError(_("截止时间必须晚于现在。"), code="deadline")
    points = [p for p in contact_points if p.is_active]
    if not points:
        raise ContactPointError(_("请至少选择一个有效的联系点。"), code="no_points")
    solicitation = Solicitation.objects.create(
        draft=draft, version=version, deadline=deadline, note=note.strip(), created_by=staff, created_at=now
    )
    SolicitationTarget.objects.bulk_create(
        [SolicitationTarget(solicitation=solicitation, contact_point=p) for p in points]
    )
    _notify("contact_points.tasks.notify_solicitation", solicitation.pk)
    return solicitation


# Meetings and notes -----------------------------------------------------------------------------


@transaction.atomic
def meeting_save(*, user, meeting: Meeting) -> Meeting:
    """Create or update a meeting record of the user's own contact point."""
    _check_coordinator(user, meeting.contact_point)
    if meeting.pk is None:
        meeting.created_by = user
    meeting.full_clean()
    meeting.save()
    return meeting


@dataclass
class NoteResult:
    note: MeetingNote
    candidates: int
    batch: OpinionBatch | None
    repeated: int = 0  # candidates already in the batch (the same notes uploaded again): not added twice


@transaction.atomic
def note_upload(*, user, meeting: Meeting, name: str, data: bytes) -> NoteResult:
    """Keep an uploaded note; a .docx is read into candidate opinions in the point's open batch.

    The file is checked by its content before anything is stored, so a refused file leaves no trace.
    """
    _check_coordinator(user, meeting.contact_point)
    try:
        kind = uploads.check_note_upload(name, data)
        found = notes_reader.read_notes(data, draft_title=meeting.draft.title) if kind == "docx" else []
    except UploadError as exc:
        raise ContactPointError(exc.message, code=exc.code) from exc
    note = MeetingNote(
        meeting=meeting,
        original_name=(name or "notes")[-255:],
        kind=kind,
        size=len(data),
        uploaded_by=user,
        candidate_count=len(found),
    )
    note.file.save(f"{meeting.contact_point_id}-{meeting.pk}.{kind}", ContentFile(data), save=False)
    note.save()
    batch = None
    if found:
        batch = batch_open(user=user, contact_point=meeting.contact_point, draft=meeting.draft)
        articles = _article_ids(batch.version_id)
        start = _next_position(batch)
        known = set(batch.items.values_list("body", flat=True))
        fresh = [c for c in found if c.body not in known]
        _check_count(batch, len(fresh))
        items = []
        for i, candidate in enumerate(fresh):
            mentioned = [n for n in candidate.mentions if n in articles]
            number = candidate.article if candidate.article in articles else (mentioned or [None])[0]
            items.append(
                BatchItem(
                    batch=batch,
                    state=ItemState.CANDIDATE,
                    source=ItemSource.NOTES,
                    article_id=articles.get(number),
                    body=candidate.body,
                    proposer_name=candidate.proposer[:100],
                    meeting=meeting,
                    note=note,
                    mentions="、".join(f"第{to_chinese(n)}条" for n in candidate.mentions if 0 < n < 10000)[:255],
                    position=start + i,
                )
            )
        BatchItem.objects.bulk_create(items, batch_size=2000)
        return NoteResult(note=note, candidates=len(fresh), batch=batch, repeated=len(found) - len(fresh))
    return NoteResult(note=note, candidates=0, batch=None)


# Batches ----------------------------------------------------------------------------------------


def _article_ids(version_id: int) -> dict[int, int]:
    """Article number → provision id in one version."""
    return dict(Provision.objects.filter(version_id=version_id, kind=ProvisionKind.ARTICLE).values_list("number", "pk"))


def _next_position(batch: OpinionBatch) -> int:
    return (batch.items.aggregate(m=Max("position"))["m"] or 0) + 1


def _lock_editable(user, batch: OpinionBatch) -> OpinionBatch:
    """The batch, locked for this transaction and checked to be still a draft of the user's point.

    Every change to a batch's items takes this lock, and so does submitting: an opinion added while the
    batch is being submitted waits, then sees it submitted and is refused, instead of being left out.
    """
    locked = OpinionBatch.objects.select_for_update(of=("self",)).select_related("contact_point").get(pk=batch.pk)
    _check_coordinator(user, locked.contact_point)
    if locked.state != BatchState.DRAFT:
        raise ContactPointError(
            _("这份意见汇总已经报送，不能再修改；这条意见没有加入。如需补充，请新建一份意见汇总。"), code="frozen"
        )
    batch.state = locked.state
    return locked


def _check_count(batch: OpinionBatch, adding: int) -> None:
    if batch.items.count() + adding > MAX_BATCH_ITEMS:
        raise ContactPointError(
            _("一份意见汇总最多 %(limit)s 条意见。请先报送这一份，再新建一份。") % {"limit": MAX_BATCH_ITEMS},
            code="too_many",
        )


@transaction.atomic
def batch_open(*, user, contact_point: ContactPoint, draft: DraftPage) -> OpinionBatch:
    """The point's batch being edited for this draft, created on first use (one at a time: a partial unique
    constraint keeps two requests at once from opening two)."""
    _check_coordinator(user, contact_point)
    open_batches = OpinionBatch.objects.filter(contact_point=contact_point, draft=draft, state=BatchState.DRAFT)
    batch = open_batches.select_for_update().first()
    if batch is not None:
        return batch
    if draft.current_version_id is None or not draft.live:
        raise ContactPointError(_("这部草案还没有发布正文，不能汇总意见。"), code="no_text")
    solicitation = (
        Solicitation.objects.filter(draft=draft, targets__contact_point=contact_point).order_by("-created_at").first()
    )
    version_id = solicitation.version_id if solicitation else draft.current_version_id
    try:
        with transaction.atomic():
            return OpinionBatch.objects.create(
                contact_point=contact_point,
                draft=draft,
                version_id=version_id,
                solicitation=solicitation,
                created_by=user,
            )
    except IntegrityError:  # another request opened it a moment ago: use that one
        return open_batches.select_for_update().get()


def _checked_article(batch: OpinionBatch, article_id: int | None) -> int | None:
    if article_id is None:
        return None
    ok = Provision.objects.filter(pk=article_id, version_id=batch.version_id, kind=ProvisionKind.ARTICLE).exists()
    if not ok:
        raise ContactPointError(_("所选条文不在本次征询的草案版本中。"), code="article")
    return article_id


def _clean_text(body: str, *, limit: int = 5000) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ContactPointError(_("意见内容不能为空。"), code="empty")
    if len(body) > limit:
        raise ContactPointError(
            _("意见内容不能超过 %(limit)s 字，现在是 %(count)s 字。") % {"limit": limit, "count": len(body)},
            code="too_long",
        )
    return body


def item_key(item_id: int) -> str:
    """The key a batch item's proposed wording waits under until the batch is submitted (comments.services)."""
    return f"batchitem:{item_id}"


def _checked_proposal(batch: OpinionBatch, base_text: str | None, kind: str, text: str) -> Proposal | None:
    """A proposed wording of an item's article (whose text is ``base_text``, None for an opinion on the draft
    as a whole), checked as a citizen's is (comments.services.proposal_check)."""
    if not kind:
        return None
    if base_text is None:
        raise ContactPointError(
            _("对草案整体的意见不能附带修改建议：请先选择意见针对的条文。"), code="proposal_no_article"
        )
    try:
        return proposal_check(kind=kind, text=text, base_text=base_text, max_length=batch.draft.opinion_max_length)
    except OpinionError as exc:
        raise ContactPointError(exc.messages[0], code=exc.code) from None


@transaction.atomic
def batch_item_save(
    *,
    user,
    batch: OpinionBatch,
    body: str,
    article_id: int | None,
    proposer_name: str = "",
    proposer_category: str = "",
    meeting: Meeting | None = None,
    item: BatchItem | None = None,
    proposal_kind: str = "",
    proposal_text: str = "",
) -> BatchItem:
    """Add an opinion to a batch, or save the coordinator's edit of one (which accepts a candidate).

    A proposed wording (``proposal_kind`` modify, insert or delete) waits with the item, made on the text
    of the item's article in the batch's version, and goes with its opinion when the batch is submitted."""
    batch = _lock_editable(user, batch)
    if item is not None and item.batch_id != batch.pk:
        raise PermissionDenied
    if meeting is not None and meeting.contact_point_id != batch.contact_point_id:
        raise PermissionDenied
    if item is None:
        _check_count(batch, 1)
        item = BatchItem(batch=batch, source=ItemSource.MANUAL, position=_next_position(batch))
    item.body = _clean_text(body)
    item.article_id = _checked_article(batch, article_id)
    item.proposer_name = (proposer_name or "").strip()
    item.proposer_category = proposer_category or ""
    item.meeting = meeting if meeting is not None else item.meeting
    item.state = ItemState.ACCEPTED
    base_text = Provision.objects.values_list("text", flat=True).get(pk=item.article_id) if item.article_id else None
    proposal = _checked_proposal(batch, base_text, proposal_kind, proposal_text)
    item.full_clean(exclude=["batch", "note"])
    item.save()
    proposals_stage(proposals={item_key(item.pk): proposal})
    return item


def _sheet_proposals(batch: OpinionBatch, rows: list) -> tuple[list[Proposal | None], list[tuple[int, str]]]:
    """Each row's proposed wording checked against its article's text, and every problem as (line, message)."""
    wanted = {row.article for row in rows if row.proposal_kind}
    texts = dict(
        Provision.objects.filter(
            version_id=batch.version_id, kind=ProvisionKind.ARTICLE, number__in=wanted
        ).values_list("number", "text")
    )
    found, problems = [], []
    for row in rows:
        try:
            base_text = texts.get(row.article, "") if row.article is not None else None
            found.append(_checked_proposal(batch, base_text, row.proposal_kind, row.proposal_text))
        except ContactPointError as exc:
            problems.append((row.line, exc.messages[0]))
            found.append(None)
    return found, problems


@transaction.atomic
def batch_items_review(*, user, batch: OpinionBatch, item_ids: list[int], action: str) -> int:
    """Accept or drop candidates (or drop any items) in bulk. Returns how many changed."""
    batch = _lock_editable(user, batch)
    items = batch.items.filter(pk__in=item_ids)
    if action == "accept":
        return items.filter(state=ItemState.CANDIDATE).update(state=ItemState.ACCEPTED)
    if action == "drop":
        proposals_unstage(keys=[item_key(pk) for pk in items.values_list("pk", flat=True)])
        return items.delete()[0]
    raise ContactPointError(_("未知的操作。"), code="action")


@transaction.atomic
def batch_import_sheet(*, user, batch: OpinionBatch, name: str, data: bytes) -> int:
    """Add every row of an uploaded template; any error refuses the whole file (nothing is added)."""
    batch = _lock_editable(user, batch)
    try:
        kind = uploads.check_sheet_upload(name, data)
        articles = _article_ids(batch.version_id)
        result = spreadsheet.read_sheet(data, kind, known_articles=set(articles))
    except (UploadError, spreadsheet.SheetFileError) as exc:
        raise ContactPointError(getattr(exc, "message", str(exc)), code="file") from exc
    if result.errors:
        raise ContactPointError([error.message for error in result.errors], code="rows")
    if not result.rows:
        raise ContactPointError(_("表格中没有意见：请在“意见内容”一列填写后再上传。"), code="no_rows")
    _check_count(batch, len(result.rows))
    proposals, problems = _sheet_proposals(batch, result.rows)
    if problems:
        line = _("第 %(line)s 行：%(message)s")
        raise ContactPointError([line % {"line": n, "message": message} for n, message in problems], code="rows")
    start = _next_position(batch)
    created = BatchItem.objects.bulk_create(
        [
            BatchItem(
                batch=batch,
                source=ItemSource.SHEET,
                article_id=articles.get(row.article) if row.article else None,
                body=row.body,
                proposer_name=row.proposer,
                proposer_category=row.category,
                position=start + i,
            )
            for i, row in enumerate(result.rows)
        ],
        batch_size=2000,
    )
    _stage_proposals(created, proposals)
    return len(result.rows)


def _stage_proposals(items: list[BatchItem], proposals: list[Proposal | None]) -> None:
    proposals_stage(
        proposals={item_key(item.pk): proposal for item, proposal in zip(items, proposals, strict=True) if proposal}
    )


class ItemsError(ContactPointError):
    """Records refused as a whole; ``items`` lists every problem as (index from 0, Chinese message)."""

    def __init__(self, items: list[tuple[int, str]]):
        super().__init__(_("有 %(count)s 处错误，整批没有报送。") % {"count": len(items)}, code="items")
        self.items = items


@transaction.atomic
def batch_submit_items(*, user, contact_point: ContactPoint, draft: DraftPage, items: list, now=None) -> Submission:
    """A contact point's system reports opinions in one call: checked row by row exactly as the spreadsheet
    upload, then put in a new batch and submitted; any error refuses the whole call (nothing is stored)."""
    if len(items) > MAX_BATCH_ITEMS:
        raise ContactPointError(
            _("一份意见汇总最多 %(limit)s 条意见。请先报送这一份，再新建一份。") % {"limit": MAX_BATCH_ITEMS},
            code="too_many",
        )
    if not items:
        raise ContactPointError(_("这份意见汇总还没有意见，不能报送。"), code="empty")
    batch = batch_open(user=user, contact_point=contact_point, draft=draft)
    batch = _lock_editable(user, batch)
    if batch.items.exists():
        raise ContactPointError(
            _("这个联系点在平台上有一份正在编辑的意见汇总，请先报送或清空它，再通过接口报送。"),
            code="batch_in_progress",
        )
    articles = _article_ids(batch.version_id)
    rows, errors = spreadsheet.read_items(items, known_articles=set(articles))
    if errors:
        raise ItemsError(errors)
    proposals, problems = _sheet_proposals(batch, rows)
    if problems:
        raise ItemsError(problems)
    created = BatchItem.objects.bulk_create(
        [
            BatchItem(
                batch=batch,
                source=ItemSource.API,
                article_id=articles.get(row.article) if row.article else None,
                body=row.body,
                proposer_name=row.proposer,
                proposer_category=row.category,
                position=i + 1,
            )
            for i, row in enumerate(rows)
        ],
        batch_size=2000,
    )
    _stage_proposals(created, proposals)
    return batch_submit(user=user, batch_id=batch.pk, now=now)


@dataclass
class Submission:
    batch: OpinionBatch
    created: int  # opinions made by this call: 0 when the batch had been submitted already


def batch_submit(*, user, batch_id: int, now=None) -> Submission:
    """Freeze a batch and turn its opinions into `Opinion`s, once.

    The state flips with a conditional UPDATE inside the transaction, so of two submissions of one
    batch (a double click, two phones) exactly one creates the opinions; the other gets the batch
    back with created=0. After the deadline a batch is still accepted, and marked late.
    """
    now = now or timezone.now()
    with transaction.atomic():
        batch = (
            OpinionBatch.objects.select_for_update(of=("self",))
            .select_related("contact_point", "draft", "version", "solicitation")
            .get(pk=batch_id)
        )
        _check_coordinator(user, batch.contact_point)
        if batch.state != BatchState.DRAFT:
            return Submission(batch=batch, created=0)
        pending = batch.items.filter(state=ItemState.CANDIDATE).count()
        if pending:
            raise ContactPointError(
                _("还有 %(count)s 条从会议纪要识别出的意见没有确认：请逐条确认、修改或删除后再报送。")
                % {"count": pending},
                code="pending",
            )
        items = list(batch.items.order_by("position", "id"))
        if not items:
            raise ContactPointError(_("这份意见汇总还没有意见，不能报送。"), code="empty")
        deadline = batch.solicitation.deadline if batch.solicitation else batch.draft.closes_at
        late = deadline is not None and now > deadline
        flipped = OpinionBatch.objects.filter(pk=batch.pk, state=BatchState.DRAFT).update(
            state=BatchState.SUBMITTED, submitted_by=user, submitted_at=now, is_late=late, opinion_count=len(items)
        )
        if not flipped:  # another request submitted it in the meantime
            batch.refresh_from_db()
            return Submission(batch=batch, created=0)
        opinions = opinions_import(
            draft=batch.draft,
            version=batch.version,
            channel=Channel.CONTACT_POINT,
            opinions=[
                OfflineOpinion(body=item.body, article_id=item.article_id, proposer_name=item.proposer_name)
                for item in items
            ],
            now=now,
        )
        ContactPointOpinion.objects.bulk_create(
            [
                ContactPointOpinion(
                    opinion=opinion,
                    contact_point=batch.contact_point,
                    batch=batch,
                    meeting_id=item.meeting_id,
                    proposer_category=item.proposer_category,
                )
                for opinion, item in zip(opinions, items, strict=True)
            ],
            batch_size=2000,
        )
        proposals_attach(
            opinion_ids={item_key(item.pk): opinion.pk for opinion, item in zip(opinions, items, strict=True)}, now=now
        )
        if batch.solicitation_id:
            SolicitationTarget.objects.filter(
                solicitation_id=batch.solicitation_id, contact_point=batch.contact_point, answered_at=None
            ).update(answered_at=now)
        batch.refresh_from_db()
        _notify("contact_points.tasks.notify_batch_submitted", batch.pk)
    return Submission(batch=batch, created=len(opinions))


@transaction.atomic
def batches_receive(*, staff, batch_ids: list[int], now=None) -> int:
    """Staff acknowledge receipt of submitted batches; the submitting coordinator is told."""
    if not staff.has_perm("contact_points.receive_opinionbatch"):
        raise PermissionDenied(_("您没有签收意见汇总的权限。"))
    now = now or timezone.now()
    ids = list(OpinionBatch.objects.filter(pk__in=batch_ids, state=BatchState.SUBMITTED).values_list("pk", flat=True))
    OpinionBatch.objects.filter(pk__in=ids, state=BatchState.SUBMITTED).update(
        state=BatchState.RECEIVED, received_by=staff, received_at=now
    )
    for pk in ids:
        _notify("contact_points.tasks.notify_batch_received", pk)
    return len(ids)


def coordinator_points_follow_directory(*, user, member_of: set[str], managed: set[str]) -> None:
    """The contact points a directory user coordinates follow their directory groups (cms.directory)."""
    membership_follow(related=user.contact_points, model=ContactPoint, member_of=member_of, managed=managed)
