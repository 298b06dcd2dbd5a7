import random

import pytest

from drafts.text_diff import char_diff, diff_html


def old_side(ops: list[tuple[str, str]]) -> str:
    return "".join(text for op, text in ops if op != "insert")


def new_side(ops: list[tuple[str, str]]) -> str:
    return "".join(text for op, text in ops if op != "delete")


def assert_well_formed(old: str, new: str, ops: list[tuple[str, str]]) -> None:
    assert old_side(ops) == old
    assert new_side(ops) == new
    assert all(op in ("equal", "delete", "insert") and text for op, text in ops)
    neighbours = list(zip(ops, ops[1:], strict=False))
    assert all(first[0] != second[0] for first, second in neighbours)
    assert all((first[0], second[0]) != ("insert", "delete") for first, second in neighbours)


def mutate(rng: random.Random, text: str, alphabet: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 6)):
        position = rng.randint(0, len(chars))
        roll = rng.random()
        if roll < 0.4 and chars:
            del chars[position : position + rng.randint(1, 3)]
        elif roll < 0.8:
            chars.insert(position, rng.choice(alphabet))
        else:  # copy a stretch of the text elsewhere, which makes overlaps and repeats
            start = rng.randint(0, len(text))
            chars[position:position] = text[start : start + 5]
    return "".join(chars)


def test_random_diffs_rebuild_both_texts() -> None:
    rng = random.Random(20261122)
    alphabet = "甲乙丙丁的，。；\n ab<&"
    for _ in range(5000):
        letters = alphabet[: rng.randint(2, len(alphabet))]
        old = "".join(rng.choice(letters) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.85:
            new = mutate(rng, old, alphabet)
        else:
            new = "".join(rng.choice(letters) for _ in range(rng.randint(0, 40)))
        assert_well_formed(old, new, char_diff(old, new))


def test_random_diffs_of_long_texts() -> None:
    """Long texts are first aligned clause by clause; the result must still rebuild both."""
    rng = random.Random(7)
    clauses = ["公司应当依法纳税", "股东会由全体股东组成", "县级以上人民政府", "应当加强领导", "但是法律另有规定的除外"]
    for _ in range(500):
        old = "".join(rng.choice(clauses) + rng.choice("，。；\n") for _ in range(rng.randint(4, 12)))
        if rng.random() < 0.7:
            new = mutate(rng, old, "甲的，。；\n")
        else:
            new = "".join(rng.choice(clauses) + rng.choice("，。；\n") for _ in range(rng.randint(0, 12)))
        assert_well_formed(old, new, char_diff(old, new))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", []),
        ("相同的文本。", "相同的文本。", [("equal", "相同的文本。")]),
        ("", "新增的一款。", [("insert", "新增的一款。")]),
        ("删去的一款。", "", [("delete", "删去的一款。")]),
    ],
)
def test_trivial_diffs(old: str, new: str, expected: list) -> None:
    assert char_diff(old, new) == expected


def test_a_one_character_match_between_changes_is_absorbed() -> None:
    # A raw diff keeps the shared 十: <ins>三</ins>十<del>五</del>.
    assert char_diff("应当在十五日内作出决定", "应当在三十日内作出书面决定") == [
        ("equal", "应当在"),
        ("delete", "十五"),
        ("insert", "三十"),
        ("equal", "日内作出"),
        ("insert", "书面"),
        ("equal", "决定"),
    ]


def test_a_two_character_match_between_larger_changes_is_absorbed() -> None:
    assert char_diff("股东会应当每年召开一次定期会议。", "股东会每年应当至少召开一次会议。") == [
        ("equal", "股东会"),
        ("delete", "应当每年"),
        ("insert", "每年应当至少"),
        ("equal", "召开一次"),
        ("delete", "定期"),
        ("equal", "会议。"),
    ]


def test_a_match_longer_than_the_changes_around_it_stays() -> None:
    assert char_diff("公司应当依法纳税。", "公司必须依法缴纳税款。") == [
        ("equal", "公司"),
        ("delete", "应当"),
        ("insert", "必须"),
        ("equal", "依法"),
        ("insert", "缴"),
        ("equal", "纳税"),
        ("insert", "款"),
        ("equal", "。"),
    ]


def test_insertions_and_deletions_of_words() -> None:
    assert char_diff("县级以上人民政府应当加强领导。", "县级以上地方人民政府应当加强对物业管理工作的领导。") == [
        ("equal", "县级以上"),
        ("insert", "地方"),
        ("equal", "人民政府应当加强"),
        ("insert", "对物业管理工作的"),
        ("equal", "领导。"),
    ]
    assert char_diff("有限责任公司由一个以上五十个以下股东出资设立。", "有限责任公司由一个以上股东出资设立。") == [
        ("equal", "有限责任公司由一个以上"),
        ("delete", "五十个以下"),
        ("equal", "股东出资设立。"),
    ]


def test_a_long_article_with_edits_in_both_paragraphs() -> None:
    old = (
        "召开股东会会议，应当于会议召开十五日前通知全体股东；但是，公司章程另有规定或者全体股东另有约定的除外。\n"
        "股东会应当对所议事项的决定作成会议记录，出席会议的股东应当在会议记录上签名或者盖章。"
    )
    new = (
        "召开股东会会议，应当于会议召开十日前以书面形式通知全体股东；但是，公司章程另有规定的除外。\n"
        "股东会应当对所议事项的决定作成会议记录，出席会议的股东应当在会议记录上签名。"
    )
    assert char_diff(old, new) == [
        ("equal", "召开股东会会议，应当于会议召开十"),
        ("delete", "五"),
        ("equal", "日前"),
        ("insert", "以书面形式"),
        ("equal", "通知全体股东；但是，公司章程另有规定"),
        ("delete", "或者全体股东另有约定"),
        ("equal", "的除外。\n股东会应当对所议事项的决定作成会议记录，出席会议的股东应当在会议记录上签名"),
        ("delete", "或者盖章"),
        ("equal", "。"),
    ]


def test_an_inserted_sentence_slides_to_the_sentence_boundary() -> None:
    # The common prefix alone would give 公司应当公示。公司<ins>应当报告。公司</ins>登记机关….
    assert char_diff("公司应当公示。公司登记机关应当审查。", "公司应当公示。公司应当报告。公司登记机关应当审查。") == [
        ("equal", "公司应当公示。"),
        ("insert", "公司应当报告。"),
        ("equal", "公司登记机关应当审查。"),
    ]


def test_an_inserted_paragraph_starts_on_its_own_line() -> None:
    assert char_diff("第一款。\n第二款。", "第一款。\n新增的一款。\n第二款。") == [
        ("equal", "第一款。\n"),
        ("insert", "新增的一款。\n"),
        ("equal", "第二款。"),
    ]


def test_diff_html_marks_changes_and_breaks_lines() -> None:
    ops = char_diff("第一款。\n第二款。", "第一款。\n新增的一款。\n第二款。")
    assert diff_html(ops) == "第一款。<br><ins>新增的一款。<br></ins>第二款。"
    assert diff_html(char_diff("处一万元罚款", "处五万元罚款")) == "处<del>一</del><ins>五</ins>万元罚款"


def test_diff_html_escapes_everything() -> None:
    ops = [("equal", "<b>甲</b> & "), ("delete", '"乙"'), ("insert", "<script>alert('丙')</script>")]
    assert diff_html(ops) == (
        "&lt;b&gt;甲&lt;/b&gt; &amp; <del>&quot;乙&quot;</del>"
        "<ins>&lt;script&gt;alert(&#x27;丙&#x27;)&lt;/script&gt;</ins>"
    )


def test_diff_html_refuses_unknown_operations() -> None:
    with pytest.raises(ValueError, match="未知的差异操作"):
        diff_html([("replace", "甲")])
