import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import drafts
from drafts.matching import ArticleRef, MatchResult, apply_corrections, match_articles, similarity
from drafts.numerals import article_label
from drafts.parser import parse_text

FIXTURES = Path(drafts.__file__).resolve().parent / "fixtures"
COMPANY_LAW = "公司法(2023-12-29).md"
HANGZHOU = "杭州市物业管理条例(2021-08-09).md"
CHAOZHOU = "潮州市畲族文化保护条例(2021-04-29).md"

NEW_ARTICLE_A = "国家鼓励公司参与社会公益活动，支持公司依法履行社会责任，推动公司治理现代化。"
NEW_ARTICLE_B = "公司应当建立健全合规管理制度，加强对经营管理行为的合规审查，防范合规风险。"


@cache
def load(name: str) -> tuple[ArticleRef, ...]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return tuple(ArticleRef.from_node(node) for node in parse_text(text).articles_flat())


def numbered(texts: list[str]) -> list[ArticleRef]:
    """A version made of these texts, numbered 第一条, 第二条, …"""
    return [ArticleRef(number, article_label(number), text) for number, text in enumerate(texts, 1)]


def company_law_revision() -> list[ArticleRef]:
    """A second reading of the Company Law (old indices in the comments, new ones on the right).

    Two articles inserted after 第五条, 第八条 moved after 第四十一条, 第十七条 split in two,
    第二十五条 and 第三十八条 deleted, 第五十八条 merged into 第五十九条, a few characters
    changed in 第四十二条, 第六十四条 and 第七十条; then numbered afresh.
    """
    old = [article.text for article in load(COMPANY_LAW)]
    kept, piece = old[16].rsplit("\n", 1)
    texts = [
        *old[0:5],  # 0-4 → 0-4
        NEW_ARTICLE_A,  # → 5
        NEW_ARTICLE_B,  # → 6
        *old[5:7],  # 5-6 → 7-8
        *old[8:16],  # 8-15 → 9-16
        kept,  # 16 → 17, its last paragraph split off into
        piece,  # → 18
        *old[17:24],  # 17-23 → 19-25
        *old[25:37],  # 25-36 → 26-37 (24 deleted)
        *old[38:41],  # 38-40 → 38-40 (37 deleted)
        old[7],  # 7 → 41, moved
        old[41].replace("五十个", "一百个"),  # 41 → 42
        *old[42:57],  # 42-56 → 43-57
        old[57] + "\n" + old[58],  # 58 (with 57 merged in) → 58
        *old[59:63],  # 59-62 → 59-62
        old[63].replace("十五日前", "十日前"),  # 63 → 63
        *old[64:69],  # 64-68 → 64-68
        old[69].replace("不得超过三年", "不得超过五年"),  # 69 → 69
        *old[70:],  # 70-265 → 70-265
    ]
    return numbered(texts)


def expected_company_law_pairs() -> dict[int, int]:
    """New index → old index for company_law_revision()."""
    runs = [  # (first new, first old, length)
        (0, 0, 5),
        (7, 5, 2),
        (9, 8, 9),
        (19, 17, 7),
        (26, 25, 12),
        (38, 38, 3),
        (41, 7, 1),
        (42, 41, 16),
        (58, 58, 208),
    ]
    return {new + k: old + k for new, old, length in runs for k in range(length)}


# --- the revised Company Law --------------------------------------------------------------


def test_revision_pairs_every_surviving_article_with_its_predecessor() -> None:
    result = match_articles(load(COMPANY_LAW), company_law_revision())
    assert result.old_for_new() == expected_company_law_pairs()
    assert [pair.new for pair in result.pairs] == sorted(expected_company_law_pairs())


def test_revision_reports_added_deleted_splits_and_merges() -> None:
    result = match_articles(load(COMPANY_LAW), company_law_revision())
    assert result.added == [5, 6, 18]
    assert result.deleted == [24, 37, 57]
    assert result.splits == {16: [18]}  # 第十七条's last paragraph became 第十九条
    assert result.merges == {58: [57]}  # 第五十八条 went into the new 第五十九条


def test_revision_flags_changed_moved_and_renumbered() -> None:
    result = match_articles(load(COMPANY_LAW), company_law_revision())
    assert [pair.new for pair in result.pairs if pair.changed] == [17, 42, 58, 63, 69]
    assert [pair.new for pair in result.pairs if pair.moved] == [41]
    renumbered = {pair.new for pair in result.pairs if pair.renumbered}
    # +2 after the insertion, +1 once 第二十五条 is gone, equal for 第三十九条–第四十一条, +1 again
    # while the moved 第八条 sits in front, equal from the merge on.
    assert renumbered == {7, 8, *range(9, 18), *range(19, 38), 41, 42, *range(43, 58)}
    assert all(pair.score == 1.0 for pair in result.pairs if not pair.changed)
    assert all(0.5 <= pair.score < 1.0 for pair in result.pairs if pair.changed)


def test_revision_statuses_prefer_the_most_informative() -> None:
    result = match_articles(load(COMPANY_LAW), company_law_revision())
    statuses = {j: result.status(j) for j in range(266)}
    assert statuses[0] == "same"
    assert statuses[5] == statuses[6] == statuses[18] == "added"
    assert statuses[7] == "renumbered"
    assert statuses[41] == "moved"  # also renumbered
    assert statuses[42] == "changed"  # also renumbered
    assert statuses[58] == "changed"
    assert statuses[40] == statuses[265] == "same"
    assert sum(status == "same" for status in statuses.values()) == 5 + 3 + (207 - 2)


def test_text_copied_into_a_new_article_is_not_a_split() -> None:
    """A split moves text out of an article; repeating a sentence its source keeps is not one."""
    old = list(load(COMPANY_LAW)[:20])
    texts = [article.text for article in old]
    last = texts[16].rsplit("\n", 1)[1]
    new = numbered([*texts[:16], texts[16] + "（修改）", last, *texts[17:]])
    result = match_articles(old, new)
    assert result.added == [17]
    assert result.pair_for_new(16).changed
    assert result.splits == {}


# --- simple cases ---------------------------------------------------------------------


def test_identical_versions_are_all_same() -> None:
    articles = list(load(COMPANY_LAW))
    result = match_articles(articles, articles)
    assert result.old_for_new() == {k: k for k in range(266)}
    assert {result.status(k) for k in range(266)} == {"same"}
    assert (result.added, result.deleted, result.splits, result.merges) == ([], [], {}, {})


def test_whitespace_and_invisible_characters_do_not_count_as_changes() -> None:
    old = numbered(["公司应当依法纳税。", "股东会由全体股东组成。"])
    new = numbered(["公司应当\u3000依法纳税。", "股东会由全体\u200b股东组成。\n"])
    result = match_articles(old, new)
    assert [result.status(k) for k in range(2)] == ["same", "same"]


def test_a_changed_title_is_a_change() -> None:
    old = [ArticleRef(1, "第一条", "为了规范公司的组织和行为，制定本法。", "立法目的")]
    new = [ArticleRef(1, "第一条", "为了规范公司的组织和行为，制定本法。", "立法宗旨")]
    assert match_articles(old, new).status(0) == "changed"


def test_unrelated_regulations_are_all_added_and_deleted() -> None:
    old, new = load(COMPANY_LAW), load(HANGZHOU)
    result = match_articles(old, new)
    assert result.pairs == []
    assert result.added == list(range(len(new)))
    assert result.deleted == list(range(len(old)))
    assert (result.splits, result.merges) == ({}, {})


def test_unrelated_regulations_share_only_their_commencement_article() -> None:
    # 本条例自2022年3月1日起施行。 / 本条例自2021年5月1日起施行。
    result = match_articles(load(HANGZHOU), load(CHAOZHOU))
    assert result.old_for_new() == {26: 92}
    assert result.status(26) == "changed"


def test_an_insertion_at_the_start_renumbers_without_moving() -> None:
    old = list(load(CHAOZHOU))
    new = numbered([NEW_ARTICLE_A] + [article.text for article in old])
    result = match_articles(old, new)
    assert result.added == [0]
    assert result.old_for_new() == {k + 1: k for k in range(len(old))}
    assert {result.status(k) for k in range(1, len(new))} == {"renumbered"}


def test_repeated_texts_go_where_their_neighbours_are() -> None:
    repeated = "本条规定的事项，由国务院另行规定。"
    old = numbered(["甲条文的内容。", repeated, "乙条文的内容。", repeated])
    new = numbered([repeated, "甲条文的内容。", repeated, "乙条文的内容。", repeated])
    result = match_articles(old, new)
    # Each old copy follows 甲 or 乙 in both versions; the copy in front of 甲 is new.
    assert result.old_for_new() == {1: 0, 2: 1, 3: 2, 4: 3}
    assert result.added == [0]
    assert not any(pair.moved for pair in result.pairs)


def test_repeated_texts_without_neighbours_keep_their_numbers() -> None:
    repeated = "本条规定的事项，由国务院另行规定。"
    result = match_articles(numbered([repeated] * 2), numbered([repeated] * 3))
    assert result.old_for_new() == {0: 0, 1: 1}
    assert result.added == [2]


def test_near_ties_go_to_the_article_where_it_is_expected() -> None:
    first = "违反本条例第十一条规定，未按照要求公示信息的，由房产主管部门责令限期改正。"
    second = "违反本条例第十三条规定，未按照要求公示信息的，由房产主管部门责令限期改正。"
    edited = "违反本条例第十二条规定，未按照要求公示信息的，由房产主管部门责令限期改正。"
    old = numbered(["甲。甲甲甲甲", first, "乙。乙乙乙乙", second, "丙。丙丙丙丙"])
    new = numbered(["甲。甲甲甲甲", "乙。乙乙乙乙", edited, "丙。丙丙丙丙"])
    assert similarity(first, edited) == similarity(second, edited)
    result = match_articles(old, new)
    assert result.old_for_new() == {0: 0, 1: 2, 2: 3, 3: 4}  # between 乙 and 丙, where it stood
    assert result.deleted == [1]


def test_pairs_below_the_threshold_are_not_matched() -> None:
    old = numbered(["公司应当依法纳税，接受监督。"])
    new = numbered(["公司必须依法缴纳各项税款。"])
    score = similarity(old[0].text, new[0].text)
    assert 0 < score < 0.5
    assert match_articles(old, new).added == [0]
    assert match_articles(old, new, threshold=score).old_for_new() == {0: 0}


def test_threshold_must_be_a_share() -> None:
    with pytest.raises(ValueError, match="相似度阈值"):
        match_articles([], [], threshold=0)


def test_empty_versions() -> None:
    result = match_articles([], numbered(["甲。"]))
    assert (result.pairs, result.added, result.deleted) == ([], [0], [])


# --- corrections -------------------------------------------------------------------------


def test_correction_claims_an_old_article_and_frees_its_former_partner() -> None:
    old, new = load(COMPANY_LAW), company_law_revision()
    result = match_articles(old, new)
    # Staff say the new 第四十三条 (index 42) replaces the deleted 第三十八条 (index 37) instead.
    corrected = apply_corrections(old, new, result, {42: 37})
    pair = corrected.pair_for_new(42)
    assert (pair.old, pair.manual, pair.changed, pair.renumbered) == (37, True, True, True)
    assert 41 in corrected.deleted  # 第四十二条 lost its successor and no other article resembles it
    assert corrected.deleted == [24, 41, 57]
    assert [p.new for p in corrected.pairs if p.manual] == [42]
    # 37 now sits after 38-40 in the new order: one of them is out of order.
    assert corrected.status(42) == "changed"
    assert [p.new for p in corrected.pairs if p.moved] == [41, 42]


def test_correction_to_none_declares_a_new_article() -> None:
    old, new = load(COMPANY_LAW), company_law_revision()
    corrected = apply_corrections(old, new, match_articles(old, new), {42: None})
    assert corrected.status(42) == "added"
    assert corrected.added == [5, 6, 18, 42]
    assert corrected.deleted == [24, 37, 41, 57]
    assert corrected.declared_new == (42,)
    # A later round of corrections keeps the declaration.
    again = apply_corrections(old, new, corrected, {5: 24})
    assert again.status(42) == "added"
    assert again.old_for_new()[5] == 24


def test_freed_article_is_matched_again_when_a_free_old_article_fits() -> None:
    old = numbered(["公司应当依法纳税，接受税务机关监督。", "股东会由全体股东组成，是公司的权力机构。"])
    new = numbered(["公司应当依法纳税，接受税务机关的监督。", "股东会由全体股东组成，是公司的最高权力机构。"])
    result = match_articles(old, new)
    assert result.old_for_new() == {0: 0, 1: 1}
    corrected = apply_corrections(old, new, result, {0: 1})  # a staff mistake, but theirs to make
    # New 0 takes old 1; new 1 lost old 1 and finds old 0 too different: it becomes added.
    assert corrected.old_for_new() == {0: 1}
    assert corrected.added == [1] and corrected.deleted == [0]
    swapped = apply_corrections(old, new, result, {0: 1, 1: 0})
    assert swapped.old_for_new() == {0: 1, 1: 0}
    assert [pair.moved for pair in swapped.pairs] == [True, False]
    undone = apply_corrections(old, new, corrected, {0: 0})
    assert undone.old_for_new() == {0: 0, 1: 1}  # new 1 re-matched to the freed old 1
    assert [pair.manual for pair in undone.pairs] == [True, False]


@pytest.mark.parametrize(
    ("corrections", "message"),
    [
        ({300: 1}, "新版本中没有索引为 300 的条文"),
        ({-1: 1}, "新版本中没有索引为 -1 的条文"),
        ({1: 266}, "旧版本中没有索引为 266 的条文"),
        ({"1": 1}, "新版本条文的索引必须是整数"),
        ({1: True}, "旧版本条文的索引必须是整数"),
        ({1: 5, 2: 5}, "旧版本的第六条不能同时对应新版本的第二条和第三条"),
    ],
)
def test_invalid_corrections_are_refused_in_chinese(corrections: dict, message: str) -> None:
    old, new = load(COMPANY_LAW), company_law_revision()
    with pytest.raises(ValueError, match=message):
        apply_corrections(old, new, match_articles(old, new), corrections)


def test_a_result_for_other_versions_is_refused() -> None:
    old, new = load(COMPANY_LAW), company_law_revision()
    result = match_articles(old, new)
    with pytest.raises(ValueError, match="匹配结果与条文列表不一致"):
        apply_corrections(old[:10], new[:10], result, {})


# --- results --------------------------------------------------------------------------


def test_result_survives_a_json_round_trip() -> None:
    result = match_articles(load(COMPANY_LAW), company_law_revision())
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["splits"] == {"16": [18]}
    assert next(pair for pair in data["pairs"] if pair["new"] == 41) == {
        "old": 7,
        "new": 41,
        "score": 1.0,
        "changed": False,
        "renumbered": True,
        "moved": True,
        "manual": False,
        "status": "moved",
    }
    restored = MatchResult.from_dict(data)
    assert restored.to_dict() == result.to_dict()
    assert restored.old_for_new() == result.old_for_new()


def test_status_of_an_unknown_index_is_refused() -> None:
    result = match_articles(numbered(["甲。"]), numbered(["甲。"]))
    with pytest.raises(ValueError, match="新版本中没有索引为 1 的条文"):
        result.status(1)


def test_matching_is_deterministic_across_hash_seeds() -> None:
    """String hashes change between interpreters; no decision may depend on their order."""
    script = (
        "import json\n"
        "from tests.drafts.test_matching import COMPANY_LAW, company_law_revision, load\n"
        "from drafts.matching import match_articles\n"
        "print(json.dumps(match_articles(load(COMPANY_LAW), company_law_revision()).to_dict()))\n"
    )
    root = Path(drafts.__file__).resolve().parent.parent
    outputs = set()
    for seed in ("1", "2", "3"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", script], cwd=root, env=environment, capture_output=True, text=True, check=True
        )
        outputs.add(completed.stdout)
    assert len(outputs) == 1
    here = match_articles(load(COMPANY_LAW), company_law_revision()).to_dict()
    assert json.loads(outputs.pop()) == json.loads(json.dumps(here))
