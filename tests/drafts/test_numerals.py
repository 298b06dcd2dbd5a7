import pytest

from drafts.numerals import MAX_NUMBER, article_label, from_chinese, to_chinese

EXAMPLES = [
    (1, "一"),
    (2, "二"),
    (10, "十"),
    (11, "十一"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (100, "一百"),
    (101, "一百零一"),
    (110, "一百一十"),
    (111, "一百一十一"),
    (123, "一百二十三"),
    (200, "二百"),
    (1000, "一千"),
    (1001, "一千零一"),
    (1010, "一千零一十"),
    (1100, "一千一百"),
    (1260, "一千二百六十"),
    (2005, "二千零五"),
    (9999, "九千九百九十九"),
]


@pytest.mark.parametrize(("number", "text"), EXAMPLES)
def test_examples_both_ways(number: int, text: str) -> None:
    assert to_chinese(number) == text
    assert from_chinese(text) == number


def test_round_trip_over_whole_range() -> None:
    rendered = [to_chinese(n) for n in range(1, MAX_NUMBER + 1)]
    assert len(set(rendered)) == MAX_NUMBER
    assert [from_chinese(text) for text in rendered] == list(range(1, MAX_NUMBER + 1))


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12),
        ("１２", 12),
        ("２６６", 266),
        (" 十二 ", 12),
        ("〇", 0),
        ("零", 0),
        ("一百〇一", 101),
        ("两百", 200),
        ("两千零二十", 2020),
        ("一十", 10),
        ("一十一", 11),
        ("一千零十", 1010),
        ("一〇一", 101),  # Word's ideographDigital numbering
        ("一二", 12),
    ],
)
def test_accepted_variants(text: str, number: int) -> None:
    assert from_chinese(text) == number


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "十十", "百", "一百零", "二二十", "一百二", "一千一", "一百零二十", "零一",
     "十百", "一万", "1.5", "-1", "一百零零一", "第一"],
)  # fmt: skip
def test_garbage_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(ValueError, match="数字"):
        from_chinese(text)


@pytest.mark.parametrize("number", [0, -1, MAX_NUMBER + 1, 100000])
def test_to_chinese_range(number: int) -> None:
    with pytest.raises(ValueError, match="超出范围"):
        to_chinese(number)


@pytest.mark.parametrize("value", ["1", 1.0, True, None])
def test_to_chinese_needs_an_int(value: object) -> None:
    with pytest.raises(TypeError):
        to_chinese(value)  # type: ignore[arg-type]


def test_from_chinese_needs_a_string() -> None:
    with pytest.raises(TypeError):
        from_chinese(12)  # type: ignore[arg-type]


def test_article_label() -> None:
    assert article_label(1) == "第一条"
    assert article_label(123) == "第一百二十三条"
    assert article_label(266) == "第二百六十六条"
    with pytest.raises(ValueError):
        article_label(0)
