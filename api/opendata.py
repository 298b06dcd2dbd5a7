"""Open data: each closed draft's articles and the opinions its feedback page shows, as JSON and CSV.

Every row comes through the selectors of the public feedback page (comments.selectors.feedback_summary
and feedback_opinions), so a dataset holds exactly what that page shows: published opinions under their
public names, with their disposition and the reason where staff made it public. Opinions received
offline (letters, e-mails, contact points' meetings) are only counted, as on the page. Texts pass
through cms.redaction as well, so a phone number, ID number or e-mail address a moderator let
through is blanked in a file that will be copied far and wide.

The columns are declared once here (name, type, description): the writers and the data dictionary
page (api/templates/api/open_data.html) both read them. ``comments.csv`` and ``summary.csv`` follow the
Polis export flat files (the layout the Polis/Metagov open-data tools read).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.redaction import redact_contact_details
from cms.spreadsheets import csv_value
from comments import selectors as comment_selectors
from comments.models import Disposition
from drafts.models import DraftPage, Provision, ProvisionKind

LICENCE = {
    "name": "CC BY 4.0",
    "title": gettext_lazy("知识共享署名 4.0 国际许可协议"),
    "url": "https://creativecommons.org/licenses/by/4.0/legalcode.zh-hans",
}
FORMAT = "legislation-open-data/1"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # integer, text, datetime, boolean
    description: object  # lazy Chinese text


def _c(name: str, kind: str, description) -> Column:
    return Column(name, kind, description)


def _disposition_count(label) -> str:
    return _("其中处理情况为“%(label)s”的意见数。") % {"label": label}


_of_disposition = lazy(_disposition_count, str)  # translated when shown, not at import

ARTICLE_COLUMNS = [
    _c("draft_id", "integer", gettext_lazy("草案编号，与接口 /api/v1/drafts/{id}/ 相同。")),
    _c("version", "integer", gettext_lazy("草案版本序号（1 为第一个公开的版本）。")),
    _c("version_stage", "text", gettext_lazy("版本的审议阶段，如“征求意见稿”“二审稿”。")),
    _c("article_id", "integer", gettext_lazy("条文编号；为空的一行是“对草案整体的意见”。")),
    _c("number", "integer", gettext_lazy("条的序号（第几条）。")),
    _c("label", "text", gettext_lazy("条的编号，如“第十二条”。")),
    _c("title", "text", gettext_lazy("条的标题（条旨），没有则为空。")),
    _c("text", "text", gettext_lazy("条文全文。")),
    _c("opinions_counted", "integer", gettext_lazy("计入统计的意见数：网上发布的意见和线下渠道的意见，不含回复。")),
    *[_c(f"opinions_{value}", "integer", _of_disposition(label)) for value, label in Disposition.choices],
]

OPINION_COLUMNS = [
    _c("opinion_id", "integer", gettext_lazy("意见编号，与网站和接口中的编号相同。")),
    _c("draft_id", "integer", gettext_lazy("草案编号。")),
    _c("version", "integer", gettext_lazy("意见针对的草案版本序号。")),
    _c("article_id", "integer", gettext_lazy("意见针对的条文编号；对草案整体的意见为空。")),
    _c("article_label", "text", gettext_lazy("条的编号，如“第十二条”；对草案整体的意见为“对草案整体的意见”。")),
    _c(
        "channel",
        "text",
        gettext_lazy("来源渠道代码：online 网上、contact_point 基层立法联系点、letter 来信、email 电子邮件。"),
    ),
    _c("channel_display", "text", gettext_lazy("来源渠道的中文名称。")),
    _c("source", "text", gettext_lazy("报送意见的基层立法联系点名称，没有则为空。")),
    _c("author", "text", gettext_lazy("反馈页上显示的提出人：用户的显示名称，或“匿名”。不含真实姓名和联系方式。")),
    _c("created_at", "datetime", gettext_lazy("提交时间（ISO 8601，北京时间）。")),
    _c("support_count", "integer", gettext_lazy("附议数。")),
    _c("body", "text", gettext_lazy("意见内容；其中的电话号码、身份证号、电子邮件地址已隐去。")),
    _c("disposition", "text", gettext_lazy("处理情况代码：adopted、partly_adopted、not_adopted、merged、forwarded。")),
    _c("disposition_display", "text", gettext_lazy("处理情况的中文名称。")),
    _c("reason", "text", gettext_lazy("公开的理由说明；未公开理由的为空。")),
]

POLIS_COMMENT_COLUMNS = [
    _c("timestamp", "integer", gettext_lazy("提交时间，Unix 时间戳（秒）。")),
    _c("datetime", "text", gettext_lazy("提交时间，Polis 导出文件的写法（UTC）。")),
    _c("comment-id", "integer", gettext_lazy("意见编号（即 opinion_id）。")),
    _c(
        "author-id",
        "integer",
        gettext_lazy(
            "本文件内的提出人序号：显示名称相同的意见序号相同；每条匿名意见各用一个序号，不据此关联匿名意见。"
        ),
    ),
    _c("agrees", "integer", gettext_lazy("附议数。")),
    _c("disagrees", "integer", gettext_lazy("反对数：本平台没有反对票，恒为 0。")),
    _c("moderated", "integer", gettext_lazy("审核结果：文件只含已发布的意见，恒为 1（通过）。")),
    _c("comment-body", "text", gettext_lazy("意见内容（同 opinions.csv 的 body）。")),
]

POLIS_SUMMARY_ROWS = [
    _c("topic", "text", gettext_lazy("草案标题。")),
    _c("url", "text", gettext_lazy("草案页面地址。")),
    _c("commenters", "integer", gettext_lazy("comments.csv 中不同 author-id 的个数。")),
    _c("comments", "integer", gettext_lazy("comments.csv 的行数。")),
    _c("groups", "integer", gettext_lazy("意见分组数：本平台不做 Polis 式分组，恒为 0。")),
    _c("conversation-description", "text", gettext_lazy("草案摘要。")),
]


def _clean(text: str) -> str:
    return redact_contact_details(text or "")


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@dataclass
class Dataset:
    """One closed draft's rows, read lazily: articles first (a list), then opinions (a generator)."""

    draft: DraftPage

    def __post_init__(self):
        self.totals, self._summary = comment_selectors.feedback_summary(self.draft.pk)
        self.versions = {v.pk: v for v in self.draft.versions.all()}
        counted = {(a.article.pk if a.article else None): a.counts for a in self._summary}
        general = _("对草案整体的意见")
        self.labels: dict[int | None, str] = {None: general}
        self.articles: list[dict] = []
        if None in counted:
            self.articles.append(self._article_row(None, counted[None], general))
        provisions = (
            Provision.objects.filter(version__draft=self.draft, kind=ProvisionKind.ARTICLE)
            .select_related("version")
            .order_by("version__number", "position")
        )
        for p in provisions:
            self.labels[p.pk] = p.label
            self.articles.append(self._article_row(p, counted.get(p.pk, {}), p.label))

    def _article_row(self, p: Provision | None, counts: dict[str, int], label: str) -> dict:
        version = p.version if p else self.draft.current_version
        row = {
            "draft_id": self.draft.pk,
            "version": version.number if p else None,
            "version_stage": version.get_stage_display() if p else "",
            "article_id": p.pk if p else None,
            "number": p.number if p else None,
            "label": label,
            "title": p.title if p else "",
            "text": p.text if p else "",
            "opinions_counted": sum(counts.values()),
        }
        row.update({f"opinions_{value}": counts.get(value, 0) for value in Disposition.values})
        return row

    def opinions(self) -> Iterator[dict]:
        """The feedback page's opinions, article by article in text order, oldest first within one."""
        for entry in self._summary:
            article_id = entry.article.pk if entry.article else None
            for o in comment_selectors.feedback_opinions(self.draft.pk, article_id).iterator(chunk_size=2000):
                version = self.versions.get(o.version_id)
                yield {
                    "opinion_id": o.pk,
                    "draft_id": self.draft.pk,
                    "version": version.number if version else None,
                    "article_id": o.article_id,
                    "article_label": self.labels.get(o.article_id, ""),
                    "channel": o.channel,
                    "channel_display": o.get_channel_display(),
                    "source": getattr(o, "source_name", "") or "",
                    "author": _clean(o.public_name),
                    "created_at": o.created_at,
                    "support_count": o.support_count,
                    "body": _clean(o.body),
                    "disposition": o.disposition,
                    "disposition_display": o.get_disposition_display(),
                    "reason": _clean(o.disposition_reason) if o.reason_public else "",
                }


def draft_info(draft: DraftPage, *, page_url: str) -> dict:
    return {
        "id": draft.pk,
        "title": draft.title,
        "url": page_url,
        "stage": draft.stage,
        "drafting_body": draft.drafting_body,
        "summary": draft.summary,
        "opens_at": draft.opens_at,
        "closes_at": draft.closes_at,
    }


# Writers: each yields text or bytes chunks for a streaming response -----------------------------------

CHUNK_ROWS = 500


def json_chunks(dataset: Dataset, *, page_url: str, dictionary_url: str) -> Iterator[str]:
    """The whole dataset as one JSON object, written piece by piece (flat memory for a million opinions)."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    head = {
        "format": FORMAT,
        "licence": {"name": LICENCE["name"], "title": str(LICENCE["title"]), "url": LICENCE["url"]},
        "dictionary": dictionary_url,
        "generated_at": timezone.now(),
        "draft": draft_info(dataset.draft, page_url=page_url),
        "totals": {value: dataset.totals.get(value, 0) for value in Disposition.values},
        "articles": dataset.articles,
    }
    yield encoder.encode(head)[:-1] + ', "opinions": ['
    buffer: list[str] = []
    first = True
    for row in dataset.opinions():
        buffer.append(("" if first else ",") + encoder.encode(row))
        first = False
        if len(buffer) >= CHUNK_ROWS:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer) + "]}\n"


def _csv_chunks(header: list[str], rows: Iterator[list], *, bom: bool) -> Iterator[str]:
    """CSV text with every cell through the project's formula guard (cms.spreadsheets.csv_value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    yield ("\ufeff" if bom else "") + out.getvalue()
    count = 0
    for values in rows:
        if count == 0:
            out.seek(0)
            out.truncate()
        writer.writerow([csv_value(v) for v in values])
        count += 1
        if count >= CHUNK_ROWS:
            yield out.getvalue()
            count = 0
    if count:
        yield out.getvalue()


def _cell(value):
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def articles_csv_chunks(dataset: Dataset) -> Iterator[str]:
    names = [c.name for c in ARTICLE_COLUMNS]
    return _csv_chunks(names, ([_cell(row[n]) for n in names] for row in dataset.articles), bom=True)


def opinions_csv_chunks(dataset: Dataset) -> Iterator[str]:
    names = [c.name for c in OPINION_COLUMNS]
    return _csv_chunks(names, ([_cell(row[n]) for n in names] for row in dataset.opinions()), bom=True)


def _polis_datetime(value: datetime) -> str:
    """As Polis writes it (JavaScript's Date#toString in UTC)."""
    return value.astimezone(UTC).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")


class _Authors:
    """author-id as the public pages allow: one per display name shown; each anonymous opinion its own."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.count = 0
        self.anonymous = str(_("匿名"))

    def of(self, name: str) -> int:
        if name == self.anonymous:
            self.count += 1
            return self.count - 1
        if name not in self.ids:
            self.ids[name] = self.count
            self.count += 1
        return self.ids[name]


def polis_comments_chunks(dataset: Dataset) -> Iterator[str]:
    """comments.csv of the Polis export: UTF-8 without a byte-order mark, as Polis tools read it."""
    authors = _Authors()

    def rows():
        for row in dataset.opinions():
            created = row["created_at"]
            yield [
                int(created.timestamp()),
                _polis_datetime(created),
                row["opinion_id"],
                authors.of(row["author"]),
                row["support_count"],
                0,
                1,
                row["body"],
            ]

    return _csv_chunks([c.name for c in POLIS_COMMENT_COLUMNS], rows(), bom=False)


def polis_summary_chunks(dataset: Dataset, *, page_url: str) -> Iterator[str]:
    """summary.csv of the Polis export: one "key,value" line each, no header."""
    authors = _Authors()
    comments = 0
    for row in dataset.opinions():
        authors.of(row["author"])
        comments += 1
    info = draft_info(dataset.draft, page_url=page_url)
    values = {
        "topic": info["title"],
        "url": info["url"],
        "commenters": authors.count,
        "comments": comments,
        "groups": 0,
        "conversation-description": info["summary"],
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for column in POLIS_SUMMARY_ROWS:
        writer.writerow([column.name, csv_value(values[column.name])])
    yield out.getvalue()


FILES = {
    # name: (content type, description, columns)
    "dataset.json": (
        "application/json",
        gettext_lazy("完整数据集（JSON）：草案、条文及其统计、意见及处理情况。"),
        None,
    ),
    "articles.csv": ("text/csv", gettext_lazy("条文及各条意见的处理情况统计（CSV，UTF-8 带 BOM）。"), ARTICLE_COLUMNS),
    "opinions.csv": (
        "text/csv",
        gettext_lazy("已公开、已作出处理的意见及处理结果（与反馈页相同；CSV，UTF-8 带 BOM）。"),
        OPINION_COLUMNS,
    ),
    "polis/comments.csv": (
        "text/csv",
        gettext_lazy("Polis 格式的意见表 comments.csv（UTF-8，无 BOM）。"),
        POLIS_COMMENT_COLUMNS,
    ),
    "polis/summary.csv": (
        "text/csv",
        gettext_lazy("Polis 格式的概要 summary.csv（每行“键,值”，无表头）。"),
        POLIS_SUMMARY_ROWS,
    ),
}


def chunks(name: str, dataset: Dataset, *, page_url: str, dictionary_url: str) -> Iterator[str]:
    if name == "dataset.json":
        return json_chunks(dataset, page_url=page_url, dictionary_url=dictionary_url)
    if name == "articles.csv":
        return articles_csv_chunks(dataset)
    if name == "opinions.csv":
        return opinions_csv_chunks(dataset)
    if name == "polis/comments.csv":
        return polis_comments_chunks(dataset)
    if name == "polis/summary.csv":
        return polis_summary_chunks(dataset, page_url=page_url)
    raise KeyError(name)
