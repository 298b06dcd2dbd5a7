"""Read meeting notes (会议纪要, a .docx) into candidate opinions for a coordinator to confirm.

Notes are written by hand, so this reads them the way a person would: the title, the
front matter (时间：…, 地点：…), headings and procedural paragraphs (会议由……主持,
现将主要意见整理如下) are not opinions; a heading such as “二、关于第十二条的意见” ties the
paragraphs under it to article 12; a paragraph that names an article is tied to that one;
“居民王某某：” or “王某某认为，” in front of a paragraph says who spoke.  A table with a
header row (序号 | 涉及条款 | 意见建议 | 提出人) gives one opinion per row: its article from
the article column (or the opinion itself), its proposer from the 提出人/发言人/姓名/单位
column; a row stands alone and leaves nothing to the rows and paragraphs after it.
Citations are read by ``drafts.citations``: 《物业管理条例》第二十八条 names another law's
article, never the draft's.  Nothing here is final: the coordinator corrects the
candidates before they become opinions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from cms.uploads import KIND_LABELS, UploadError, sniff
from drafts.citations import HEADING_LABEL_RE, NUMERAL, Scope, find_citations, whole_article
from drafts.parser import SourceLine
from drafts.readers import docx_lines

__all__ = ["MAX_RANGE", "Candidate", "article_refs", "read_notes"]

#: A range such as 第一条至第九千条 is a typo or a sweeping remark; it lists no more than this.
MAX_RANGE = 50

# 第一部分 heads a part of the notes, like 第三章 in a draft.
_PART_RE = re.compile(rf"第\s*{NUMERAL}\s*部分")
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
_FRONT_MATTER_WORDS = (
    r"(?:会议)?(?:时间|日期|地点|主持人?|主题|议题|议程|名称|形式|参会人员|参加人员|与会人员|参加|参会"
    r"|出席(?:人员)?|列席(?:人员)?|缺席(?:人员)?|记录人?|整理人?)"
)
_FRONT_MATTER_RE = re.compile(rf"{_FRONT_MATTER_WORDS}\s*[：:]")
_FRONT_MATTER_LABEL_RE = re.compile(rf"{_FRONT_MATTER_WORDS}\s*[：:]?")
_SPEAKER_RE = re.compile(r"(?P<who>[^：:。，；！？,;!?]{1,24}?)\s*[：:]\s*")
# 王某某认为，…  某物流公司代表提出，…  王某某建议增加…: a speaker without a colon.
_SPEAKER_VERB_RE = re.compile(
    r"(?P<who>[^：:。，；！？,;!?]{1,24}?)(?:(?:认为|表示|提出|指出|反映|说)\s*[，,：:]\s*|(?=建议|希望|要求))"
)
_PARENTHESES_RE = re.compile(r"（[^）]*）|\([^)]*\)")
_SPEECH_VERBS_RE = re.compile(r"(?:认为|表示|提出|指出|反映|建议|说)+$")
# Words that put a colon after something other than a person: 建议：… 理由：… 第十二条：…
_NOT_A_SPEAKER_RE = re.compile(
    r"建议|意见|问题|理由|原因|说明|修改|原文|内容|关于|例如|比如|另外|此外|综上|总体|具体|结论|答复|回复|"
    r"背景|现状|情况|备注|注|主要|其他|其它|首先|其次|最后|目前|同时|因此|所以|但是|对此|为此|大家|与会|"
    r"参会|会上|多数|少数|有人|普遍|一致|很多|不少|部分|一些|多名|个别|我们|他们|条例|草案|法规|会议|第|^有"
)
_HAN_NAME_RE = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_PLACEHOLDER_NAME_RE = re.compile(r"[\u4e00-\u9fff]某{1,2}$")  # 王某某, 李某
_ROLE_RE = re.compile(
    r".*?(?:居民|村民|市民|群众|业主|代表|委员|律师|教师|老师|医生|职工|商户|志愿者|网格员|联络员|工作人员|负责人"
    r"|骑手|司机|店主|经营户|个体户|快递员|外卖员|农民|党员|学生|家长|经理|总监|主任|书记|教授|专家|法务|楼道长|组长)"
)
# 业主委员会: what is left after a role is a body, not a person's name.
_INSTITUTION_RE = re.compile(r"[会局委办司院所处科队站部厅组]$")
# A paragraph about the meeting rather than the draft, unless it also proposes something.
_PROCEDURAL_RE = re.compile(
    r"主持|参加|出席|列席|与会|参会|召开|座谈会|论证会|征询会|会议认为|会议指出|会议强调|会议要求|报送|上报|整理|汇总"
    r"|归纳|如下|征集|征询|收集"
)
# 与会人员普遍认为，…: the attendees speaking is an opinion's lead, not a procedural word.
_ATTENDEES_SAY_RE = re.compile(r"(?:与会|参会)[^，。；：]{0,8}?(?:认为|反映|提出|指出|表示)")
# …and these close the meeting or introduce the opinions, whatever words they hold.
_CLOSING_RE = re.compile(
    r"表示(?:衷心的?)?感谢|致谢|会议结束|散会|(?:整理|归纳|汇总|纪要|报告)如下|如下[：:]$|会议要求|会议强调"
    r"|以上意见|供参考|请予参考|特此"
)
# Saying something about the draft: proposing, judging, agreeing.
_PROPOSAL_RE = re.compile(
    r"建议|应当|应该|应予|不应|不宜|希望|要求|请求|呼吁|提议|主张|增加|增设|补充|删除|删去|取消|修改|改为"
    r"|明确|细化|完善|调整|提高|降低|放宽|缩短|延长|加强|加大|规范|限制|禁止|过于|过[重高低短长严宽早晚多少大小快慢松紧]"
    r"|偏[重高低轻严宽多少]"
    r"|太|不合理|不够|不足|缺少|缺乏|难以|无法|矛盾|冲突|衔接|重复|担心|是否|能否|可否|赞成|同意|反对"
)
# 与会人员一致认为……: the meeting speaks, not the speaker named above.
_COLLECTIVE_RE = re.compile(r"与会|参会|会议|会上|大家|多数|普遍|一致|座谈")
# 提出了意见和建议 names opinions without making one.
_OPINION_NOUNS_RE = re.compile(r"意见[和、及与]?建议|建议[和、及与]?意见|宝贵建议")
_HEADING_MAX_CHARS = 40
_ROLE_MAX_CHARS = 8
_TITLE_MAX_CHARS = 80

# Column headers of an opinion table, after removing spaces and bracketed notes.
_ARTICLE, _BODY, _REASON, _PROPOSER, _OTHER = "article", "body", "reason", "proposer", "other"
_HEADERS = {
    _ARTICLE: ("涉及条款", "条款", "条文", "涉及条文", "所涉条款", "相关条款", "对应条款", "条款号", "条号", "法条"),
    _BODY: (
        "意见建议",
        "意见和建议",
        "意见及建议",
        "意见",
        "建议",
        "意见内容",
        "建议内容",
        "主要意见",
        "具体意见",
        "修改意见",
        "修改建议",
        "发言内容",
        "发言要点",
        "意见要点",
        "内容",
    ),
    _REASON: ("理由", "修改理由", "理由说明", "依据", "说明"),
    # In order of preference: a name column wins over a unit column.
    _PROPOSER: (
        "提出人",
        "意见提出人",
        "建议人",
        "提出者",
        "发言人",
        "发言人姓名",
        "姓名",
        "提出人单位",
        "提出单位",
        "单位",
        "工作单位",
    ),
    _OTHER: ("序号", "编号", "原文", "草案原文", "条文内容", "原条文", "备注", "处理情况", "职务", "身份"),
}
_HEADER_ROLE = {name: role for role, names in _HEADERS.items() for name in names}
_HEADER_RANK = {name: rank for names in _HEADERS.values() for rank, name in enumerate(names)}
_HEADER_NOISE_RE = re.compile(r"[\s*＊:：]|[（(【\[［][^）)】\]］]*[）)】\]］]")
# A cell that is blank or says 整体意见: no one's name.
_BLANK_CELL_RE = re.compile(r"[—－\-/／无空、\s]*|(?:总体|整体|综合|其他|其它)(?:意见|建议)?")


@dataclass
class Candidate:
    """One opinion found in the notes, before the coordinator confirms it.

    ``article`` is the article it is tied to (the first one it refers to, or that of the
    heading above it); ``mentions`` every article of the draft it refers to (another law's
    articles are not among them); ``paragraph`` the 1-based number of its paragraph in the
    document, table cells included.
    """

    body: str
    article: int | None
    mentions: list[int]
    proposer: str
    paragraph: int


def article_refs(text: str, *, own_titles: Iterable[str] = ()) -> list[int]:
    """The draft's articles a text refers to, in order, without repeats: 第十二条、第十三条 → [12, 13].

    Chapters, paragraphs and items (第三章, 第二款, 第三项), other ordinals (第十二次会议)
    and other laws' articles (《物业管理条例》第二十八条) are not the draft's articles.  Numbers
    that cannot be an article number (0, above 9999) are dropped.
    """
    found: dict[int, None] = {}
    for citation in find_citations(text, own_titles=own_titles):
        if citation.scope is Scope.THIS:
            found.update(dict.fromkeys(citation.article_numbers(limit=MAX_RANGE)))
    return list(found)


def read_notes(data: bytes, *, known_articles: set[int] | None = None, draft_title: str = "") -> list[Candidate]:
    """The candidate opinions of a meeting-notes .docx, in document order.

    With ``known_articles`` (the numbers of the draft's articles), a paragraph is tied to
    the first article it names that exists; the others stay in ``mentions``.  With
    ``draft_title``, 《that title》第十二条 is the draft's own article.  Raises UploadError
    for anything but a readable .docx.
    """
    kind = sniff(data)
    if kind != "docx":
        raise UploadError(
            f"只能从 Word 文档（.docx）中读取会议纪要的意见，该文件是{KIND_LABELS[kind]}。", "unsupported"
        )
    lines = docx_lines(data, cells=True)
    return _NotesReader(known_articles, (draft_title,) if draft_title else ()).read(lines)


def _row_key(line: SourceLine) -> tuple[int, int] | None:
    return (line.cell.table, line.cell.row) if line.cell else None


class _NotesReader:
    """Walks the lines of the notes, keeping what a heading or a speaker line says of the next ones."""

    def __init__(self, known_articles: set[int] | None, own_titles: tuple[str, ...]) -> None:
        self.known_articles = known_articles
        self.own_titles = own_titles
        self.article: int | None = None  # from the last 关于第十二条 heading
        self.proposer = ""  # from the last line holding only 居民王某某：
        self.candidates: list[Candidate] = []
        self.open_paragraph: int | None = None  # paragraph of the last candidate, while it goes on
        self.columns: dict[int, dict[str, int]] = {}  # table → role → column, once its header is seen
        self.first = True

    def read(self, lines: Iterable[SourceLine]) -> list[Candidate]:
        for key, group in groupby(lines, key=_row_key):
            if key is None:
                for line in group:
                    self._line(line)
            else:
                self._row(list(group))
        return self.candidates

    def _refs(self, text: str) -> list[int]:
        return article_refs(text, own_titles=self.own_titles)

    # -- paragraphs --

    def _line(self, line: SourceLine) -> None:
        first, self.first = self.first, False
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
        if not self._is_opinion(body):
            return
        if not proposer and not _COLLECTIVE_RE.match(body):
            proposer = self.proposer
        self._add(body, proposer, line.line or 0)

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
        refs = self._refs(label)
        only_refs = not _HEADING_FILLER_RE.sub("", _without_citations(label))
        marked = first or numbered or line.heading or label.startswith("关于")
        if refs and (only_refs or marked):
            self.article, self.proposer = self._first_known(refs), ""
            return True
        if refs:
            return False  # 建议删除第十二条: an opinion without a full stop
        if line.table or label.endswith("如下"):
            return True  # a lead-in (现将主要意见整理如下：) leaves the context alone
        if marked or label.endswith(_HEADING_ENDINGS) or HEADING_LABEL_RE.match(label) or _PART_RE.match(label):
            self.article, self.proposer = None, ""
            return True
        return False

    def _is_opinion(self, body: str) -> bool:
        """Whether a paragraph says something about the draft.

        Not: a paragraph about the meeting (会议由……主持, 与会人员……踊跃发言) that proposes
        nothing (与会居民反映，… is the attendees' view, not the meeting's course); a closing
        or lead-in (表示感谢, 现将意见整理如下：); a short line without a sentence in it that
        neither proposes nor names an article (a signature, a date).
        """
        if self._refs(body):
            return True
        words = _OPINION_NOUNS_RE.sub("", body)
        if _CLOSING_RE.search(words):
            return False
        proposes = _PROPOSAL_RE.search(words) is not None
        if _PROCEDURAL_RE.search(_ATTENDEES_SAY_RE.sub("", words)) and not proposes:
            return False
        return proposes or _SENTENCE_PUNCTUATION_RE.search(body) is not None

    # -- tables --

    def _row(self, lines: list[SourceLine]) -> None:
        """One table row: the header of an opinion table, one opinion, or paragraphs in a frame."""
        self.open_paragraph = None
        self.first = False
        table = lines[0].cell.table if lines[0].cell else 0
        cells: dict[int, list[SourceLine]] = {}
        for line in lines:
            cells.setdefault(line.cell.column if line.cell else 0, []).append(line)
        if table not in self.columns and (header := _header(cells)) is not None:
            self.columns[table] = header
            return
        if table in self.columns:
            self._opinion_row(cells, self.columns[table])
        elif len(cells) > 1:
            self._loose_row(cells)
        else:
            # A one-cell row is a frame around ordinary paragraphs.
            for line in lines:
                self._line(line)

    def _opinion_row(self, cells: dict[int, list[SourceLine]], columns: dict[str, int]) -> None:
        """A row of a table with a header: it stands alone, whatever the rows and headings around it say."""
        body_lines = cells.get(columns[_BODY], [])
        body = _cell_text(body_lines)
        if not _LETTERS_RE.search(body):
            return
        if _REASON in columns and (reason := _cell_text(cells.get(columns[_REASON], []))):
            body = f"{body}\n{reason if reason.startswith('理由') else '理由：' + reason}"
        proposer = _compact(_cell_text(cells.get(columns[_PROPOSER], []))) if _PROPOSER in columns else ""
        if _BLANK_CELL_RE.fullmatch(proposer):
            proposer, rest = _speaker(body)
            body = rest if proposer else body
        article_cell = _cell_text(cells.get(columns[_ARTICLE], [])) if _ARTICLE in columns else ""
        self._add_row(article_cell, body, proposer, body_lines[0].line or 0)

    def _loose_row(self, cells: dict[int, list[SourceLine]]) -> None:
        """A row of a table without a header: the longest cell is the opinion.

        Short cells may name its article (第十二条; a bare number is a 序号 here) and its proposer.
        """
        texts = {column: _cell_text(lines) for column, lines in cells.items()}
        if any(_FRONT_MATTER_LABEL_RE.fullmatch(text) for text in texts.values()):
            return  # 时间 | 2026年3月12日: front matter laid out as a table
        body_column = max(texts, key=lambda column: len(texts[column]))
        body = texts[body_column]
        if not _LETTERS_RE.search(body) or not self._is_opinion(body):
            return
        article_cell, proposer = "", ""
        for column, text in texts.items():
            if column == body_column or _SENTENCE_PUNCTUATION_RE.search(text):
                continue
            if not article_cell and (self._refs(text) or _article_cell(text, unit_optional=False) is not None):
                article_cell = text
            elif not proposer and _is_name(text):
                proposer = text
        if not proposer:
            proposer, rest = _speaker(body)
            body = rest if proposer else body
        self._add_row(article_cell, body, proposer, cells[body_column][0].line or 0)

    def _add_row(self, article_cell: str, body: str, proposer: str, paragraph: int) -> None:
        cell_refs = self._refs(article_cell)
        if not cell_refs and (number := _article_cell(article_cell, unit_optional=True)) is not None:
            cell_refs = [number]
        body_refs = self._refs(body)
        mentions = list(dict.fromkeys(cell_refs + body_refs))
        article = self._first_known(cell_refs) if cell_refs else None
        if article is None and body_refs:
            article = self._first_known(body_refs)
        self.candidates.append(Candidate(body, article, mentions, proposer, paragraph))

    # -- both --

    def _add(self, body: str, proposer: str, paragraph: int) -> None:
        mentions = self._refs(body)
        article = self._first_known(mentions) if mentions else self.article
        self.candidates.append(Candidate(body, article, mentions, proposer, paragraph))
        self.open_paragraph = paragraph

    def _first_known(self, numbers: list[int]) -> int | None:
        known = self.known_articles
        return next((number for number in numbers if known is None or number in known), None)


def _cell_text(lines: list[SourceLine]) -> str:
    return "\n".join(line.text for line in lines).strip()


def _compact(text: str) -> str:
    return " ".join(text.split())


def _header(cells: dict[int, list[SourceLine]]) -> dict[str, int] | None:
    """Role → column of a header row (序号 | 涉及条款 | 意见建议 | 提出人), or None if the row is not one.

    A header names the opinion column and at least one other it knows.
    """
    best: dict[str, tuple[int, int]] = {}  # role → (rank of its header, column)
    named = 0
    for column, lines in cells.items():
        name = _HEADER_NOISE_RE.sub("", _cell_text(lines))
        role = _HEADER_ROLE.get(name)
        if role is None:
            if _LETTERS_RE.search(name):
                return None  # a header holds nothing but column names
            continue
        named += 1
        rank = (_HEADER_RANK[name], column)
        if role not in best or rank < best[role]:
            best[role] = rank
    if _BODY not in best or named < 2:
        return None
    return {role: column for role, (_, column) in best.items() if role != _OTHER}


def _article_cell(text: str, *, unit_optional: bool) -> int | None:
    """The article of a cell holding only its number (十二条; 12 in a 涉及条款 column)."""
    target = whole_article(text, unit_optional=unit_optional) if text else None
    return target.article.value if target is not None and target.article is not None else None


def _without_citations(text: str) -> str:
    pieces, end = [], 0
    for citation in find_citations(text):
        pieces.append(text[end : citation.start])
        end = citation.end
    return "".join(pieces) + text[end:]


def _is_name(text: str) -> bool:
    """A cell that can be a proposer: 王某某, 张三, 居民代表李四, 社区居民."""
    if len(text) > 24 or _BLANK_CELL_RE.fullmatch(text):
        return False
    who = _PARENTHESES_RE.sub("", text).strip()
    return bool(_PLACEHOLDER_NAME_RE.search(who) or _HAN_NAME_RE.fullmatch(who) or _ROLE_RE.match(who))


def _speaker(text: str) -> tuple[str, str]:
    """(proposer, rest) for 居民王某某：…, 张三（退休教师）：…, 王某某建议：…, 王某某认为，…; else ("", text)."""
    if match := _SPEAKER_RE.match(text):
        who = _SPEECH_VERBS_RE.sub("", _PARENTHESES_RE.sub("", match["who"])).strip()
        if who and not _NOT_A_SPEAKER_RE.search(who) and (name := _proposer(who, strict=False)):
            return name, text[match.end() :]
    if match := _SPEAKER_VERB_RE.match(text):
        who = _PARENTHESES_RE.sub("", match["who"]).strip()
        # Without a colon only a clear speaker counts: 王某某认为, 居民代表李四提出; not 物业公司认为.
        if who and not _NOT_A_SPEAKER_RE.search(who) and (name := _proposer(who, strict=True)):
            return name, text[match.end() :]
    return "", text


def _proposer(who: str, *, strict: bool) -> str:
    """The proposer's name in ``who`` (人大代表张三 → 张三, 社区居民 → 社区居民), or ""."""
    if placeholder := _PLACEHOLDER_NAME_RE.search(who):
        return placeholder[0]
    role = _ROLE_RE.match(who)
    name = who[role.end() :] if role else who
    if role and (not name or _INSTITUTION_RE.search(name) or _ROLE_RE.fullmatch(name)) and len(who) <= _ROLE_MAX_CHARS:
        return who  # 社区居民, 业主代表, 业主委员会: all that is known of the speaker
    if strict and not role:
        return ""
    return name if _HAN_NAME_RE.fullmatch(name) else ""
