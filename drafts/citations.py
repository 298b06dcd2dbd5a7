"""Article citations: the one grammar for 第十二条, 本条例第十二条第二款, 第五条至第七条, 前两款 ….

Draft texts, opinions, meeting notes, spreadsheets and search boxes all name provisions in
the same few ways, so they are read here and nowhere else.  As in cfpb's regulations3k
parser, the grammar is built from small named pattern pieces: the numeral, the unit
(条/款/项/目), the 之一 suffix, relative words (本条, 前款, 前两款), joiners (、和及与或) and
range marks (至, 到, -).  From them come the label patterns the draft parser needs
(``ARTICLE_LABEL_RE``, ``HEADING_LABEL_RE``) and a scanner, ``find_citations``, that
returns every citation in running text with its span, the span of every numeral in it,
its structure (lists, ranges, paragraph and item levels, relative references) and whether
it cites this regulation or another law, so that a renumbering can rewrite it in place.

Numerals are read through ``drafts.numerals``.  Pure Python on purpose, like the parser:
no Django, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .numerals import MAX_NUMBER, from_chinese

__all__ = [
    "ARTICLE_LABEL_RE",
    "HEADING_LABEL_RE",
    "LEVELS",
    "NUMERAL",
    "Citation",
    "Number",
    "Place",
    "Range",
    "Relative",
    "Scope",
    "Target",
    "article_numbers",
    "continues_citation",
    "find_citations",
    "number_value",
    "whole_article",
]

#: The levels below a chapter that a citation can name, from the top.
LEVELS = ("article", "paragraph", "item", "subitem")

# --- pattern pieces ---------------------------------------------------------------------

_DIGITS = "零〇一二两三四五六七八九十百千0-9０-９"
#: A numeral, Chinese or Arabic, allowing the stray spaces of `第 一 章` (never a line break).
NUMERAL = rf"[{_DIGITS}](?:(?:[{_DIGITS}]|[^\S\n])*[{_DIGITS}])?"
_SP = r"[^\S\n]*"
_SUFFIX_DIGITS = "一二三四五六七八九十"

#: 第十二条 at the start of a line, with its 之一 and the rest of the line: an article's label.
ARTICLE_LABEL_RE = re.compile(rf"^第\s*(?P<num>{NUMERAL})\s*条(?:\s*(?P<sub>之[{_SUFFIX_DIGITS}]+))?(?P<rest>.*)$")
#: 第三章, 第二节, 第一编, 第一分编 at the start of a line.
HEADING_LABEL_RE = re.compile(rf"^第\s*(?P<num>{NUMERAL})\s*(?P<unit>分编|编|章|节)(?P<rest>.*)$")

# The unit after a numeral.  Each refuses the words it starts in ordinary prose: 第一条件,
# 第三条路, 第二款项, 第一项目, 第一目标.
_UNIT = (
    rf"{_SP}(?:(?P<article>条(?![件例路街巷]))|(?P<paragraph>款(?![项式]))"
    r"|(?P<item>项(?!目))|(?P<subitem>目(?![标的录前光])))"
)
_UNIT_RE = re.compile(_UNIT)
# 第十二, 第（三）: an ordinal before its unit; the bare form follows a joiner (第十二、十三条).
_NUMBER = rf"(?:[（(]{_SP}(?P<paren>{NUMERAL}){_SP}[)）]|(?P<plain>{NUMERAL}))"
_ORDINAL_RE = re.compile(rf"第{_SP}{_NUMBER}")
_BARE_RE = re.compile(rf"(?:第{_SP})?{_NUMBER}")
_SUFFIX_RE = re.compile(rf"{_SP}之{_SP}(?P<n>[{_SUFFIX_DIGITS}]+)")
# 本条, 本款, 本项, 前条, 前款, 前项, 前两款, 前三项.
_RELATIVE_RE = re.compile(
    rf"(?:(?P<this>本)|前{_SP}(?P<count>[两二三四五六七八九十])?){_SP}"
    r"(?:(?P<article>条(?![例件路街巷]))|(?P<paragraph>款(?![项式]))|(?P<item>项(?!目)))"
)
# 本条例第…, 本法第…: the words that say the citation is of this regulation.
_SCOPE_RE = re.compile(rf"本{_SP}(?:条例|法典|法|规定|办法|细则|规则|决定){_SP}(?=第)")
_JOIN_RE = re.compile(rf"{_SP}(?:、|以及|或者|和|与|及|或){_SP}")
_RANGE_RE = re.compile(rf"{_SP}(?:至|到|~|～|—+|－|-|–){_SP}")
_START_RE = re.compile(r"[第本前]")

# What may follow 第十二条 when it is a cross-reference, not an article's label:
# 第十二条规定的…, 第十二条所称…, 第十二条第二款…, 第十二条、第十三条…
_CONTINUATION_RE = re.compile(
    rf"{_SP}(?:之?规定|所(?:称|列|指|述|规定|涉及?)|的|中(?:的|规定)"
    rf"|第{_SP}{_NUMBER}{_SP}[款项目]|(?:[、，,和与及或至到]|或者|以及){_SP}第)"
)

# --- another law ---------------------------------------------------------------------------

# How far back a citation's law is looked for, and what ends a clause on the way.
_LOOK_BACK = 80
_CLAUSE_END_RE = re.compile(r"[。；;！!？?，,\n]")
_TITLE_BEFORE_RE = re.compile(r"《(?P<title>[^《》]{1,60})》(?P<gap>[^《》]*)$")
# 《民法典》第十条, 《民法典》中的第十条, 《条例》关于物业服务的第二十八条.
_TITLE_GAP_RE = re.compile(r"(?:的|之|中|中的|里|里的|有关|相关|所列|规定的|关于[^《》]{1,15}的)?")
# 参照《物业管理条例》…第二十八条: a cue in front of the title carries it a little further.
_CUE_BEFORE_TITLE_RE = re.compile(r"(?:参照|依据|根据|按照|依照|比照|对照|援引|引用|适用|借鉴|参考)[^《》]{0,10}$")
_CUE_GAP_MAX = 15
_OWN_WORDS_RE = re.compile(r"建议|应当|应该|修改|增加|删除|改为|将|把|本条例|本法|草案")
# A title that is a draft under consultation names this regulation, not another one.
_DRAFT_TITLE_RE = re.compile(r"草案|征求意见稿|送审稿|修改稿|修订稿|审议稿|讨论稿")
_TITLE_NOISE_RE = re.compile(r"\s|《|》|[（(][^（）()]*[）)]")
# 民事诉讼法第二百三十九条, 物业管理条例第二十八条: a law named without 《》.
_LAW_KINDS = ("法典", "条例", "规定", "办法", "细则", "规则", "决定", "法")
_NAME_BEFORE_RE = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{1,30}}?)(?P<kind>{'|'.join(_LAW_KINDS)}){_SP}$")
# Words after which a law's name starts: 依照民事诉讼法, 建议条例 (the latter names no law).
# Single characters only where no law's name has them (科学技术普及法 has 及, 行政许可法 has 可).
_NAME_START_RE = re.compile(
    r"参照|依照|依据|根据|按照|适用|违反|对照|比照|结合|执行|建议|认为|希望|关于|对于|符合|遵守|有关|相关"
    r"|(?<!共)和|[的将把对在与或由经按依据照即并也还是]"
)
_REFERRING_BACK = frozenset({"该", "此", "上述", "前述", "上列"})


class Scope(StrEnum):
    """Whose provision a citation names."""

    THIS = "this"  # 本条例第十二条, 本法第十二条, or a bare 第十二条
    OTHER = "other"  # 《物业管理条例》第二十八条, 民事诉讼法第二百三十九条, 该法第五条


class Relative(StrEnum):
    """A provision named by its place from the text the citation is in."""

    THIS_ARTICLE = "本条"
    THIS_PARAGRAPH = "本款"
    THIS_ITEM = "本项"
    PRECEDING_ARTICLE = "前条"
    PRECEDING_PARAGRAPH = "前款"
    PRECEDING_ITEM = "前项"

    @property
    def level(self) -> str:
        return {"条": "article", "款": "paragraph", "项": "item"}[self.value[-1]]

    @property
    def preceding(self) -> bool:
        return self.value.startswith("前")


_RELATIVES = {
    (False, "article"): Relative.THIS_ARTICLE,
    (False, "paragraph"): Relative.THIS_PARAGRAPH,
    (False, "item"): Relative.THIS_ITEM,
    (True, "article"): Relative.PRECEDING_ARTICLE,
    (True, "paragraph"): Relative.PRECEDING_PARAGRAPH,
    (True, "item"): Relative.PRECEDING_ITEM,
}
# 第二款 alone is a paragraph of the article the text is in, and 第三项 alone one of its items (公司法
# 第一百六十二条's second paragraph says 属于第一项情形的 of the first paragraph's items).
_IMPLICIT = {"paragraph": Relative.THIS_ARTICLE, "item": Relative.THIS_ARTICLE, "subitem": Relative.THIS_ITEM}


@dataclass(frozen=True)
class Number:
    """A numeral in the text: its value and its span (十二 of 第十二条; 三 of 第（三）项; 一 of 之一)."""

    value: int
    start: int
    end: int


@dataclass(frozen=True)
class Place:
    """A provision by its numbers: 第十二条之一第二款第（三）项 is Place(12, 1, 2, 3)."""

    article: int
    suffix: int = 0
    paragraph: int | None = None
    item: int | None = None
    subitem: int | None = None


@dataclass(frozen=True)
class Target:
    """One provision a citation names, level by level; a level it does not name is None.

    An absolute target names its article (第十二条第二款).  A relative one hangs on the
    text it is in: ``relative`` says how (本条, 前款; 前两款 has ``count`` 2); a bare 第二款
    is 本条's second paragraph, a bare 第三项 本条's third item (in whichever paragraph holds
    the items: ``resolve`` leaves the paragraph None).  A target in a list takes the levels above its own
    from the one before it (第二十七条第一款和第二款): it shares that target's ``Number``,
    span included, so a rewrite changes the numeral once.
    """

    article: Number | None = None
    suffix: Number | None = None
    paragraph: Number | None = None
    item: Number | None = None
    subitem: Number | None = None
    relative: Relative | None = None
    count: int = 1

    @property
    def level(self) -> str:
        """The deepest level named: 第十二条第二款 is a paragraph, 前款 too."""
        named = [level for level in LEVELS if getattr(self, level) is not None]
        if named:
            return named[-1]
        return self.relative.level if self.relative is not None else "article"

    def resolve(self, here: Place | None = None) -> tuple[Place, ...]:
        """The provisions named, as numbers; a relative target needs ``here``, the place of its text.

        Empty when the target cannot be placed: a relative one without ``here`` (or without the
        level it hangs on), 前款 in a first paragraph.  前条 is counted in article numbers: a 之一
        article just before is not seen.
        """
        named = {level: number.value for level in LEVELS[1:] if (number := getattr(self, level)) is not None}
        if self.relative is None:
            if self.article is None:
                return ()
            return (Place(self.article.value, _value(self.suffix) or 0, **named),)
        anchor = self.relative.level
        current = None if here is None else getattr(here, anchor)
        if here is None or current is None:
            return ()
        preceding = self.relative.preceding
        numbers = range(max(1, current - self.count), current) if preceding else (current,)
        places = []
        for number in numbers:
            if anchor == "article":
                base = Place(number, 0 if preceding else here.suffix)
            elif anchor == "paragraph":
                base = Place(here.article, here.suffix, number)
            else:
                base = Place(here.article, here.suffix, here.paragraph, number)
            places.append(replace(base, **named))
        return tuple(places)


@dataclass(frozen=True)
class Range:
    """第五条至第七条: both ends, as written (the second takes the levels above its own from the first)."""

    first: Target
    last: Target


@dataclass(frozen=True)
class Citation:
    """One citation in a text: 本法第二十一条、第二十五条或者第二十七条 is one, with three parts.

    ``start``/``end`` is its span (from 本条例 when written, to its last unit); ``parts`` the
    targets and ranges in order.  ``scope`` says whether it names this regulation's provisions
    (``prefix`` keeps 本条例/本法 when written) or another law's, whose title is ``law`` when
    the text gives it (《物业管理条例》, 民事诉讼法; 该法 gives none).
    """

    start: int
    end: int
    text: str
    parts: tuple[Target | Range, ...]
    scope: Scope = Scope.THIS
    law: str = ""
    prefix: str = ""

    @property
    def targets(self) -> tuple[Target, ...]:
        """Every target, range ends included, in text order."""
        return tuple(_flatten(self.parts))

    @property
    def numbers(self) -> tuple[Number, ...]:
        """Every numeral of the citation once, in text order: what a renumbering rewrites."""
        seen: dict[tuple[int, int], Number] = {}
        for target in self.targets:
            for level in ("article", "suffix", *LEVELS[1:]):
                number = getattr(target, level)
                if number is not None:
                    seen.setdefault((number.start, number.end), number)
        return tuple(sorted(seen.values(), key=lambda number: number.start))

    def article_numbers(self, *, limit: int | None = None) -> list[int]:
        """The articles named by number, in order, ranges filled in (at most ``limit`` from one range).

        A range written backwards (第十四条至第十二条) gives its two ends only.  Relative
        targets (本条, 前款, a bare 第二款) name no article number.
        """
        found: dict[int, None] = {}
        for part in self.parts:
            if isinstance(part, Range):
                first, last = _value(part.first.article), _value(part.last.article)
                if first is not None and last is not None and first < last:
                    stop = last if limit is None else min(last, first + limit - 1)
                    found.update(dict.fromkeys(range(first, stop + 1)))
                else:
                    found.update(dict.fromkeys(n for n in (first, last) if n is not None))
            elif part.article is not None:
                found[part.article.value] = None
        return list(found)


def number_value(numeral: str) -> int | None:
    """The value of a numeral as a provision number (1..9999), or None: 十二 → 12, 十十 → None."""
    try:
        value = from_chinese(re.sub(r"\s+", "", numeral))
    except ValueError:
        return None
    return value if 1 <= value <= MAX_NUMBER else None


def continues_citation(rest: str) -> bool:
    """Whether ``rest``, the text right after 第十二条 (or 第八章) at the start of a line, makes it a reference.

    第十二条规定的…, 第十二条第二款…, 第十二条、第十三条… are cross-references; 第十二条 为了… is a label.
    """
    return _CONTINUATION_RE.match(rest) is not None


_WHOLE_ARTICLE_RE = re.compile(
    rf"\s*(?:第{_SP})?(?P<n>{NUMERAL}){_SP}(?:(?P<unit>条)(?:{_SP}之{_SP}(?P<n2>[{_SUFFIX_DIGITS}]+))?)?\s*"
)


def whole_article(text: str, *, unit_optional: bool = False) -> Target | None:
    """The article when ``text`` is nothing but one: 第十二条, 第12条, 十二条, 第十二条之一.

    A search box or a spreadsheet cell holds such a text.  With ``unit_optional`` a bare
    number (12, 十二, 第十二) is accepted too, as the 条款 column of a spreadsheet allows.
    """
    match = _WHOLE_ARTICLE_RE.fullmatch(text or "")
    if match is None or not (match["unit"] or unit_optional):
        return None
    article = _number(match, "n")
    if article is None:
        return None
    suffix = _number(match, "n2") if match["n2"] else None
    if match["n2"] and suffix is None:
        return None
    return Target(article=article, suffix=suffix)


def find_citations(text: str, *, own_titles: Iterable[str] = ()) -> list[Citation]:
    """Every citation in ``text``, in order, with its span and structure.

    ``own_titles`` are titles that name this regulation when written in 《》 (a draft's
    title: 《杭州市物业管理条例》第十二条 in notes on that draft); a title with 草案 or
    征求意见稿 in it always does.  Article labels are not told apart from references here:
    pass an article's text without its label.
    """
    return list(_Scanner(text, own_titles).citations())


def article_numbers(text: str, *, limit: int | None = None, own_titles: Iterable[str] = ()) -> list[int]:
    """The numbers of this regulation's articles ``text`` names, in order, without repeats.

    第十二条、第十三条 → [12, 13]; 《物业管理条例》第二十八条 names another law's and gives
    nothing; see ``Citation.article_numbers`` for ranges and ``limit``.
    """
    found: dict[int, None] = {}
    for citation in find_citations(text, own_titles=own_titles):
        if citation.scope is Scope.THIS:
            found.update(dict.fromkeys(citation.article_numbers(limit=limit)))
    return list(found)


# --- the scanner ---------------------------------------------------------------------------


def _value(number: Number | None) -> int | None:
    return None if number is None else number.value


def _flatten(parts: Iterable[Target | Range]) -> Iterator[Target]:
    for part in parts:
        if isinstance(part, Range):
            yield part.first
            yield part.last
        else:
            yield part


def _number(match: re.Match[str], group: str) -> Number | None:
    value = number_value(match[group])
    return None if value is None else Number(value, match.start(group), match.end(group))


def _numeral(match: re.Match[str]) -> Number | None:
    return _number(match, "paren" if match["paren"] is not None else "plain")


def _depth(level: str) -> int:
    return LEVELS.index(level)


def _inherit(previous: Target | None, level: str) -> dict[str, object]:
    """The levels above ``level`` that a target takes from the one before it in a list."""
    if previous is None:
        return {}
    depth = _depth(level)
    fields: dict[str, object] = {}
    for name in LEVELS[:depth]:
        if getattr(previous, name) is not None:
            fields[name] = getattr(previous, name)
    if depth > 0 and previous.suffix is not None:
        fields["suffix"] = previous.suffix
    if previous.relative is not None and _depth(previous.relative.level) < depth:
        fields["relative"], fields["count"] = previous.relative, previous.count
    return fields


def _build(level: str, number: Number, previous: Target | None, suffix: Number | None = None) -> Target:
    fields = _inherit(previous, level)
    fields[level] = number
    if suffix is not None:
        fields["suffix"] = suffix
    if "article" not in fields and "relative" not in fields:
        fields["relative"] = _IMPLICIT[level]
    return Target(**fields)  # type: ignore[arg-type]


@dataclass
class _Scanner:
    text: str
    own_titles: Iterable[str]
    _own: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self._own = frozenset(filter(None, map(_bare_title, self.own_titles)))

    def citations(self) -> Iterator[Citation]:
        pos = 0
        while (start := _START_RE.search(self.text, pos)) is not None:
            citation = self._citation(start.start())
            if citation is None:
                pos = start.start() + 1
            else:
                yield citation
                pos = citation.end

    def _citation(self, start: int) -> Citation | None:
        scope = _SCOPE_RE.match(self.text, start)
        pos = scope.end() if scope else start
        member = self._member(pos, None, bare=False)
        if member is None:
            return None
        parts, end, last = member
        while (join := _JOIN_RE.match(self.text, end)) is not None:
            more = self._member(join.end(), last, bare=True)
            if more is None:
                break
            parts, end, last = parts + more[0], more[1], more[2]
        citation = Citation(start, end, self.text[start:end], tuple(parts))
        if scope:
            return replace(citation, prefix=re.sub(r"\s+", "", scope.group()))
        first = citation.targets[0]
        if first.relative is None:
            return self._with_law(citation)
        return citation

    def _member(self, pos: int, previous: Target | None, *, bare: bool):
        """A place (or a shorthand list 第十二、十三条), then maybe 至 and the range's other end."""
        place = self._place(pos, previous, bare=bare)
        if place is None:
            return None
        parts, end, last = place
        if len(parts) == 1 and isinstance(parts[0], Target):
            mark = _RANGE_RE.match(self.text, end)
            other = self._place(mark.end(), last, bare=True) if mark else None
            if other is not None and len(other[0]) == 1 and isinstance(other[0][0], Target):
                return [Range(parts[0], other[0][0])], other[1], other[2]
        return parts, end, last

    def _place(self, pos: int, previous: Target | None, *, bare: bool):
        """第十二条之一第二款第（三）项, 本条第一款, 前两款, or a shorthand 第十二、十三条."""
        relative = _RELATIVE_RE.match(self.text, pos)
        if relative is not None:
            level = next(level for level in LEVELS if relative[level])
            count = number_value(relative["count"]) if relative["count"] else 1
            target = Target(relative=_RELATIVES[(relative["this"] is None, level)], count=count or 1)
            return self._deeper([target], relative.end())
        group = self._group(pos, previous, bare=bare, below=None)
        if group is None:
            return None
        parts, end = group
        return self._deeper(parts, end)

    def _deeper(self, parts: list[Target | Range], end: int):
        """Lower levels written right after a single target: 第十二条 → 第十二条第二款第三项."""
        while len(parts) == 1 and isinstance(parts[0], Target):
            target = parts[0]
            group = self._group(end, target, bare=False, below=target.level)
            if group is None:
                break
            parts, end = group
        last = list(_flatten(parts))[-1]
        return parts, end, last

    def _group(self, pos: int, previous: Target | None, *, bare: bool, below: str | None):
        """第十二条, or numbers sharing one unit: 第十二、十三条, 第十二至十四条, 第12-14条, 第一、二款."""
        ordinal = (_BARE_RE if bare else _ORDINAL_RE).match(self.text, pos)
        if ordinal is None:
            return None
        numbers: list[tuple[re.Match[str], bool]] = [(ordinal, False)]
        end = ordinal.end()
        while (unit := _UNIT_RE.match(self.text, end)) is None:
            mark = _RANGE_RE.match(self.text, end)
            is_range = mark is not None
            mark = mark or _JOIN_RE.match(self.text, end)
            following = _BARE_RE.match(self.text, mark.end()) if mark else None
            if following is None:
                return None
            numbers.append((following, is_range))
            end = following.end()
        level = unit.lastgroup or "article"
        if below is not None and _depth(level) <= _depth(below):
            return None
        end = unit.end()
        values = [number for match, _ in numbers if (number := _numeral(match)) is not None]
        if len(values) < len(numbers):
            return None  # 第零条, 第十十条: not a provision number
        suffix = None
        if level == "article" and len(values) == 1 and (tail := _SUFFIX_RE.match(self.text, end)):
            suffix = _number(tail, "n")
            if suffix is not None:
                end = tail.end()
        parts: list[Target | Range] = []
        for (_, is_range), value in zip(numbers, values, strict=True):
            target = _build(level, value, previous, suffix)
            if is_range and parts and isinstance(parts[-1], Target):
                parts[-1] = Range(parts[-1], target)
            else:
                parts.append(target)
        return parts, end

    # -- whose provision --

    def _with_law(self, citation: Citation) -> Citation:
        """Another law's citation: a 《title》 right before it (or after 参照/依据 a little before), or a law's name."""
        window = self.text[max(0, citation.start - _LOOK_BACK) : citation.start]
        clause = _CLAUSE_END_RE.split(window)[-1]
        if titled := _TITLE_BEFORE_RE.search(clause):
            title, gap = titled["title"], titled["gap"].strip()
            cued = _CUE_BEFORE_TITLE_RE.search(clause[: titled.start()]) is not None
            if _TITLE_GAP_RE.fullmatch(gap) or (cued and len(gap) <= _CUE_GAP_MAX and not _OWN_WORDS_RE.search(gap)):
                if self._is_own(title):
                    return replace(citation, prefix=f"《{title}》")
                return replace(citation, scope=Scope.OTHER, law=title)
        if named := _NAME_BEFORE_RE.search(clause):
            kind, name = named["kind"], named["name"]
            starts = list(_NAME_START_RE.finditer(name))
            name = name[starts[-1].end() :] if starts else name
            if name in _REFERRING_BACK:
                return replace(citation, scope=Scope.OTHER)
            if name and not name.startswith("本") and len(name) >= (1 if kind.startswith("法") else 2):
                return replace(citation, scope=Scope.OTHER, law=name + kind)
        return citation

    def _is_own(self, title: str) -> bool:
        return _DRAFT_TITLE_RE.search(title) is not None or _bare_title(title) in self._own


def _bare_title(title: str) -> str:
    """物业管理条例 for 《 物业管理条例（草案） 》: what two ways of writing a title share."""
    return _TITLE_NOISE_RE.sub("", title or "")
