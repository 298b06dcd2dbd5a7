"""The 修改情况说明: a first draft written from the comparison of two texts, read back from the .docx."""

import io
import re

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT

from cms.roles import Role
from comments.models import Disposition
from drafts.comparison import Article, ChangeNote, Text, compare
from drafts.explanation_word import MAX_LISTED_OPINIONS, explanation_docx, explanation_items
from drafts.models import DraftStage
from drafts.parser import parse_text
from drafts.services import draft_version_create
from tests.drafts.test_comparison import A1, A2, A3, A4, A5, A6, INSERTED, OLD, opinion, revised
from tests.factories import DraftFactory, UserFactory
from tests.libreoffice import convert_to_pdf

CHAPTER_ONE, CHAPTER_TWO = ("第一章\u3000总则",), ("第二章\u3000业主",)


def text(name: str, *articles: Article) -> Text:
    return Text("示例条例", name, list(articles), ref=name)


def paragraphs(comparison) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of the .docx, as Word reads it."""
    document = Document(io.BytesIO(explanation_docx(comparison)))
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_changes_are_numbered_items_by_title_or_chapter_with_the_sentences_a_clerk_writes():
    old = text(
        "征求意见稿",
        Article(1, "第一条", A1, "立法目的", CHAPTER_ONE, key="a"),
        Article(2, "第二条", A2, "", CHAPTER_ONE, key="b"),
        Article(3, "第三条", A3, "", CHAPTER_ONE, key="c"),
        Article(4, "第四条", A5, "", CHAPTER_TWO, key="d"),
        Article(5, "第五条", A6, "", CHAPTER_TWO, key="e"),
    )
    new = text(
        "修改稿",
        Article(
            1, "第一条", "为了规范物业管理活动，维护业主的合法权益，制定本条例。", "立法目的", CHAPTER_ONE, key="a"
        ),
        Article(2, "第二条", A2, "", CHAPTER_ONE, key="b"),
        Article(3, "第三条", INSERTED, "", CHAPTER_ONE, key="f"),
        Article(4, "第四条", "业主应当遵守“管理规约”。\n业主大会的决定对全体业主具有约束力", "", CHAPTER_TWO, key="d"),
        Article(5, "第五条", A6, "", CHAPTER_TWO, key="e"),
    )
    notes = {"a": ChangeNote(("写明立法目的。",), (4, 9, 11)), "d": ChangeNote(("与民法典衔接",), ())}
    comparison = compare(old, new, notes=notes)
    assert [item.subject for item in explanation_items(comparison)] == ["立法目的", "“总则”一章", "“业主”一章"]

    styled = paragraphs(comparison)
    assert styled[0] == ("法规标题", "关于《示例条例》修改情况的说明")
    body = [p for _style, p in styled]
    assert "《示例条例》修改稿与征求意见稿相比，共修改2条，增加1条，删除1条，其中1处修改吸收了3条意见。" in body[3]
    headings = [p for style, p in styled if style == "一级标题"]
    assert headings == ["一、关于立法目的。", "二、关于“总则”一章。", "三、关于“业主”一章。"]
    first = body.index("一、关于立法目的。")
    assert body[first + 1 : first + 4] == [
        "共有3条意见提出修改建议（意见来源：第4、9、11号意见）。",
        "修改理由：写明立法目的。",
        "根据上述意见，将第一条修改为：“（立法目的）为了规范物业管理活动，维护业主的合法权益，制定本条例。”",
    ]
    second = body.index("二、关于“总则”一章。")
    # Reading order: the new 第三条 stands where the deleted one stood.
    assert body[second + 1 : second + 3] == [f"经研究，增加一条，作为第三条：“{INSERTED}”", "经研究，删除第三条。"]
    third = body.index("三、关于“业主”一章。")
    # Quotation marks nest; a last 款 without its own full stop gets one after the closing mark.
    assert body[third + 1 : third + 4] == [
        "修改理由：与民法典衔接。",
        "经研究，将第四条修改为：“业主应当遵守‘管理规约’。",
        "业主大会的决定对全体业主具有约束力”。",
    ]
    assert body[-1] == "以上说明连同《示例条例》修改稿，请审议。"


def test_articles_without_chapters_or_titles_are_items_of_their_own_in_chinese_numerals():
    old = text("一审稿", Article(5, "第5条", A5, key="x"), Article(6, "第6条", A6, key="y"))
    new = text(
        "二审稿",
        Article(5, "第5条", "业主应当遵守管理规约和业主大会的决定。", key="x"),
        Article(6, "第6条", A6, key="z"),
    )
    body = [p for _style, p in paragraphs(compare(old, new))]
    assert "一、关于第五条。" in body
    assert "经研究，将第五条修改为：“业主应当遵守管理规约和业主大会的决定。”" in body
    assert "二、关于第六条。" in body
    assert "经研究，增加一条，作为第六条：“本条例自2026年1月1日起施行。”" in body
    assert "经研究，删除第六条。" in body
    assert not any(re.search(r"第\d+条", p) for p in body)


def test_a_moved_and_renumbered_article_says_where_it_went_and_many_opinions_are_summed_up():
    old = text("一审稿", *(Article(n, f"第{'一二三'[n - 1]}条", t, key=t) for n, t in enumerate([A1, A2, A3], 1)))
    # 第三条 goes first unchanged; 第二条, now 第三条, is rewritten.
    new = text(
        "二审稿",
        Article(1, "第一条", A3, key=A3),
        Article(2, "第二条", A1, key=A1),
        Article(3, "第三条", A2 + "区人民政府协助。", key=A2),
    )
    many = tuple(range(1, MAX_LISTED_OPINIONS + 6))
    body = [p for _style, p in paragraphs(compare(old, new, notes={A2: ChangeNote((), many)}))]
    assert "经研究，将第三条调整为第一条。" in body
    listed = "、".join(map(str, many[:MAX_LISTED_OPINIONS]))
    assert f"共有{len(many)}条意见提出修改建议（意见来源：第{listed}号等意见）。" in body
    assert f"根据上述意见，作为第三条，将第二条修改为：“{A2}区人民政府协助。”" in body
    # 第一条, only renumbered by the move, is no item of its own.
    assert "三、关于第二条。" not in body and "经研究，将第一条调整为第二条。" not in body


def test_identical_texts_say_nothing_was_changed():
    same = text("一审稿", Article(1, "第一条", A1, key="a"))
    body = [p for _style, p in paragraphs(compare(same, text("二审稿", *same.articles)))]
    assert "《示例条例》二审稿与一审稿相比，条文没有修改。" in body
    assert not any(p.startswith("一、") for p in body)


# --- from a draft's versions, through the admin ---------------------------------------------


@pytest.fixture
def revised_draft(draft_index):
    draft = DraftFactory(index=draft_index, slug="wuye", text=OLD, title="示例条例")
    draft_version_create(
        draft=draft,
        result=parse_text(revised(A1, A2, A3, A4, "业主应当遵守管理规约和业主大会的决定。", A6, INSERTED)),
        stage=DraftStage.REVISED,
    )
    return draft


@pytest.mark.django_db
def test_staff_download_the_explanation_with_the_opinions_and_their_public_reasons(client, revised_draft):
    five = revised_draft.versions.get(number=2).provisions.get(kind="article", number=5)
    adopted = opinion(
        revised_draft, article=5, resulting=five, disposition=Disposition.ADOPTED, reason="采纳，衔接上位法。"
    )
    internal = opinion(
        revised_draft,
        article=5,
        resulting=five,
        disposition=Disposition.PARTLY_ADOPTED,
        reason="内部讨论",
        public=False,
    )
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.get(
        f"/admin/drafts/{revised_draft.pk}/comparison/", {"old": 1, "new": 2, "document": "explanation"}
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in response["Content-Disposition"]
    assert "%E4%BF%AE%E6%94%B9%E6%83%85%E5%86%B5%E7%9A%84%E8%AF%B4%E6%98%8E" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
    body = [p.text for p in document.paragraphs]
    assert body[0] == "关于《示例条例》修改情况的说明"
    ids = "、".join(map(str, sorted([adopted.pk, internal.pk])))
    assert f"共有2条意见提出修改建议（意见来源：第{ids}号意见）。" in body
    assert "修改理由：采纳，衔接上位法。" in body
    assert not any("内部讨论" in p for p in body)
    assert "根据上述意见，将第五条修改为：“业主应当遵守管理规约和业主大会的决定。”" in body
    assert f"经研究，增加一条，作为第七条：“{INSERTED}”" in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, Role.COORDINATOR, Role.LIAISON, Role.MODERATOR])
def test_only_staff_may_download_the_explanation(client, revised_draft, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    response = client.get(
        f"/admin/drafts/{revised_draft.pk}/comparison/", {"old": 1, "new": 2, "document": "explanation"}
    )
    assert response.status_code in (302, 403)
    assert not response.content.startswith(b"PK")


@pytest.mark.django_db
def test_an_unknown_document_is_refused_with_the_form(client, revised_draft):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.get(f"/admin/drafts/{revised_draft.pk}/comparison/", {"old": 1, "new": 2, "document": "pdf"})
    assert response["Content-Type"].startswith("text/html")
    assert "pdf" in response.content.decode()  # Django's "选择一个有效的选项。pdf 不在可用的选项中。"


def test_libreoffice_renders_the_explanation_on_portrait_pages(tmp_path):
    old = text("一审稿", *(Article(n, f"第{n}条", A1 * 6, "", CHAPTER_ONE, key=n) for n in range(1, 30)))
    new = text("二审稿", *(Article(n, f"第{n}条", A2 * 6, "", CHAPTER_ONE, key=n) for n in range(1, 30)))
    source = tmp_path / "explanation.docx"
    source.write_bytes(explanation_docx(compare(old, new)))
    pdf = convert_to_pdf(source)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > 1
    assert boxes
    assert all(float(width) < float(height) for width, height in boxes)
