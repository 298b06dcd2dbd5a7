"""Read meeting notes (会议纪要, a .docx) into candidate opinions for a coordinator to confirm.

Notes are written by hand, so this reads them the way a person would: the title, the
front matter (时间：…, 地点：…) and headings are not opinions; a heading such as
“二、关于第十二条的意见” ties the paragraphs under it to article 12; a paragraph that names
an article is tied to that one; “居民王某某：” in front of a paragraph says who spoke.
Nothing here is final: the coordinator corrects the candidates before they become opinions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cms.uploads import KIND_LABELS, UploadError, sniff
from drafts.numerals import MAX_NUMBER, from_chinese
from drafts.parser import SourceLine
from drafts.readers import docx_lines

__all__ = ["Candidate", "article_refs", "read_notes"]

#: A range such as 第一条至第九千条 is a typo or a sweeping remark; it lists no more than this.
MAX_RANGE = 50

_NUMERAL = r"(?:[0-9０-９]+|[零〇一二三四五六七八九十百千]+)"
_ARTICLE = r"条(?!件)"  # 第一条件 is “the first condition”
_JOINER = r"\s*[、和及与]\s*"
_ARTICLE_REF_RE = re.compile(
    # 第十二条至第十四条, 第十二至十四条, 第12-14条
    rf"第\s*(?P<start>{_NUMERAL})\s*(?:条(?:之[一二三四五六七八九十]+)?\s*)?[至到~～—－-]\s*第?\s*(?P<end>{_NUMERAL})\s*{_ARTICLE}"
    # 第十二条, 第十二、十三条, 第十二条、十三条 (之一 after 条 is left over: it is article 12's)
    rf"|第\s*(?P<first>{_NUMERAL})(?P<more>(?:{_JOINER}{_NUMERAL})*)\s*{_ARTICLE}"
    rf"(?P<tail>(?:{_JOINER}{_NUMERAL}\s*{_ARTICLE})*)"
)
_NUMERAL_RE = re.compile(_NUMERAL)
_CLAUSE_RE = re.compile(rf"第\s*{_NUMERAL}\s*[款项目]")
_CHAPTER_RE = re.compile(rf"第\s*{_NUMERAL}\s*(?:编|章|节|部分)")
# What may surround article numbers in a heading: 一、关于第十二条（物业服务）的修改意见
_HEADING_FILLER_RE = re.compile(
    r"关于|对于|针对|对|的|修改|意见|建议|和|及|与|条文|部分|内容|[、，,：:\s]|（[^）]*）|\([^)]*\)|《[^》]*》"
)
_HEADING_ENDINGS = ("纪要", "意见", "建议", "总则", "附则", "情况", "说明", "问题", "记录", "发言", "部分")
_SENTENCE_PUNCTUATION_RE = re.compile(r"[。，；！？,;!?]")
_LETTERS_RE = re.compile(r"[^\W\d_]")
# 1.  1、  (1)  （一）  ①  •  — and 一、, which also marks a heading (group "chinese").
_LIST_MARKER_RE = re.compile(
    r"(?:(?P<chinese>[一二三四五六七八九十]+[、．.])"
    r"|[（(](?:[一二三四五六七八九十]+|[0-9０-９]+)[)）]"
    r"|[0-9０-９]+(?:[、．)）]|\.(?![0-9]))"
    r"|[①-⑳•●○▪■◆*\-])\s*"
)
_FRONT_MATTER_RE = re.compile(
    r"(?:会议)?(?:时间|日期|地点|主持人?|主题|参会人员|参加人员|与会人员|出席(?:人员)?|列席(?:人员)?|记录人?|整理人?)\s*[：:]"
)
_SPEAKER_RE = re.compile(r"(?P<who>[^：:。，；！？,;!?]{1,24}?)\s*[：:]\s*")
_PARENTHESES_RE = re.compile(r"（[^）]*）|\([^)]*\)")
_SPEECH_VERBS_RE = re.compile(r"(?:认为|表示|提出|指出|反映|建议|说)+$")
# Words that put a colon after something other than a person: 建议：… 理由：… 第十二条：…
_NOT_A_SPEAKER_RE = re.compile(
    r"建议|意见|问题|理由|原因|说明|修改|原文|内容|关于|例如|比如|另外|此外|综上|总体|具体|结论|答复|回复|"
    r"背景|现状|情况|备注|注|主要|其他|其它|首先|其次|最后|目前|同时|因此|所以|但是|对此|为此|大家|与会|"
    r"参会|会上|多数|少数|有人|普遍|一致|第"
)
_HAN_NAME_RE = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_PLACEHOLDER_NAME_RE = re.compile(r"[\u4e00-\u9fff]某{1,2}$")  # 王某某, 李某
_ROLE_RE = re.compile(
    r".*?(?:居民|村民|市民|群众|业主|代表|委员|律师|教师|老师|医生|职工|商户|志愿者|网格员|联络员|工作人员|负责人)"
)
_HEADING_MAX_CHARS = 40
_ROLE_MAX_CHARS = 8
_TITLE_MAX_CHARS = 80


@dataclass
class Candidate:
    """One opinion found in the notes, before the coordinator confirms it.

    ``article`` is the article it is tied to (the first one it refers to, or that of the
    heading above it); ``mentions`` every article it refers to; ``paragraph`` the 1-based
    number of its paragraph in the document, table cells included.
    """

    body: str
    article: int | None
    mentions: list[int]
    proposer: str
    paragraph: int


def article_refs(text: str) -> list[int]:
    """The articles a text refers to, in order, without repeats: 第十二条、第十三条 → [12, 13].

    Chapters, paragraphs and items (第三章, 第二款, 第三项) and other ordinals (第十二次会议)
    are not articles.  Numbers that cannot be an article number (0, above 9999) are dropped.
    """
    found: dict[int, None] = {}
    for match in _ARTICLE_REF_RE.finditer(text):
        if match["start"] is not None:
            numbers = _range(_number(match["start"]), _number(match["end"]))
        else:
            numerals = [match["first"], *_NUMERAL_RE.findall(match["more"] + match["tail"])]
            numbers = [number for number in map(_number, numerals) if number is not None]
        found.update(dict.fromkeys(numbers))
    return list(found)


def _number(numeral: str) -> int | None:
    try:
        number = from_chinese(numeral)
    except ValueError:
        return None
    return number if 1 <= number <= MAX_NUMBER else None


def _range(start: int | None, end: int | None) -> list[int]:
    if start is not None and end is not None and start <= end:
        return list(range(start, min(end, start + MAX_RANGE - 1) + 1))
    return [number for number in (start, end) if number is not None]


def read_notes(data: bytes, *, known_articles: set[int] | None = None) -> list[Candidate]:
    """The candidate opinions of a meeting-notes .docx, in document order.

    With ``known_articles`` (the numbers of the draft's articles), a paragraph is tied to
    the first article it names that exists; the others stay in ``mentions``.  Raises
    UploadError for anything but a readable .docx.
    """
    kind = sniff(data)
    if kind != "docx":
        raise UploadError(
            f"只能从 Word 文档（.docx）中读取会议纪要的意见，该文件是{KIND_LABELS[kind]}。", "unsupported"
        )
    return _NotesReader(known_articles).read(docx_lines(data, cells=True))


class _NotesReader:
    """Walks the lines of the notes, keeping what a heading or a speaker line says of the next ones."""

    def __init__(self, known_articles: set[int] | None) -> None:
        self.known_articles = known_articles
        self.article: int | None = None  # from the last 关于第十二条 heading
        self.proposer = ""  # from the last line holding only 居民王某某：
        self.candidates: list[Candidate] = []
        self.open_paragraph: int | None = None  # paragraph of the last candidate, while it goes on

    def read(self, lines: Iterable[SourceLine]) -> list[Candidate]:
        for index, line in enumerate(lines):
            self._line(line, first=index == 0)
        return self.candidates

    def _line(self, line: SourceLine, *, first: bool) -> None:
        if line.line is not None and line.line == self.open_paragraph:
            # A manual line break inside an opinion's paragraph: still the same opinion.
            last = self.candidates.pop()
            self._add(f"{last.body}\n{line.text}", last.proposer, last.paragraph)
            return
        self.open_paragraph = None
        marker = _LIST_MARKER_RE.match(line.text)
        text = line.text[marker.end() :].strip() if marker else line.text
        if not _LETTERS_RE.search(text) or _FRONT_MATTER_RE.match(text):
            return
        if self._heading(text.rstrip("：:"), line, first=first, numbered=bool(marker and marker["chinese"])):
            return
        proposer, body = _speaker(text)
        if not body:
            self.proposer = proposer
            return
        self._add(body, proposer or self.proposer, line.line or 0)

    def _heading(self, label: str, line: SourceLine, *, first: bool, numbered: bool) -> bool:
        """Whether ``label`` is a title or heading (skipped); headings set the context of what follows.

        A heading that names an article (关于第十二条, 一、第十二条（物业服务）) ties the lines
        after it to that article, until the next heading.  In a table, short cells are
        column titles, numbers or names: skipped without touching the context, like a
        lead-in ending in 如下.
        """
        limit = _TITLE_MAX_CHARS if first or line.heading else _HEADING_MAX_CHARS
        if len(label) > limit or _SENTENCE_PUNCTUATION_RE.search(label):
            return False
        refs = article_refs(label)
        only_refs = not _HEADING_FILLER_RE.sub("", _CLAUSE_RE.sub("", _ARTICLE_REF_RE.sub("", label)))
        marked = first or numbered or line.heading or label.startswith("关于")
        if refs and (only_refs or marked):
            self.article, self.proposer = self._first_known(refs), ""
            return True
        if refs:
            return False  # 建议删除第十二条: an opinion without a full stop
        if line.table or label.endswith("如下"):
            return True  # a lead-in (现将主要意见整理如下：) leaves the context alone
        if marked or label.endswith(_HEADING_ENDINGS) or _CHAPTER_RE.match(label):
            self.article, self.proposer = None, ""
            return True
        return False

    def _add(self, body: str, proposer: str, paragraph: int) -> None:
        mentions = article_refs(body)
        article = self._first_known(mentions) if mentions else self.article
        self.candidates.append(Candidate(body, article, mentions, proposer, paragraph))
        self.open_paragraph = paragraph

    def _first_known(self, numbers: list[int]) -> int | None:
        known = self.known_articles
        return next((number for number in numbers if known is None or number in known), None)


def _speaker(text: str) -> tuple[str, str]:
    """(proposer, rest) for 居民王某某：…, 张三（退休教师）：…, 王某某建议：…; else ("", text)."""
    match = _SPEAKER_RE.match(text)
    if not match:
        return "", text
    who = _SPEECH_VERBS_RE.sub("", _PARENTHESES_RE.sub("", match["who"])).strip()
    if not who or _NOT_A_SPEAKER_RE.search(who):
        return "", text
    rest = text[match.end() :]
    if placeholder := _PLACEHOLDER_NAME_RE.search(who):
        return placeholder[0], rest
    role = _ROLE_RE.match(who)
    name = who[role.end() :] if role else who  # 人大代表张三 → 张三
    if role and not name and len(who) <= _ROLE_MAX_CHARS:
        return who, rest  # 社区居民：the role is all that is known of the speaker
    return (name, rest) if _HAN_NAME_RE.fullmatch(name) else ("", text)
