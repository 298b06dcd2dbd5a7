import re
from collections import Counter
from pathlib import Path

import pytest

import drafts
from drafts.citations import (
    Citation,
    Place,
    Range,
    Relative,
    Scope,
    Target,
    article_numbers,
    continues_citation,
    find_citations,
    number_value,
    whole_article,
)
from drafts.numerals import to_chinese
from drafts.parser import parse_text

FIXTURES = Path(drafts.__file__).resolve().parent / "fixtures"


def brief(part: Target | Range) -> str:
    """12, 12之1, 12.款2.项3, 本条.款1, 前款×2, 5~7: a target or range in a few characters."""
    if isinstance(part, Range):
        return f"{brief(part.first)}~{brief(part.last)}"
    if part.article is not None:
        head = str(part.article.value) + (f"之{part.suffix.value}" if part.suffix else "")
    else:
        head = part.relative.value + (f"×{part.count}" if part.count > 1 else "")
    levels = [
        f"{unit}{getattr(part, level).value}"
        for level, unit in (("paragraph", "款"), ("item", "项"), ("subitem", "目"))
        if getattr(part, level)
    ]
    return ".".join([head, *levels])


def briefs(text: str, **kwargs) -> list[tuple[str, list[str]]]:
    return [(c.text, [brief(part) for part in c.parts]) for c in find_citations(text, **kwargs)]


# --- the forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("建议修改第十二条。", [("第十二条", ["12"])]),
        ("第12条规定过严", [("第12条", ["12"])]),
        ("第１２条", [("第１２条", ["12"])]),
        ("第 12 条", [("第 12 条", ["12"])]),
        ("第一百零一条", [("第一百零一条", ["101"])]),
        ("第五条至第七条", [("第五条至第七条", ["5~7"])]),
        ("第五条到七条", [("第五条到七条", ["5~7"])]),
        ("第十二至十四条", [("第十二至十四条", ["12~14"])]),
        ("第12-14条", [("第12-14条", ["12~14"])]),
        ("第十二条之一", [("第十二条之一", ["12之1"])]),
        ("第十二条之二第一款", [("第十二条之二第一款", ["12之2.款1"])]),
        ("本条例第十二条第二款", [("本条例第十二条第二款", ["12.款2"])]),
        ("第十二条、第十三条", [("第十二条、第十三条", ["12", "13"])]),
        ("第十二、十三条", [("第十二、十三条", ["12", "13"])]),
        ("第十二条、十三条", [("第十二条、十三条", ["12", "13"])]),
        ("第十二条和第十三条", [("第十二条和第十三条", ["12", "13"])]),
        ("第一、三至五条", [("第一、三至五条", ["1", "3~5"])]),
        ("关于第十二条第二款的意见", [("第十二条第二款", ["12.款2"])]),
        ("前款规定的情形", [("前款", ["前款"])]),
        ("前两款规定的野生动物", [("前两款", ["前款×2"])]),
        ("本条第一款", [("本条第一款", ["本条.款1"])]),
        ("第二款规定的期限", [("第二款", ["本条.款2"])]),
        ("属于第一项情形的", [("第一项", ["本条.项1"])]),
        ("本款第三项", [("本款第三项", ["本款.项3"])]),
        ("前项规定", [("前项", ["前项"])]),
        ("第十二条第二款第（三）项", [("第十二条第二款第（三）项", ["12.款2.项3"])]),
        ("第三项第2目", [("第三项第2目", ["本条.项3.目2"])]),
        ("第一款、第二款", [("第一款、第二款", ["本条.款1", "本条.款2"])]),
        ("第一、二款", [("第一、二款", ["本条.款1", "本条.款2"])]),
    ],
)
def test_citation_forms(text: str, expected: list) -> None:
    assert briefs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 公司法 第一百一十七条
        ("认股书应当载明本法第一百五十四条第二款、第三款所列事项", [["154.款2", "154.款3"]]),
        # 野生动物保护法 第四十八条: a list whose members take their article from the one before
        (
            "违反本法第二十七条第一款和第二款、第二十八条第一款、第三十三条第一款规定",
            [["27.款1", "27.款2", "28.款1", "33.款1"]],
        ),
        # 公司法 第一百六十二条
        (
            "上市公司因本条第一款第（三）项、第（五）项、第（六）项规定的情形收购本公司股份的",
            [["本条.款1.项3", "本条.款1.项5", "本条.款1.项6"]],
        ),
        # 公司法 第七十八条 (2018): a range of items inside one article
        ("监事会行使本法第五十三条第（一）项至第（三）项规定的职权", [["53.项1~53.项3"]]),
        ("董事会对本法第一百八十二条至第一百八十四条规定的事项决议时", [["182~184"]]),
        ("公司有前条第一款第一项、第二项情形，且尚未向股东分配财产的", [["前条.款1.项1", "前条.款1.项2"]]),
        ("公司因前款第一项、第二项规定的情形收购本公司股份的", [["前款.项1", "前款.项2"]]),
        # 野生动物保护法 第二十八条: an absolute and a relative reference in one list
        ("依照本法第二十五条第二款和本条第一款的规定取得", [["25.款2", "本条.款1"]]),
        (
            "应当持有或者附有本法第二十一条、第二十五条、第二十七条或者第二十八条规定的许可证",
            [["21", "25", "27", "28"]],
        ),
    ],
)
def test_lists_ranges_and_levels_in_real_text(text: str, expected: list) -> None:
    assert [parts for _, parts in briefs(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "第三章的结构需要调整",
        "市人大常委会第十二次会议",
        "第一条件是资金到位",
        "第一，建议加强宣传。",
        "第12345条",
        "第0条",
        "第一百零二十条",
        "本条例的名称",
        "适用本条例。",
        "资本项目的管理",
        "本项目由政府投资",
        "第一项目已经完工",
        "向前走第三条路",
        "有下列情形之一的",
    ],
)
def test_what_is_not_a_citation(text: str) -> None:
    assert find_citations(text) == []


def test_of_and_one_of_after_an_article_is_not_a_suffix() -> None:
    assert briefs("具有本法第十二条所列情形之一的") == [("本法第十二条", ["12"])]
    assert briefs("依照第十二条之规定") == [("第十二条", ["12"])]


def test_spans_and_text() -> None:
    text = "依照本法第二十五条第二款和本条第一款的规定，以及前两款。"
    citations = find_citations(text)
    assert [(c.start, c.end, c.text) for c in citations] == [
        (2, 18, "本法第二十五条第二款和本条第一款"),
        (24, 27, "前两款"),
    ]
    assert all(text[c.start : c.end] == c.text for c in citations)
    first = citations[0]
    assert first.prefix == "本法" and first.scope is Scope.THIS
    assert [text[n.start : n.end] for n in first.numbers] == ["二十五", "二", "一"]


# --- this regulation or another law ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scope", "law"),
    [
        ("第十二条", Scope.THIS, ""),
        ("本条例第十二条", Scope.THIS, ""),
        ("本法第十二条", Scope.THIS, ""),
        ("本规定第十五条所列情形", Scope.THIS, ""),
        ("建议条例第十二条删除", Scope.THIS, ""),  # the regulation under consultation, said in passing
        ("根据《民法典》规定，建议第十二条删除", Scope.THIS, ""),  # the title is in another clause
        ("根据《民法典》有关规定，建议第十二条删除", Scope.THIS, ""),  # the title is not what 第十二条 belongs to
        ("参照国务院《物业管理条例》第二十八条的做法", Scope.OTHER, "物业管理条例"),
        ("对符合《中华人民共和国畜牧法》第十二条第二款规定的", Scope.OTHER, "中华人民共和国畜牧法"),
        ("《民法典》中的第一千零八十条", Scope.OTHER, "民法典"),
        ("依据《物业管理条例》关于维修资金的第五十三条", Scope.OTHER, "物业管理条例"),
        ("参照《物业管理条例》有关物业服务的第二十八条", Scope.OTHER, "物业管理条例"),
        # 最高人民法院关于认可和执行台湾地区法院民事判决的规定 第二十二条; 立法法 第九条
        ("适用民事诉讼法第二百三十九条的规定", Scope.OTHER, "民事诉讼法"),
        ("（二）宪法第八十九条规定的国务院行政管理职权的事项", Scope.OTHER, "宪法"),
        ("中华人民共和国民法典第一千零八十条", Scope.OTHER, "中华人民共和国民法典"),
        ("科学技术普及法第十条", Scope.OTHER, "科学技术普及法"),
        ("行政许可法第十二条", Scope.OTHER, "行政许可法"),
        ("参照物业管理条例第二十八条", Scope.OTHER, "物业管理条例"),
        ("该法第五条", Scope.OTHER, ""),
    ],
)
def test_whose_article_a_citation_names(text: str, scope: Scope, law: str) -> None:
    [citation] = find_citations(text)
    assert (citation.scope, citation.law) == (scope, law)


def test_another_law_and_the_draft_in_one_sentence() -> None:
    text = "参照国务院《物业管理条例》第二十八条的做法，建议第四十五条增加承接查验的规定。"
    assert [(c.text, c.scope) for c in find_citations(text)] == [
        ("第二十八条", Scope.OTHER),
        ("第四十五条", Scope.THIS),
    ]
    assert article_numbers(text) == [45]


def test_a_title_naming_the_draft_is_this_regulation() -> None:
    [draft] = find_citations("《杭州市物业管理条例（修订草案）》第十二条")
    assert (draft.scope, draft.prefix) == (Scope.THIS, "《杭州市物业管理条例（修订草案）》")
    assert find_citations("《杭州市物业管理条例》第十二条")[0].scope is Scope.OTHER
    [own] = find_citations("《杭州市物业管理条例》第十二条", own_titles=["杭州市物业管理条例（修订草案）"])
    assert own.scope is Scope.THIS
    # The state regulation whose name ends the city's is still another law.
    [other] = find_citations("《物业管理条例》第十二条", own_titles=["杭州市物业管理条例（修订草案）"])
    assert other.scope is Scope.OTHER


def test_a_list_after_another_laws_title_is_all_that_laws() -> None:
    [citation] = find_citations("依据《民法典》第二百七十八条和第二百八十条")
    assert citation.scope is Scope.OTHER and citation.article_numbers() == [278, 280]


# --- article numbers ------------------------------------------------------------------


def test_article_numbers_fill_ranges_up_to_a_limit() -> None:
    assert article_numbers("第一条至第一百条", limit=50) == list(range(1, 51))
    assert article_numbers("第一条至第一百条") == list(range(1, 101))
    assert article_numbers("第十四条至第十二条") == [14, 12]  # written backwards: the two ends only
    assert article_numbers("第十三条与第十二条重复，第十二条应删除") == [13, 12]
    assert article_numbers("第五十三条第（一）项至第（三）项") == [53]
    assert article_numbers("前款、本条第二款和第三项") == []  # relative: no article number


# --- resolving relative references ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "here", "expected"),
    [
        ("前款", Place(12, paragraph=3), [Place(12, paragraph=2)]),
        ("前两款", Place(12, paragraph=3), [Place(12, paragraph=1), Place(12, paragraph=2)]),
        ("前三款", Place(12, paragraph=2), [Place(12, paragraph=1)]),
        ("前款", Place(12, paragraph=1), []),
        ("前款第二项", Place(12, paragraph=3), [Place(12, paragraph=2, item=2)]),
        ("本条第一款第（三）项", Place(12, 1, paragraph=2), [Place(12, 1, paragraph=1, item=3)]),
        ("第二款", Place(12, paragraph=1), [Place(12, paragraph=2)]),
        ("第一项", Place(12, paragraph=2), [Place(12, item=1)]),  # the article's items, wherever they are
        ("本款第三项", Place(12, paragraph=2), [Place(12, paragraph=2, item=3)]),
        ("前项", Place(12, paragraph=1, item=4), [Place(12, paragraph=1, item=3)]),
        ("前条", Place(12, paragraph=1), [Place(11)]),
        ("第十条第二款", None, [Place(10, paragraph=2)]),
        ("第十条之一", Place(3), [Place(10, 1)]),
    ],
)
def test_resolving_a_target_from_where_its_text_is(text: str, here: Place | None, expected: list[Place]) -> None:
    [citation] = find_citations(text)
    assert [place for target in citation.targets for place in target.resolve(here)] == expected


def test_a_relative_target_needs_to_know_where_it_is() -> None:
    [citation] = find_citations("前款")
    assert citation.targets[0].resolve() == ()
    assert citation.targets[0].resolve(Place(12)) == ()  # no paragraph to count back from


# --- renumbering ----------------------------------------------------------------------


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite this regulation's article numbers as issue 17's workspace will, numeral by numeral."""
    edits = []
    for citation in find_citations(text):
        if citation.scope is not Scope.THIS:
            continue
        articles = {target.article for target in citation.targets if target.article is not None}
        for number in articles:
            if number.value in mapping:
                written = text[number.start : number.end]
                new = str(mapping[number.value]) if written.isdigit() else to_chinese(mapping[number.value])
                edits.append((number.start, number.end, new))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_spans_let_a_renumbering_rewrite_every_reference_once() -> None:
    # A new article inserted after 第十二条: 13 → 14, 14 → 15 …
    mapping = {n: n + 1 for n in range(13, 100)}
    text = (
        "违反本条例第十二条、第十三条和第十四条第一款、第二款规定的，依照第20条处罚；"
        "《物业管理条例》第十三条另有规定的除外，前款规定的期限不变。"
    )
    assert renumber(text, mapping) == (
        "违反本条例第十二条、第十四条和第十五条第一款、第二款规定的，依照第21条处罚；"
        "《物业管理条例》第十三条另有规定的除外，前款规定的期限不变。"
    )


def test_a_level_taken_from_the_target_before_shares_its_numeral() -> None:
    [citation] = find_citations("第二十七条第一款和第二款")
    first, second = citation.targets
    assert second.article is first.article
    assert [n.value for n in citation.numbers] == [27, 1, 2]


# --- whole texts: search boxes and spreadsheet cells ----------------------------------


@pytest.mark.parametrize(
    ("text", "number", "suffix"),
    [
        ("第十二条", 12, None),
        ("第12条", 12, None),
        ("12条", 12, None),
        ("十二条", 12, None),
        (" 第 十二 条 ", 12, None),
        ("第１２条", 12, None),
        ("第十二条之一", 12, 1),
    ],
)
def test_a_text_that_is_one_article(text: str, number: int, suffix: int | None) -> None:
    target = whole_article(text)
    assert target.article.value == number
    assert (target.suffix.value if target.suffix else None) == suffix


@pytest.mark.parametrize(
    "text", ["十二", "12", "第十二", "第十二条第二款", "第十二款", "第一百零二十条", "第0条", "停车条件", ""]
)
def test_a_text_that_is_not_one_article(text: str) -> None:
    assert whole_article(text) is None


def test_a_bare_number_is_an_article_where_the_unit_is_optional() -> None:
    assert whole_article("12", unit_optional=True).article.value == 12
    assert whole_article("第十二", unit_optional=True).article.value == 12
    assert whole_article("附则", unit_optional=True) is None


def test_number_values() -> None:
    assert [number_value(n) for n in ("十二", "1 2", "１２", "一百零一", "十十", "0", "10000")] == [
        12,
        12,
        12,
        101,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("rest", "reference"),
    [
        ("规定的情形，不适用本条。", True),
        ("所称单位，包括个体工商户。", True),
        ("第二款规定的期限可以延长。", True),
        ("第（三）项规定的", True),
        ("、第十三条的规定同样适用。", True),
        ("至第十五条", True),
        ("中的“单位”包括个人。", True),
        (" 为了规范物业管理活动，制定本条例。", False),
        ("（立法目的）为了规范物业管理活动。", False),
        ("", False),
    ],
)
def test_what_follows_a_label_that_is_a_reference(rest: str, reference: bool) -> None:
    assert continues_citation(rest) is reference


# --- the corpus -----------------------------------------------------------------------
# Expected counts were taken with grep -o on the Markdown files (前款 27, 前两款 7, …).

CORPUS = {
    "公司法(2023-12-29).md": {
        "本法": 23,
        ("前款", 1): 27,
        ("前款", 2): 7,
        ("前款", 3): 1,
        ("前款", 4): 1,
        ("前条", 1): 8,
    },
    "杭州市物业管理条例(2021-08-09).md": {"本条例": 1, ("前款", 1): 12},
    "潮州市畲族文化保护条例(2021-04-29).md": {"本条例": 1},
}
# Every way a provision is named, to check that no citation is missed.
_ANY_MENTION = re.compile(
    r"第[（(]?[零〇一二两三四五六七八九十百千0-9]+[)）]?[条款项目]|前[两三四]?[条款项]|本[条款项](?!例)"
)


def corpus_citations(name: str) -> tuple[int, list[Citation], list[str]]:
    result = parse_text((FIXTURES / name).read_text(encoding="utf-8"))
    texts = [article.text for article in result.articles_flat()]
    return len(texts), [c for text in texts for c in find_citations(text)], texts


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_citation_in_real_regulations_is_found_and_names_an_existing_article(name: str) -> None:
    articles, citations, texts = corpus_citations(name)
    for text in texts:
        spans = [(c.start, c.end) for c in find_citations(text)]
        missed = [m.group() for m in _ANY_MENTION.finditer(text) if not any(s <= m.start() < e for s, e in spans)]
        assert missed == [], text
    assert all(c.scope is Scope.THIS for c in citations)  # none of the three cites another law by article
    numbers = [n for c in citations for n in c.article_numbers()]
    assert numbers and all(1 <= n <= articles for n in numbers)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_prefixes_and_relative_references_in_real_regulations(name: str) -> None:
    _, citations, _ = corpus_citations(name)
    found: Counter = Counter(c.prefix for c in citations if c.prefix)
    for citation in citations:
        written = {(t.relative.value, t.count) for t in citation.targets if t.relative and t.relative.preceding}
        found.update(written)
    assert {key: found[key] for key in CORPUS[name]} == CORPUS[name]
    assert sum(found[key] for key in found if isinstance(key, tuple)) == sum(
        value for key, value in CORPUS[name].items() if isinstance(key, tuple)
    )


def test_relative_words_are_relative() -> None:
    assert {
        t.relative for text in ("本条", "本款", "本项", "前条", "前款", "前项") for t in find_citations(text)[0].targets
    } == set(Relative)
