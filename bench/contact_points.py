"""Contact points: 100 pages of meeting notes read into candidates, and a 10,000-opinion batch submitted once.

Three figures, one benchmark (`python -m bench contact_points`), all through the real services:

* notes_100p_s: `note_upload` of a 100-page meeting-notes .docx (check the file, read it with
  contact_points/notes.py, store the candidates as BatchItem rows); median of 3 uploads, each into a
  fresh batch, the note, its file and its candidates removed between runs;
* batch_10k_s: `batch_submit` of a batch of 10,000 accepted opinions (made beforehand with bulk_create,
  spread over the articles of the draft's current version, a few on the draft as a whole);
* resubmit_rows: rows that submitting the same batch again adds to comments_opinion and
  contact_points_contactpointopinion (0 when submission is once-only).

The draft is the data set's 1,260-article draft when the database holds one (at any scale: this
benchmark never builds the data set), otherwise a draft of the same shape kept under its own slug
for the next run. Everything else the benchmark makes (a coordinator, a contact point, a meeting, its
notes and their files, batches, opinions, queued-task records) is removed at the end, and at the start
should an earlier run have been interrupted, so reruns find the database as they left it.

Notifications: the services e-mail through django-q's async_task on commit. While the benchmark runs,
django-q is switched to sync mode (Conf.SYNC), so the e-mail task runs inline once the batch commits,
into the bench settings' locmem backend: no cluster is needed, nothing is left in a queue for a
cluster to pick up (the bench database is never served by one), and the few milliseconds of the
task are inside batch_10k_s, where production would spend them on putting the task in the queue.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone

from bench.dataset import ACTIONS, OPENERS, REASONS, SUBJECTS, SURNAMES, civil_code_text, find_dataset
from bench.registry import Context, Figure, benchmark

USERNAME = "contact-points-bench"
POINT_NAME = "基准测试联系点（contact_points 基准）"
OWN_SLUG = "contact-points-bench"
OWN_TITLE = "物业与民事基本规定（联系点基准草案）"
NOTES_NAME = "纪要.docx"
BATCH_ITEMS = 10_000
GENERAL_SHARE = 0.05  # of the batch's opinions, on the draft as a whole
# Paragraphs of the notes (tables' rows included): 100 pages as LibreOffice lays out the document
# below (A4, Word's Chinese default margins, 宋体 五号 on a 15.6 pt line: 44 lines of 39 characters),
# about 114,000 characters. Paragraphs of 30–120 characters fill pages faster than one a line:
# 3,000 of them make 161 pages in this layout, so 100 pages hold 1,815 (headings and speaker lines
# included), not 3,000.
NOTES_PARAGRAPHS = 1815
NOTES_PAGES = 100
RUNS = 3

# Pieces of meeting notes, besides the opinion pieces of bench.dataset.
PLACES = [
    "社区党群服务中心三楼会议室",
    "街道市民之家二楼议事厅",
    "村委会文化礼堂",
    "律师事务所会议室",
    "区人大代表联络站",
]
ROLES = [
    "居民", "社区居民", "业主", "人大代表", "区人大代表", "律师", "退休教师", "物业公司负责人", "网格员",
    "楼道长", "商户", "志愿者", "村民", "业委会委员", "社区工作人员",
]  # fmt: skip
TOPICS = ["物业服务", "业主大会", "维修资金", "法律责任", "监督管理", "适用范围", "定义", "公共收益", "前期物业"]
REMARKS = [
    "我们小区去年就因为这个问题吵了好几次，最后也没有解决",
    "很多老年人不会用手机，线上办理对他们不方便",
    "希望立法的时候多听听基层群众的声音",
    "具体标准可以授权市人民政府另行规定",
    "有的物业公司收了钱不办事，业主意见很大",
    "几个部门之间互相推诿的情况比较普遍",
    "可以参考外省市已经出台的做法",
    "条文中“有关部门”指代不明，建议写明具体是哪个部门",
    "罚款数额偏低，起不到应有的震慑作用",
    "要给基层留出一定的操作空间，不宜规定得太死",
    "建议增加对违法行为的举报奖励",
    "业主委员会成员大多是兼职，履职能力有限",
    "街道和社区承担了大量协调工作，但缺少相应的手段",
    "实践中很多纠纷最后都闹到信访部门",
    "新建小区和老旧小区情况差别很大，不能一刀切",
    "建议明确办理时限，不能无限期拖下去",
    "表决程序太复杂，很多事情到最后都办不成",
    "信息公开要落到实处，账目应当定期在小区公示",
]
GENERAL_OPENINGS = [
    "与会人员普遍认为", "大家一致认为", "多数同志提出", "有的代表提出", "会上有同志指出", "与会居民反映",
]  # fmt: skip
GENERAL_REMARKS = [
    "草案总体结构合理，针对性和可操作性较强",
    "草案回应了群众关心的热点难点问题",
    "建议进一步精简条文，避免与上位法简单重复",
    "建议加强与正在修订的相关法规的衔接",
    "草案的部分用语过于专业，普通群众不容易读懂",
    "建议在施行前做好宣传解读工作",
    "立法要坚持问题导向，把基层的实际做法吸收进来",
    "建议配套制定实施细则，明确各方职责",
]
_PUNCTUATION_CUT = re.compile(r"[，；]")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(["某某", "某", "先生", "女士", "某某"])


def _ref(rng: random.Random, articles: int, near: int | None = None) -> str:
    """第N条, sometimes two articles or a range, near `near` when given."""
    from drafts.numerals import to_chinese

    n = max(1, min(articles, near + rng.randint(-3, 3))) if near else rng.randint(1, articles)
    roll = rng.random()
    if roll < 0.08 and n + 1 <= articles:
        return f"第{to_chinese(n)}条、第{to_chinese(n + 1)}条"
    if roll < 0.12 and n + 3 <= articles:
        return f"第{to_chinese(n)}条至第{to_chinese(n + rng.randint(2, 3))}条"
    return f"第{to_chinese(n)}条"


def _fit(parts: list[str], length: int, limit: int, rng: random.Random) -> str:
    """Pieces joined with remarks up to about `length` characters, cut back at a comma to stay within `limit`."""
    extra = rng.sample(REMARKS, len(REMARKS))
    while sum(map(len, parts)) + len(parts) < length and extra:
        parts.append(extra.pop())
    text = "，".join(parts)
    if len(text) >= limit:
        text = text[: limit - 1]
        cut = max((m.start() for m in _PUNCTUATION_CUT.finditer(text)), default=0)
        text = text[:cut] if cut >= limit // 3 else text
    return text + "。"


def _opinion(rng: random.Random, articles: int, article: int | None, length: int, limit: int = 120) -> str:
    """An opinion of about `length` characters (at most `limit`), naming articles now and then."""
    subject, action, reason = rng.choice(SUBJECTS), rng.choice(ACTIONS), rng.choice(REASONS)
    roll = rng.random()
    if article and roll < 0.35:
        first = f"{rng.choice(OPENERS)}本条中关于{subject}的规定{action}，{reason}"
    elif roll < 0.6:
        first = f"{_ref(rng, articles, article)}规定的{subject}过于原则，{reason}，建议{action}"
    elif roll < 0.8:
        first = f"对于{subject}问题，{rng.choice(OPENERS)}{action}"
    else:
        first = f"{rng.choice(OPENERS)}{subject}应当{action}，{reason}"
    parts = [first]
    if rng.random() < 0.15:
        parts.append(f"这一条和{_ref(rng, articles)}的表述不太一致，容易产生歧义")
    return _fit(parts, length, limit, rng)


def _general(rng: random.Random, length: int) -> str:
    """A remark on the draft as a whole, naming no article."""
    return _fit([f"{rng.choice(GENERAL_OPENINGS)}，{rng.choice(GENERAL_REMARKS)}"], length, 120, rng)


def _length(rng: random.Random) -> int:
    """Paragraph lengths of 30–120 characters, most of them short, as spoken remarks are written down."""
    return int(rng.triangular(30, 120, 45))


def notes_docx(
    articles: int, *, paragraphs: int = NOTES_PARAGRAPHS, title: str = "草案", seed: int = 20250312
) -> bytes:
    """Meeting notes (会议纪要) on a draft of `articles` articles, about `paragraphs` paragraphs long.

    The layout is that of Word's Chinese default document: A4, margins 2.54 cm top and bottom and
    3.18 cm left and right, 宋体 五号 (10.5 pt) on a fixed 15.6 pt line, paragraphs indented two
    characters: 44 lines of 39 characters a page. The content is what a coordinator types up after
    a symposium: title, front matter, a lead-in, numbered parts (一、总体意见, 二、关于…的意见) with
    subsections per article (（三）关于第十二条（物业服务）), speakers (居民王某某：…, sometimes on a line
    of their own), remarks without a speaker, general remarks, a few tables of written opinions.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from drafts.numerals import to_chinese

    rng = random.Random(seed)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(3.18)
    normal = document.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    normal.paragraph_format.line_spacing = Pt(15.6)  # a length, so an exact line: the same with any CJK font
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    count = 0

    def add(text: str, *, bold: bool = False, indent: bool = True, center: bool = False) -> None:
        nonlocal count
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.font.size = Pt(16)
        elif indent:
            paragraph.paragraph_format.first_line_indent = Pt(21)
        count += 1

    def table(article: int) -> None:
        nonlocal count
        rows = rng.randint(8, 14)
        grid = document.add_table(rows=rows + 1, cols=4)
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, ["序号", "提出人", "涉及条文", "意见内容"], strict=True):
            cell.text = text
        for i in range(1, rows + 1):
            cells = grid.rows[i].cells
            number = max(1, min(articles, article + rng.randint(-5, 5))) if rng.random() < 0.6 else None
            number = number or rng.randint(1, articles)
            cells[0].text, cells[1].text, cells[2].text = str(i), _name(rng), f"第{to_chinese(number)}条"
            cells[3].text = _opinion(rng, articles, number, _length(rng))
        count += rows + 1

    add(f"《{title}》征求意见座谈会纪要", bold=True, center=True)
    held = date(2025, 3, 12)
    add(f"时间：{held.year}年{held.month}月{held.day}日下午2:30—5:30", indent=False)
    add(f"地点：{rng.choice(PLACES)}", indent=False)
    add(f"主持人：联系点负责人{_name(rng)}", indent=False)
    add("参会人员：区人大代表2名，社区居民23名，业委会委员4名，物业企业代表3名，律师2名，街道工作人员3名", indent=False)
    add(f"记录人：{_name(rng)}", indent=False)
    add(
        f"为做好《{title}》的征求意见工作，联系点组织召开座谈会，逐条听取了人大代表、居民群众和相关单位的意见建议。"
        "与会人员结合工作生活实际踊跃发言。"
    )
    add("现将主要意见整理如下：")
    hot = sorted(rng.sample(range(1, articles + 1), min(articles, 120)))
    budget = paragraphs - 2  # the closing two
    part = tables = 0
    while count < budget:
        part += 1
        general = part == 1 or rng.random() < 0.2
        label = f"关于第{to_chinese(part)}章的意见"
        if general:
            label = "总体意见" if part == 1 else "关于草案整体的其他意见"
        add(f"{to_chinese(part)}、{label}", bold=True, indent=False)
        for sub in range(1, 2 if general else rng.randint(5, 10)):
            article = None
            if not general:
                article = hot[(part * 7 + sub * 3) % len(hot)] if rng.random() < 0.7 else rng.randint(1, articles)
                heading = f"（{to_chinese(sub)}）关于第{to_chinese(article)}条"
                if rng.random() < 0.5:
                    heading += f"（{rng.choice(TOPICS)}）的意见"
                add(heading, bold=True, indent=False)
            for _ in range(rng.randint(25, 40) if general else rng.randint(6, 16)):
                if count >= budget:
                    break
                roll = rng.random()
                if general or roll < 0.1:
                    add(_general(rng, _length(rng)))
                    continue
                length = _length(rng)
                if roll < 0.18 and count + 2 <= budget:
                    add(f"{rng.choice(ROLES)}{_name(rng)}：")  # the speaker on a line of their own
                    add(_opinion(rng, articles, article, length))
                elif roll < 0.7:
                    speaker = f"{rng.choice(ROLES)}{_name(rng)}："
                    add(speaker + _opinion(rng, articles, article, length - len(speaker), 120 - len(speaker)))
                elif roll < 0.8:
                    speaker = f"{_name(rng)}（{rng.choice(ROLES)}）认为，"
                    add(speaker + _opinion(rng, articles, article, length - len(speaker), 120 - len(speaker)))
                else:
                    add(_opinion(rng, articles, article, length))
            if article and tables < 4 and rng.random() < 0.06 and count + 16 <= budget:
                add("会后收到的书面意见如下：")
                table(article)
                tables += 1
            if count >= budget:
                break
    add("会议最后，主持人对大家提出的意见建议表示感谢，联系点将认真梳理后报送市人大常委会法制工作委员会。")
    add(f"记录人：{_name(rng)}　　审核人：{_name(rng)}", indent=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_pages(data: bytes, log=print) -> int | None:
    """Pages of a .docx as LibreOffice lays it out, or None without LibreOffice (or when it fails)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-notes-") as tmp:
        source = Path(tmp) / "notes.docx"
        source.write_bytes(data)
        try:
            subprocess.run(  # noqa: S603 - LibreOffice on our own file, fixed arguments
                [
                    soffice,
                    f"-env:UserInstallation=file://{tmp}/profile",  # its own profile: no clash with another soffice
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                capture_output=True,
                timeout=300,
                check=True,
            )
            pdf = (Path(tmp) / "notes.pdf").read_bytes()
        except (OSError, subprocess.SubprocessError) as error:
            log(f"LibreOffice could not render the notes: {error}")
            return None
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


# Setup and cleanup -------------------------------------------------------------------------------


def _delete_file(file) -> None:
    """Delete a stored note, and the folders (contact_points/notes/YYYY/MM) it leaves empty."""
    from django.core.files.storage import FileSystemStorage

    storage, name = file.storage, file.name
    file.delete(save=False)
    if not name or not isinstance(storage, FileSystemStorage):
        return
    root = Path(storage.location).resolve()
    folder = Path(storage.path(name)).resolve().parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()  # only when empty: another note keeps its folder
        except OSError:
            break
        folder = folder.parent


def bench_draft(log=print):
    """(draft, description): the data set's draft when there is one, else our own of the same shape."""
    from cms.models import HomePage
    from drafts.models import DraftIndexPage, DraftPage
    from drafts.parser import parse_text
    from drafts.services import draft_create

    dataset = find_dataset()
    if dataset is not None:
        draft = DraftPage.objects.select_related("current_version").get(pk=dataset.draft_id)
        return draft, f"data-set draft, {dataset.opinions:,} opinions"
    draft = DraftPage.objects.filter(slug=OWN_SLUG).select_related("current_version").first()
    if draft is None:
        index = DraftIndexPage.objects.first()
        if index is None:
            index = DraftIndexPage(title="法规草案", slug="drafts")
            HomePage.objects.get().add_child(instance=index)
            index.save_revision().publish()
        log("no data set in the database: creating a 1,260-article draft of our own (kept for the next runs)")
        opens = timezone.now() - timedelta(days=1)
        draft = draft_create(
            index=index,
            result=parse_text(civil_code_text()),
            title=OWN_TITLE,
            slug=OWN_SLUG,
            summary="联系点基准测试用的草案。",
            opens_at=opens,
            closes_at=opens + timedelta(days=3650),
            publish=True,
        )
    return draft, "own 1,260-article draft"


def remove(log=print) -> None:
    """Remove everything this benchmark makes (a no-op when there is nothing): opinions first, files too."""
    from django_q.models import Task

    from cms.models import User
    from comments.models import Opinion
    from contact_points.models import ContactPoint, MeetingNote, OpinionBatch

    point = ContactPoint.objects.filter(name=POINT_NAME).first()
    if point is not None:
        batch_ids = set(OpinionBatch.objects.filter(contact_point=point).values_list("pk", flat=True))
        deleted, _by_model = Opinion.objects.filter(contact_point_link__contact_point=point).delete()
        for note in MeetingNote.objects.filter(meeting__contact_point=point):
            _delete_file(note.file)
        OpinionBatch.objects.filter(contact_point=point).delete()  # with their items
        point.delete()  # with its meetings and their notes
        tasks = Task.objects.filter(func__startswith="contact_points.tasks.notify_batch").only("id", "args")
        Task.objects.filter(pk__in=[task.pk for task in tasks if task.args and task.args[0] in batch_ids]).delete()
        if deleted:
            log(f"removed the benchmark's opinions and their links ({deleted:,} rows)")
    User.objects.filter(username=USERNAME).delete()


def _setup(draft):
    """The coordinator of a contact point, and the meeting its notes are of."""
    from cms.models import User
    from contact_points.models import ContactPoint, ContactPointKind, Meeting, MeetingForm
    from contact_points.services import meeting_save

    user = User.objects.create(
        username=USERNAME,
        email=f"{USERNAME}@example.invalid",
        display_name="联络员",
        password="!",  # noqa: S106 - an unusable password
        confirmed_at=timezone.now(),
    )
    point = ContactPoint.objects.create(name=POINT_NAME, kind=ContactPointKind.COMMUNITY, district="西湖区")
    point.coordinators.add(user)
    meeting = Meeting(
        contact_point=point,
        draft=draft,
        held_on=timezone.localdate(),
        place=PLACES[0],
        form=MeetingForm.SYMPOSIUM,
        attendance_deputy=2,
        attendance_resident=23,
        attendance_enterprise=3,
        attendance_lawyer=2,
        attendance_other=7,
        summary="逐条听取对草案的意见。",
    )
    return user, point, meeting_save(user=user, meeting=meeting)


def _batch_items(batch, meeting, articles: int, count: int, seed: int = 20250313) -> list:
    """`count` accepted opinions of a batch, over the articles of its version, some on the draft as a whole."""
    from contact_points.models import BatchItem, ItemSource, ItemState, ProposerCategory
    from drafts.models import Provision, ProvisionKind

    rng = random.Random(seed)
    article_ids = list(
        Provision.objects.filter(version_id=batch.version_id, kind=ProvisionKind.ARTICLE)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    sources = [ItemSource.MANUAL, ItemSource.SHEET, ItemSource.NOTES]
    items = []
    for i in range(count):
        general = rng.random() < GENERAL_SHARE
        items.append(
            BatchItem(
                batch=batch,
                state=ItemState.ACCEPTED,
                source=rng.choice(sources),
                article_id=None if general else rng.choice(article_ids),
                body=_general(rng, _length(rng)) if general else _opinion(rng, articles, None, _length(rng)),
                proposer_name=_name(rng),
                proposer_category=rng.choice(ProposerCategory.values),
                meeting=meeting if rng.random() < 0.6 else None,
                position=i + 1,
            )
        )
    return items


def _table_rows() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM comments_opinion")
        opinions = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM contact_points_contactpointopinion")
        return opinions, cursor.fetchone()[0]


def _sent_to(address: str) -> int:
    from django.core import mail

    return sum(address in message.to for message in getattr(mail, "outbox", []))


# The benchmark -----------------------------------------------------------------------------------


def measure(
    draft,
    *,
    paragraphs: int = NOTES_PARAGRAPHS,
    items: int = BATCH_ITEMS,
    runs: int = RUNS,
    render: bool = True,
    about: str = "",
    log=print,
) -> list[Figure]:
    """The three figures on `draft`, its own objects made first and removed after, whatever happens."""
    import logging

    from django_q.conf import Conf

    from contact_points.models import BatchItem
    from contact_points.services import batch_open, batch_submit, note_upload

    articles = draft.current_version.provisions.filter(kind="article").count()
    data = notes_docx(articles, paragraphs=paragraphs, title=draft.title)
    pages = docx_pages(data, log) if render else None
    if pages is not None and pages != NOTES_PAGES and paragraphs == NOTES_PARAGRAPHS:
        log(f"the notes are {pages} pages long, not {NOTES_PAGES}: NOTES_PARAGRAPHS wants recalibrating")
    log(f"notes: {paragraphs:,} paragraphs, {len(data) // 1024:,} KiB, {pages or '?'} pages; {articles:,} articles")
    remove(log)
    sync, q_logger = Conf.SYNC, logging.getLogger("django-q")
    level = q_logger.level
    Conf.SYNC = True  # tasks run inline, into the locmem e-mail backend: no cluster, no queue
    q_logger.setLevel(logging.ERROR)  # its warning that sync mode keeps the database connection
    try:
        user, point, meeting = _setup(draft)
        samples, candidates = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            result = note_upload(user=user, meeting=meeting, name=NOTES_NAME, data=data)
            samples.append(time.perf_counter() - started)
            candidates = result.candidates
            stored = BatchItem.objects.filter(note=result.note).count()
            if not candidates or stored != candidates:
                raise RuntimeError(f"the notes gave {candidates} candidates, {stored} stored")
            result.batch.delete()  # with its candidates: the next upload starts a batch again
            _delete_file(result.note.file)
            result.note.delete()
        log(f"notes: {candidates:,} candidates, runs {', '.join(f'{s:.2f}' for s in samples)} s")

        batch = batch_open(user=user, contact_point=point, draft=draft)
        BatchItem.objects.bulk_create(_batch_items(batch, meeting, articles, items), batch_size=2000)
        before = _table_rows()
        # The regrouping the submission queues is background work (a django-q task after the commit; here
        # tasks run inline): the coordinator does not wait for it. It runs after the timing, and has its
        # own figure (handling.regroup_10k_s).
        from comments import clusters

        regroup, deferred = clusters.draft_clusters_update, []
        clusters.draft_clusters_update = lambda draft_id, **kwargs: deferred.append(draft_id) or 0
        try:
            started = time.perf_counter()
            submission = batch_submit(user=user, batch_id=batch.pk)
            submit_seconds = time.perf_counter() - started
        finally:
            clusters.draft_clusters_update = regroup
        started = time.perf_counter()
        placed = sum(regroup(draft_id) for draft_id in deferred)
        log(f"batch: the regrouping it queued placed {placed:,} opinions in {time.perf_counter() - started:.2f} s")
        after = _table_rows()
        added = (after[0] - before[0], after[1] - before[1])
        if submission.created != items or added != (items, items):
            raise RuntimeError(f"the batch of {items:,} made {submission.created:,} opinions, rows {added}")
        mails = _sent_to(user.email)
        again = batch_submit(user=user, batch_id=batch.pk)
        resubmitted = _table_rows()
        extra = (resubmitted[0] - after[0], resubmitted[1] - after[1])
        log(
            f"batch: {items:,} opinions in {submit_seconds:.2f} s; again: created={again.created}, rows {extra};"
            f" e-mails to the coordinator {mails} then {_sent_to(user.email) - mails}"
        )
    finally:
        Conf.SYNC = sync
        q_logger.setLevel(level)
        remove(log)
    pages_note = f"{pages} pages (LibreOffice)" if pages is not None else f"~{NOTES_PAGES} pages (not rendered)"
    return [
        Figure(
            "contact_points.notes_100p_s",
            round(sorted(samples)[len(samples) // 2], 3),
            "s",
            f"{pages_note}, {paragraphs:,} paragraphs → {candidates:,} candidates; median of {runs}",
        ),
        Figure(
            "contact_points.batch_10k_s",
            round(submit_seconds, 3),
            "s",
            f"{items:,} opinions over {articles:,} articles" + (f"; {about}" if about else ""),
        ),
        Figure(
            "contact_points.resubmit_rows",
            sum(extra),
            "rows",
            f"second submit: comments_opinion +{extra[0]}, contact_points_contactpointopinion +{extra[1]}",
        ),
    ]


@benchmark("contact_points")
def contact_points(ctx: Context) -> list[Figure]:
    """Meeting notes read into candidates, a 10,000-opinion batch submitted, and submitted again."""
    draft, description = bench_draft(ctx.log)
    ctx.log(f"on the {description}")
    return measure(draft, about=description, log=ctx.log)
