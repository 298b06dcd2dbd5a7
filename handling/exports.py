"""Exports of a draft's opinions: 意见采纳情况表 (.docx), 意见汇总报告 (.docx), and the same rows as .xlsx and .csv.

Staff start an export in the admin (handling.export_views); a django-q2 task (`export_build`) writes it
while the page shows its progress. `manage.py export_opinions` writes the same files synchronously.

The rows stream from the database as tuples (`values_list` through a server-side cursor) into writers
that stream too (handling.word_export, cms.spreadsheets), so a Civil-Code-sized
consultation of 100,000 opinions and more exports in flat memory. The summary report is made of
grouped queries only.

What counts: the top-level opinions of the draft that are published or internal (contact points,
letters, e-mails); pending, rejected, hidden and withdrawn ones, and replies, are left out
(comments.selectors.opinions_counted; every figure is a comments.tallies.OpinionTally). The source
column names the channel, the contact point and the proposer's public name, never contact data.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.dates import chinese_date
from cms.officialdoc import (
    BODY_STYLE,
    HEADING_STYLE,
    STAGE_STYLE,
    TABLE_NUMBER_STYLE,
    TITLE_STYLE,
    OfficialDocument,
    Table,
)
from cms.schedules import enqueue_on_commit
from cms.spreadsheets import write_csv, write_xlsx
from comments import sources
from comments.models import Channel, Disposition, Proposal
from comments.redline import plain_text, redline_parts, shows_outcome
from comments.selectors import opinions_counted
from comments.tallies import OpinionTally, opinion_tallies, opinion_tally
from drafts.models import DraftPage, DraftStage, Provision, ProvisionKind
from drafts.numerals import to_chinese
from handling import extensions
from handling.models import ExportFormat, ExportJob, ExportState
from handling.word_export import NO_OPINIONS, AdoptionRow, Redline, TableMeta, write_adoption_table

__all__ = [
    "adoption_rows",
    "export_build",
    "export_csv",
    "export_docx",
    "exports_expire",
    "export_request",
    "export_summary",
    "export_write",
    "export_xlsx",
    "table_meta",
]

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
PROGRESS_EVERY = 1000
EXCERPT_CHARS = 60
TOP_ARTICLES = 20
SOURCE_SEPARATOR = " · "
Progress = Callable[[int], None]

# Article text order: opinions on the draft as a whole first, then by version and position, then id.
TEXT_ORDER = (
    F("article__version__number").asc(nulls_first=True),
    F("article__position").asc(nulls_first=True),
    "id",
)


def _counted(draft_id: int):
    """The opinions an export shows: top-level, published or internal."""
    return opinions_counted(draft_id=draft_id)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


# Rows -------------------------------------------------------------------------------------------

_ROW_COLUMNS = (
    "id",
    "created_at",
    "article_id",
    "body",
    "channel",
    "source_name",
    "is_official",
    "author_id",
    "author__display_name",
    "proposer_name",
    "disposition",
    "disposition_reason",
    "merged_into_id",
    "proposal__kind",
    "proposal__base_text",
    "proposal__text",
    "resulting_article__label",
    "resulting_article__text",
    "resulting_article__version__number",
    "resulting_article__version__draft_id",
)


def _excerpt(text: str) -> str:
    flat = "".join(line.strip() for line in text.splitlines())
    return flat[:EXCERPT_CHARS] + ("…" if len(flat) > EXCERPT_CHARS else "")


def _articles(draft_id: int) -> dict[int, tuple[str, str]]:
    """(label, excerpt) of every article the draft's opinions are on: one query, a few thousand rows
    at most. When the opinions span several versions the label names the version's stage."""
    rows = list(
        Provision.objects.filter(pk__in=_counted(draft_id).filter(article__isnull=False).values("article_id"))
        .values_list("pk", "label", "text", "version__number", "version__stage")
        .order_by()
    )
    several = len({number for _pk, _label, _text, number, _stage in rows}) > 1
    stages = _labels(DraftStage)
    return {
        pk: (f"{label}（{stages.get(stage, stage)}）" if several else label, _excerpt(text))
        for pk, label, text, _number, stage in rows
    }


# The 来源 cell in few characters, so that a row takes one or two lines, not four.
SHORT_CHANNELS = {
    Channel.ONLINE: gettext_lazy("网上"),
    Channel.CONTACT_POINT: gettext_lazy("联系点"),
    Channel.LETTER: gettext_lazy("来信"),
    Channel.EMAIL: gettext_lazy("邮件"),
}
POINT_SUFFIXES = ("基层立法联系点", "立法联系点", "联系点")


def short_source_name(name: str) -> str:
    """上城区湖滨街道基层立法联系点 → 上城区湖滨街道 (the channel already says 联系点)."""
    for suffix in POINT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _redline(kind: str | None, base_text: str, text: str) -> Redline | None:
    """An opinion's proposed wording, marked against the text it was made on (comments.redline)."""
    if kind is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        heading, parts = redline_parts(Proposal(kind=kind, base_text=base_text, text=text))
    return Redline(heading, tuple(parts))


def _published_through(draft_id: int) -> int | None:
    """The number of the draft's current version: later ones (a working copy) are not published text."""
    return DraftPage.objects.filter(pk=draft_id).values_list("current_version__number", flat=True).first()


def _records(draft_id: int) -> Iterator[tuple[int, datetime, AdoptionRow]]:
    """(opinion id, submitted at, row) in article text order, streamed from the database."""
    with translation.override(settings.LANGUAGE_CODE):
        articles = _articles(draft_id)
        channels, dispositions = {k: str(v) for k, v in SHORT_CHANNELS.items()}, _labels(Disposition)
        general = _("总体意见")
        anonymous, official = _("匿名"), _("立法机关工作人员")
        became = _("修改为：")
    published_through = _published_through(draft_id)
    replies = {k: v for found in extensions.export_replies.call(draft_id) for k, v in found.items()}
    counted = sources.annotate_name(_counted(draft_id))
    rows = counted.order_by(*TEXT_ORDER).values_list(*_ROW_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    for (
        pk,
        created_at,
        article_id,
        body,
        channel,
        point,
        is_official,
        author_id,
        display_name,
        proposer_name,
        disposition,
        reason,
        merged_into_id,
        proposal_kind,
        proposal_base,
        proposal_text,
        result_label,
        result_text,
        result_number,
        result_draft_id,
    ) in rows:
        label, excerpt = articles[article_id] if article_id else (general, "")
        # Opinion.public_name, from the row's columns: the display name, never contact data. 匿名 only for
        # an online citizen's comment; an offline opinion with no named proposer names nobody.
        if is_official:
            name = official
        elif author_id is None:
            name = proposer_name
        else:
            name = display_name or anonymous
        parts = [channels.get(channel, channel), short_source_name(point) if point else "", name]
        source = SOURCE_SEPARATOR.join(part for part in parts if part)
        shown = dispositions.get(disposition, disposition)
        if merged_into_id:
            # A merged opinion either waits for its target's disposition (已合并) or follows it.
            shown += _("（并入第%(pk)s号意见）") % {"pk": merged_into_id}
        if pk in replies:
            reason = "\n".join(part for part in (reason, replies[pk]) if part)
        outcome = ""
        if shows_outcome(
            disposition=disposition,
            draft_id=draft_id,
            result_draft_id=result_draft_id,
            result_number=result_number,
            current_number=published_through,
        ):
            outcome = f"{became}{result_label}　{result_text}"
        proposal = _redline(proposal_kind, proposal_base, proposal_text)
        yield pk, created_at, AdoptionRow(label, excerpt, body, source, shown, reason, proposal, outcome)


def adoption_rows(draft_id: int) -> Iterator[AdoptionRow]:
    """The rows of the adoption table, grouped by article in text order, streamed from the database."""
    return (row for _pk, _created, row in _records(draft_id))


def _period(draft: DraftPage) -> str:
    if draft.opens_at and draft.closes_at:
        return f"{chinese_date(draft.opens_at)}至{chinese_date(draft.closes_at)}"
    if draft.opens_at:
        return _("自%(date)s起") % {"date": chinese_date(draft.opens_at)}
    return ""


def _version_label(draft: DraftPage) -> str:
    version = draft.current_version
    return str(version.get_stage_display() if version else draft.get_stage_display())


def table_meta(draft: DraftPage) -> TableMeta:
    """The title block: draft, version, period, totals by disposition, date made."""
    tally = opinion_tally(draft_id=draft.pk)
    with translation.override(settings.LANGUAGE_CODE):
        totals = [(_("意见总数"), tally.count)]
        totals += [(str(label), tally.of(value)) for value, label in Disposition.choices if tally.of(value)]
        return TableMeta(
            draft_title=draft.title,
            version_label=_version_label(draft),
            period=_period(draft),
            totals=totals,
            generated=chinese_date(timezone.now()),
            maker=settings.OFFICE_NAME,
        )


def _draft(draft_id: int) -> DraftPage:
    return DraftPage.objects.select_related("current_version").get(pk=draft_id)


# The adoption table, .xlsx and .csv ---------------------------------------------------------------


def export_docx(out: BinaryIO, draft_id: int, progress: Progress | None = None) -> int:
    """意见采纳情况表 as .docx (handling.word_export); returns the number of rows."""
    draft = _draft(draft_id)
    return write_adoption_table(
        out, meta=table_meta(draft), rows=adoption_rows(draft_id), progress=progress, progress_every=PROGRESS_EVERY
    )


SHEET_COLUMNS = (
    ("序号", 7),
    ("编号", 10),
    ("条款", 12),
    ("意见内容", 60),
    ("修改建议", 50),
    ("来源", 30),
    ("处理情况", 16),
    ("理由说明", 40),
    ("提交时间", 18),
)


def _sheet_values(draft_id: int, progress: Progress | None) -> Iterator[tuple]:
    """The spreadsheet rows, numbered; progress every PROGRESS_EVERY rows and at the end."""
    number = 0
    for number, (pk, created_at, row) in enumerate(_records(draft_id), 1):
        submitted = timezone.localtime(created_at).replace(tzinfo=None, microsecond=0)
        proposal = plain_text(row.proposal.heading, row.proposal.parts) if row.proposal else ""
        reason = "\n".join(part for part in (row.reason, row.outcome) if part)
        yield number, pk, row.article, row.body, proposal, row.source, row.disposition, reason, submitted
        if progress and number % PROGRESS_EVERY == 0:
            progress(number)
    if progress and number % PROGRESS_EVERY:
        progress(number)


def _sheet_title(meta: TableMeta) -> str:
    stage = f"（{meta.version_label}）" if meta.version_label else ""
    return f"《{meta.draft_title.strip().strip('《》')}》意见采纳情况表{stage}"


def export_xlsx(out: BinaryIO, draft_id: int, progress: Progress | None = None) -> int:
    """The adoption table's rows as .xlsx, streamed (cms.spreadsheets)."""
    meta = table_meta(_draft(draft_id))
    return write_xlsx(
        out,
        sheet_title=_("意见采纳情况"),
        title=_sheet_title(meta),
        columns=SHEET_COLUMNS,
        rows=_sheet_values(draft_id, progress),
    )


def export_csv(out: BinaryIO, draft_id: int, progress: Progress | None = None) -> int:
    """The adoption table's rows as CSV (cms.spreadsheets): UTF-8 with a BOM, a header row."""
    return write_csv(out, header=[label for label, _width in SHEET_COLUMNS], rows=_sheet_values(draft_id, progress))


# The summary report -------------------------------------------------------------------------------


Tallies = list[tuple[str, OpinionTally]]


def _cells(tally: OpinionTally) -> list[str]:
    return [str(tally.count), str(tally.handled), str(tally.adopted), tally.rate_text]


def _tallies(draft_id: int, key: str) -> dict:
    """The tally of each group of the draft's counted opinions, by the value of `key`."""
    return opinion_tallies(key, draft_id=draft_id)


def _source_tallies(draft_id: int) -> Tallies:
    """(source name, tally) of the draft's counted opinions that came through a source (a contact point)."""
    counted = sources.annotate_name(_counted(draft_id)).filter(sources.has_source())
    return list(opinion_tallies("source_name", opinions=counted).items())


@dataclass
class Summary:
    total: OpinionTally
    channels: Tallies
    chapters: Tallies  # empty when the draft has no chapters
    contact_points: Tallies
    articles: Tallies  # the most discussed, most first


def summary_figures(draft_id: int) -> Summary:
    """Every figure of the summary report, from three grouped queries and the draft's headings."""
    with translation.override(settings.LANGUAGE_CODE):
        channel_labels = _labels(Channel)
        by_channel = _tallies(draft_id, "channel")
        total = OpinionTally.total(by_channel.values())
        channels = [(channel_labels[value], by_channel[value]) for value in Channel.values if value in by_channel]
        points = _source_tallies(draft_id)
        points.sort(key=lambda row: (-row[1].count, row[0]))
        per_article = _tallies(draft_id, "article_id")
        chapters, articles = _chapters_and_articles(per_article)
        return Summary(total, channels, chapters, points, articles)


def _chapters_and_articles(per_article: dict[int | None, OpinionTally]) -> tuple[Tallies, Tallies]:
    """Tallies by chapter (in text order) and the most discussed articles, from the per-article tallies."""
    general = per_article.pop(None, None)
    provisions = list(
        Provision.objects.filter(pk__in=list(per_article)).values_list(
            "pk", "label", "parent_id", "version_id", "version__number", "version__stage", "position"
        )
    )
    version_ids = {row[3] for row in provisions}
    headings = {
        pk: (parent_id, kind, label, title, position)
        for pk, parent_id, kind, label, title, position in Provision.objects.filter(
            version_id__in=version_ids,
            kind__in=[ProvisionKind.PART, ProvisionKind.SUBPART, ProvisionKind.CHAPTER, ProvisionKind.SECTION],
        ).values_list("pk", "parent_id", "kind", "label", "title", "position")
    }
    several_versions = len({row[4] for row in provisions}) > 1
    stages = _labels(DraftStage)

    chapter_tallies: dict[str, OpinionTally] = {}
    chapter_order: dict[str, tuple] = {}
    unchaptered = OpinionTally()
    any_chapter = False
    ranked = []
    for pk, label, parent_id, _version_id, number, stage, position in provisions:
        tally = per_article[pk]
        name = f"{label}（{stages.get(stage, stage)}）" if several_versions else label
        ranked.append(((-tally.count, number, position), name, tally))
        chapter = _chapter_name(parent_id, headings)
        if chapter is None:
            unchaptered += tally
            continue
        any_chapter = True
        chapter_name, chapter_position = chapter
        chapter_tallies[chapter_name] = chapter_tallies.get(chapter_name, OpinionTally()) + tally
        at = (number, chapter_position)
        chapter_order[chapter_name] = min(chapter_order.get(chapter_name, at), at)
    chapters: Tallies = []
    if any_chapter:
        if general:
            chapters.append((_("对草案整体的意见"), general))
        chapters += [(name, chapter_tallies[name]) for name in sorted(chapter_tallies, key=chapter_order.__getitem__)]
        if unchaptered.count:
            chapters.append((_("不属于任何一章的条文"), unchaptered))
    ranked.sort(key=lambda item: item[0])
    return chapters, [(name, tally) for _key, name, tally in ranked[:TOP_ARTICLES]]


def _chapter_name(parent_id: int | None, headings: dict) -> tuple[str, int] | None:
    """The chapter an article is in (through a section if any), named with its part: (name, position)."""
    chain = []
    while parent_id is not None and parent_id in headings:
        chain.append(headings[parent_id])
        parent_id = headings[parent_id][0]
    chapter = next((h for h in chain if h[1] == ProvisionKind.CHAPTER), None)
    if chapter is None:
        return None
    _parent, _kind, label, title, position = chapter
    parts = [h[2] for h in reversed(chain) if h[1] in (ProvisionKind.PART, ProvisionKind.SUBPART)]
    return "　".join([*parts, f"{label}　{title}".strip("　 ")]), position


def export_summary(out: BinaryIO, draft_id: int, progress: Progress | None = None) -> int:
    """意见汇总报告 as .docx in official-document style; returns the number of opinions it covers."""
    draft = _draft(draft_id)
    with translation.override(settings.LANGUAGE_CODE):
        figures = summary_figures(draft_id)
        document = _summary_document(draft, figures)
    document.save(out)
    if progress:
        progress(figures.total.count)
    return figures.total.count


def _summary_document(draft: DraftPage, figures: Summary) -> OfficialDocument:
    title = f"《{draft.title.strip().strip('《》')}》意见汇总报告"
    document = OfficialDocument(title)
    document.paragraph(TITLE_STYLE, title)
    stage = _version_label(draft)
    if stage:
        document.paragraph(STAGE_STYLE, f"（{stage}）")
    document.paragraph(BODY_STYLE)
    document.paragraph(BODY_STYLE, _overview(draft, figures))
    if figures.total.count:
        header = [_("意见数"), _("已处理"), _("采纳（含部分采纳）"), _("采纳率")]
        shares = [34, 15, 15, 20, 16]
        sections = [
            (_("按来源渠道统计"), _("渠道"), figures.channels),
            (_("按章统计"), _("章"), figures.chapters),
            (_("按基层立法联系点统计"), _("基层立法联系点"), figures.contact_points),
        ]
        number = 0
        for heading, first, rows in sections:
            if not rows:
                continue
            number += 1
            document.paragraph(HEADING_STYLE, f"{to_chinese(number)}、{heading}")
            total = OpinionTally.total(tally for _name, tally in rows)
            table = [*([name, *_cells(tally)] for name, tally in rows), [_("合计"), *_cells(total)]]
            _table(document, [first, *header], table, shares)
        if figures.articles:
            number += 1
            heading = _("意见最多的%(n)s个条文") % {"n": len(figures.articles)}
            document.paragraph(HEADING_STYLE, f"{to_chinese(number)}、{heading}")
            table = [[str(i), name, str(t.count), str(t.adopted)] for i, (name, t) in enumerate(figures.articles, 1)]
            _table(document, [_("序号"), _("条文"), _("意见数"), _("采纳（含部分采纳）")], table, [12, 38, 25, 25])
        document.paragraph(
            BODY_STYLE, _("注：采纳率为采纳和部分采纳的意见占已处理意见的比例；已合并、转办的意见计入已处理。")
        )
    return document


def _overview(draft: DraftPage, figures: Summary) -> str:
    name = f"《{draft.title.strip().strip('《》')}》"
    period = _period(draft)
    if not figures.total.count:
        return name + (_("征求意见期间为%(period)s。") % {"period": period} if period else "") + NO_OPINIONS
    labels = _labels(Disposition)
    text = name + (_("于%(period)s公开征求意见，") % {"period": period} if period else "")
    text += _("共收到意见%(n)s条") % {"n": figures.total.count}
    text += "，其中" + "，".join(f"{label}{tally.count}条" for label, tally in figures.channels) + "。"
    total = figures.total
    handled = [
        f"{labels[value]}{total.of(value)}条"
        for value in Disposition.values
        if value != Disposition.UNDECIDED and total.of(value)
    ]
    text += _("已处理%(n)s条") % {"n": total.handled}
    if handled:
        text += "，其中" + "、".join(handled)
    text += (_("；尚待处理%(n)s条") % {"n": total.undecided} if total.undecided else "") + "。"
    text += _("采纳率为%(rate)s。") % {"rate": total.rate_text}
    return text


def _table(document: OfficialDocument, header: list[str], rows: list[list[str]], shares: list[int]) -> None:
    """A table with column widths in shares of the text width, its figures aligned right, and a
    header row that repeats on every page; a blank line after it."""
    table = Table.by_shares(document.text_width, shares, number_style=TABLE_NUMBER_STYLE)
    document.table(table, rows, header=header)
    document.paragraph(BODY_STYLE)


# Jobs ---------------------------------------------------------------------------------------------

WRITERS: dict[str, Callable[..., int]] = {
    ExportFormat.DOCX: export_docx,
    ExportFormat.SUMMARY: export_summary,
    ExportFormat.XLSX: export_xlsx,
    ExportFormat.CSV: export_csv,
}
FILE_NAMES = {
    ExportFormat.DOCX: ("意见采纳情况表", "docx"),
    ExportFormat.SUMMARY: ("意见汇总报告", "docx"),
    ExportFormat.XLSX: ("意见采纳情况表", "xlsx"),
    ExportFormat.CSV: ("意见采纳情况表", "csv"),
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_write(fmt: str, out: BinaryIO, draft_id: int, progress: Progress | None = None) -> int:
    """Write one export of the draft to `out`; returns the number of opinions in it."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}")
    return WRITERS[fmt](out, draft_id, progress=progress)


def export_filename(fmt: str, slug: str, at: datetime) -> str:
    """意见采纳情况表-<slug>-20261201-0930.docx (local time)."""
    stem, extension = FILE_NAMES[fmt]
    return f"{stem}-{slug}-{timezone.localtime(at):%Y%m%d-%H%M}.{extension}"


def export_content_type(fmt: str) -> str:
    return CONTENT_TYPES[FILE_NAMES[fmt][1]]


def export_count(draft_id: int) -> int:
    """How many opinions an export of the draft covers: its counted opinions."""
    return _counted(draft_id).count()


def _scratch_dir() -> Path:
    """Where files being written wait: one directory, so a killed worker's leftovers can be found."""
    path = Path(getattr(settings, "EXPORT_SCRATCH_DIR", "") or Path(tempfile.gettempdir()) / "legislation-exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_scratch(job_id: int) -> int:
    removed = 0
    for leftover in _scratch_dir().glob(f"export-{job_id}-*"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed


def export_build(job_id: int, now=None) -> None:
    """The django-q2 task: write the job's file, reporting progress and a heartbeat; it ends done or failed.

    A job is claimed from QUEUED in one conditional UPDATE, so a job queued twice (the watchdog re-queued it
    while the broker still held it) is written once."""
    now = now or timezone.now()
    job = ExportJob.objects.select_related("draft").filter(pk=job_id).first()
    if job is None:
        return
    jobs = ExportJob.objects.filter(pk=job_id)
    claimed = jobs.filter(state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, attempts=F("attempts") + 1, heartbeat_at=now, done=0, error="", finished_at=None
    )
    if not claimed:
        return  # done, failed, or being written by another worker

    def progress(done: int) -> None:
        jobs.update(done=done, heartbeat_at=timezone.now())

    try:
        total = export_count(job.draft_id)
        jobs.update(total=total, heartbeat_at=timezone.now())
        suffix = f".{FILE_NAMES[job.format][1]}"
        with tempfile.NamedTemporaryFile(prefix=f"export-{job_id}-", suffix=suffix, dir=_scratch_dir()) as scratch:
            count = export_write(job.format, scratch, job.draft_id, progress=progress)
            scratch.flush()
            scratch.seek(0)
            finished = timezone.now()
            job.file.save(export_filename(job.format, job.draft.slug, finished), File(scratch), save=False)
        jobs.update(state=ExportState.DONE, done=count, total=count, file=job.file.name, finished_at=finished)
    except Exception:
        logger.exception("export job %s (draft %s, %s) failed", job_id, job.draft_id, job.format)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("导出失败：生成文件时出错。请重新导出；如仍失败，请联系系统管理员（任务编号 %(pk)s）。") % {
                "pk": job_id
            }
        jobs.update(state=ExportState.FAILED, error=message, finished_at=timezone.now())


def export_watchdog(now=None) -> dict[str, int]:
    """Every minute: a job whose worker stopped beating (killed, or its task dropped by the broker: Redis
    hands a task over once) is queued again; after EXPORT_MAX_ATTEMPTS tries it is failed with a message and
    staff may press 重试. A queued job that no worker took (the broker lost it) is queued again too. The
    partial files of the jobs it touches are removed. Returns how many were re-queued and failed."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    lost = now - timedelta(seconds=settings.EXPORT_QUEUED_LOST_SECONDS)
    stopped = ExportJob.objects.filter(
        Q(state=ExportState.RUNNING, heartbeat_at__lt=stale)
        | Q(state=ExportState.RUNNING, heartbeat_at__isnull=True, created_at__lt=stale)
        | Q(state=ExportState.QUEUED, created_at__lt=lost, heartbeat_at__isnull=True)
        | Q(state=ExportState.QUEUED, heartbeat_at__lt=lost)
    )
    requeued = failed = 0
    for job in stopped.order_by("pk"):
        _remove_scratch(job.pk)
        jobs = ExportJob.objects.filter(pk=job.pk, state=job.state, heartbeat_at=job.heartbeat_at)
        if job.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            with translation.override(settings.LANGUAGE_CODE):
                message = _(
                    "导出中断了 %(n)s 次（后台任务没有完成），已停止。请点击「重试」重新导出；"
                    "如仍失败，请联系系统管理员（任务编号 %(pk)s）。"
                ) % {"n": job.attempts, "pk": job.pk}
            failed += jobs.update(state=ExportState.FAILED, error=message, finished_at=now)
            continue
        if jobs.update(state=ExportState.QUEUED, heartbeat_at=now, done=0):
            requeued += 1
            enqueue_on_commit("handling.exports.export_build", job.pk)
    if requeued or failed:
        logger.warning("export watchdog: %s job(s) queued again, %s failed", requeued, failed)
    return {"requeued": requeued, "failed": failed}


def exports_expire(*, now: datetime | None = None) -> dict[str, int]:
    """Every day (ops.retention): a finished export older than EXPORT_RETENTION_DAYS loses its file and is
    marked 已过期, so its row says so instead of offering a download that no longer exists; a scratch file
    left by a killed worker goes after TEMP_RETENTION_DAYS. Returns how many of each were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportJob.objects.filter(state=ExportState.DONE).filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    )
    expired = 0
    for pk, name in old.order_by("pk").values_list("pk", "file"):
        if not ExportJob.objects.filter(pk=pk, state=ExportState.DONE).update(state=ExportState.EXPIRED, file=""):
            continue  # changed meanwhile
        expired += 1
        if name:
            try:
                ExportJob._meta.get_field("file").storage.delete(name)
            except OSError:
                logger.exception("export job %s expired but its file could not be deleted", pk)
    scratch = 0
    scratch_cutoff = (now - timedelta(days=settings.TEMP_RETENTION_DAYS)).timestamp()
    for leftover in _scratch_dir().glob("export-*"):
        try:
            if leftover.stat().st_mtime < scratch_cutoff:
                leftover.unlink()
                scratch += 1
        except FileNotFoundError:
            continue
    return {"exports": expired, "scratch_files": scratch}


def export_retry(*, user, job_id: int) -> ExportJob:
    """重试: a failed job is exported again, as a new job of the same draft and content."""
    job = ExportJob.objects.select_related("draft").filter(pk=job_id).first()
    if job is None or job.state != ExportState.FAILED:
        raise ValidationError(_("只能重试失败的导出任务。"), code="state")
    return export_request(user=user, draft=job.draft, fmt=job.format)


def can_export(user) -> bool:
    return user.is_authenticated and user.has_perm("comments.dispose_opinion")


@transaction.atomic
def export_request(*, user, draft: DraftPage, fmt: str) -> ExportJob:
    """Queue an export of the draft; the task starts once this transaction commits."""
    if not can_export(user):
        raise PermissionDenied(_("您没有导出意见的权限。"))
    if fmt not in WRITERS:
        raise ValidationError(_("请选择导出格式。"), code="format")
    job = ExportJob(draft=draft, format=fmt, created_by=user)
    job.full_clean()
    job.save()
    # A job the broker could not take is queued again by the watchdog (EXPORT_QUEUED_LOST_SECONDS).
    enqueue_on_commit("handling.exports.export_build", job.pk)
    return job
