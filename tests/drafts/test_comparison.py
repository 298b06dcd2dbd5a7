"""The 修改前后对照表: the comparison of two texts as JSON and as a Word file, from files or from a draft's versions."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from bench.revision import FORMATS, changed_numbers, expected_numbers, exported_rows, markdown_docx, real_pairs
from cms.roles import Role
from comments.models import Disposition, ModerationState, Opinion
from drafts.comparison_word import ADDED_MARK, DELETED_MARK, MOVED_MARK, SAME_AS_LEFT
from drafts.models import DraftStage
from drafts.parser import parse_text
from drafts.services import draft_version_create
from tests.factories import DraftFactory, UserFactory
from tests.libreoffice import convert_to_pdf

OLD = """示例条例

第一章 总则

第一条 为了规范物业管理活动，制定本条例。

第二条 本条例适用于本市行政区域内的物业管理活动。

第三条 市住房主管部门负责物业管理活动的监督管理工作。

第二章 业主

第四条 业主享有下列权利：

（一）按照物业服务合同的约定，接受物业服务人提供的服务；

（二）提议召开业主大会会议。

第五条 业主应当遵守管理规约。

第六条 本条例自2026年1月1日起施行。
"""


def revised(*articles: str, chapter_two_at: int = 4) -> str:
    """OLD's title and chapters around the given article texts, numbered in order."""
    from drafts.numerals import to_chinese

    lines = ["示例条例", "第一章 总则"]
    for number, text in enumerate(articles, 1):
        if number == chapter_two_at:
            lines.append("第二章 业主")
        lines.append(f"第{to_chinese(number)}条 {text}")
    return "\n\n".join(lines) + "\n"


A1 = "为了规范物业管理活动，制定本条例。"
A2 = "本条例适用于本市行政区域内的物业管理活动。"
A3 = "市住房主管部门负责物业管理活动的监督管理工作。"
A4 = "业主享有下列权利：\n\n（一）按照物业服务合同的约定，接受物业服务人提供的服务；\n\n（二）提议召开业主大会会议。"
A5 = "业主应当遵守管理规约。"
A6 = "本条例自2026年1月1日起施行。"
INSERTED = "街道办事处、乡镇人民政府指导本辖区的物业管理活动。"


def export(tmp_path, old_text: str, new_text: str, *, fmt: str = "json", **options):
    """Run the command on two Markdown files; the JSON object, or the .docx as python-docx reads it."""
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    call_command(
        "export_comparison", old=str(old), new=str(new), format=fmt, out=str(out), stdout=io.StringIO(), **options
    )
    if fmt == "json":
        return json.loads(out.read_text(encoding="utf-8"))
    return Document(str(out))


def changes(data) -> list[tuple[str, int | None, int | None]]:
    return [(row["change"], row["old_number"], row["new_number"]) for row in data["rows"]]


# --- JSON -------------------------------------------------------------------------------


def test_an_inserted_article_is_added_and_those_after_it_moved(tmp_path):
    data = export(tmp_path, OLD, revised(A1, INSERTED, A2, A3, A4, A5, A6, chapter_two_at=5))
    assert data["from"] == "old.md"
    assert data["to"] == "new.md"
    assert changes(data) == [
        ("added", None, 2),
        ("moved", 2, 3),
        ("moved", 3, 4),
        ("moved", 4, 5),
        ("moved", 5, 6),
        ("moved", 6, 7),
    ]
    added = data["rows"][0]
    assert (added["old_text"], added["new_text"], added["reasons"], added["opinions"]) == ("", INSERTED, [], [])


def test_a_deleted_article_stands_where_it_stood_and_all_shows_the_unchanged(tmp_path):
    data = export(tmp_path, OLD, revised(A1, A2, A4, A5, A6, chapter_two_at=3), all=True)
    assert changes(data) == [
        ("unchanged", 1, 1),
        ("unchanged", 2, 2),
        ("deleted", 3, None),
        ("moved", 4, 3),
        ("moved", 5, 4),
        ("moved", 6, 5),
    ]
    assert data["rows"][2]["old_text"] == A3
    assert data["rows"][2]["new_text"] == ""


def test_a_modified_article_carries_both_texts_and_whitespace_is_no_change(tmp_path):
    a5 = "业主应当遵守管理规约和业主大会的决定。"
    data = export(tmp_path, OLD, revised(A1, "本条例适用于本市行政区域内的 物业管理活动。", A3, A4, a5, A6))
    assert changes(data) == [("modified", 5, 5)]
    assert data["rows"][0]["old_text"] == A5
    assert data["rows"][0]["new_text"] == a5


def test_an_article_put_elsewhere_is_moved_with_its_text_unchanged(tmp_path):
    data = export(tmp_path, OLD, revised(A1, A5, A2, A3, A4, A6, chapter_two_at=5), all=True)
    assert changes(data) == [
        ("unchanged", 1, 1),
        ("moved", 5, 2),
        ("moved", 2, 3),
        ("moved", 3, 4),
        ("moved", 4, 5),
        ("unchanged", 6, 6),
    ]
    assert len(changes(export(tmp_path, OLD, revised(A1, A5, A2, A3, A4, A6, chapter_two_at=5)))) == 4


def test_identical_texts_have_no_rows_unless_all_are_asked_for(tmp_path):
    assert export(tmp_path, OLD, OLD)["rows"] == []
    assert {row["change"] for row in export(tmp_path, OLD, OLD, all=True)["rows"]} == {"unchanged"}


def test_texts_that_carry_identities_pair_by_them_and_notes_follow_the_identity():
    from drafts.comparison import Article, ChangeNote, Text, compare

    old = Text("示例条例", "一审稿", [Article(1, "第一条", A1, key="a"), Article(2, "第二条", A2, key="b")], ref=1)
    # "a" was rewritten beyond what the matcher would pair; "b" was deleted; "c" is new.
    new = Text(
        "示例条例", "二审稿", [Article(1, "第一条", INSERTED, key="a"), Article(2, "第二条", A6, key="c")], ref=2
    )
    notes = {"a": ChangeNote(("重写。",), (7,)), "b": ChangeNote(("删除重复规定。",), (3, 4))}
    data = compare(old, new, notes=notes).to_dict()
    # A deleted article with no kept one after it comes last.
    assert changes(data) == [("modified", 1, 1), ("added", None, 2), ("deleted", 2, None)]
    assert [(row["reasons"], row["opinions"]) for row in data["rows"]] == [
        (["重写。"], [7]),
        ([], []),
        (["删除重复规定。"], [3, 4]),
    ]
    # Without identities the matcher sees two different texts.
    anonymous = [Text(t.title, t.name, [Article(a.number, a.label, a.text) for a in t.articles]) for t in (old, new)]
    assert [row.change for row in compare(*anonymous).rows] == ["added", "added", "deleted", "deleted"]


# --- a draft's versions: reasons and opinions ----------------------------------------------


@pytest.fixture
def revised_draft(draft_index):
    """A draft whose second version (修改稿) changes 第五条, adds 第七条 and deletes nothing."""
    draft = DraftFactory(index=draft_index, slug="wuye", text=OLD, title="示例条例")
    draft_version_create(
        draft=draft,
        result=parse_text(revised(A1, A2, A3, A4, "业主应当遵守管理规约和业主大会的决定。", A6, INSERTED)),
        stage=DraftStage.REVISED,
    )
    return draft


def opinion(draft, *, article: int, resulting, disposition, reason="", public=True, state=ModerationState.PUBLISHED):
    first = draft.versions.get(number=1)
    return Opinion.objects.create(
        draft=draft,
        version=first,
        article=first.provisions.get(kind="article", number=article),
        body="建议写明业主应当遵守业主大会的决定。",
        moderation_state=state,
        disposition=disposition,
        disposition_reason=reason,
        reason_public=public,
        resulting_article=resulting,
    )


@pytest.mark.django_db
def test_a_drafts_versions_name_the_adopted_opinions_and_their_public_reasons(tmp_path, revised_draft):
    new_five = revised_draft.versions.get(number=2).provisions.get(kind="article", number=5)
    adopted = opinion(revised_draft, article=5, resulting=new_five, disposition=Disposition.ADOPTED, reason="采纳。")
    partly = opinion(
        revised_draft,
        article=5,
        resulting=new_five,
        disposition=Disposition.PARTLY_ADOPTED,
        reason="内部",
        public=False,
    )
    again = opinion(revised_draft, article=5, resulting=new_five, disposition=Disposition.ADOPTED, reason=" 采纳。 ")
    # Not behind the change: not adopted, pending moderation, or adopted into no article.
    opinion(revised_draft, article=5, resulting=new_five, disposition=Disposition.NOT_ADOPTED, reason="不采纳。")
    opinion(
        revised_draft,
        article=5,
        resulting=new_five,
        disposition=Disposition.ADOPTED,
        reason="待审核",
        state=ModerationState.PENDING,
    )
    opinion(revised_draft, article=4, resulting=None, disposition=Disposition.ADOPTED, reason="未关联")

    out = tmp_path / "table.json"
    call_command(
        "export_comparison", draft="wuye", from_number=1, to_number=2, format="json", out=str(out), stdout=io.StringIO()
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["from"], data["to"]) == (1, 2)
    assert changes(data) == [("modified", 5, 5), ("added", None, 7)]
    assert data["rows"][0]["reasons"] == ["采纳。"]
    assert data["rows"][0]["opinions"] == sorted([adopted.pk, partly.pk, again.pk])
    assert data["rows"][1]["reasons"] == data["rows"][1]["opinions"] == []

    docx_out = tmp_path / "table.docx"
    call_command(
        "export_comparison",
        draft="wuye",
        from_number=1,
        to_number=2,
        format="docx",
        out=str(docx_out),
        stdout=io.StringIO(),
    )
    document = Document(str(docx_out))
    assert document.paragraphs[0].text == "《示例条例》修改前后对照表"
    stages = "".join(paragraph.text for paragraph in document.paragraphs[1:])  # one line, or two if long
    assert stages.startswith("修改前：征求意见稿（")
    assert "修改后：修改稿（" in stages
    reasons = [row.cells[2].text for row in document.tables[0].rows if row.cells[0].text.startswith("第五条")]
    ids = "、".join(str(pk) for pk in sorted([adopted.pk, partly.pk, again.pk]))
    assert reasons == [f"采纳。\n意见来源：第{ids}号意见"]


@pytest.mark.django_db
def test_staff_download_the_table_from_the_drafts_admin_page(client, revised_draft):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    url = f"/admin/drafts/{revised_draft.pk}/comparison/"
    assert url in client.get(f"/admin/pages/{revised_draft.pk}/edit/").content.decode()
    form = client.get(url)
    assert form.status_code == 200
    assert "修改情况说明（初稿）" in form.content.decode()

    response = client.get(url, {"old": 1, "new": 2, "document": "two_columns"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment;")
    table = Document(io.BytesIO(response.content)).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["修改前", "修改后"]
    assert [row.cells[0].text[:3] for row in article_rows(Document(io.BytesIO(response.content)))] == [
        "第五条",
        ADDED_MARK[:3],
    ]

    assert "请选择两个不同的版本" in client.get(url, {"old": 2, "new": 2}).content.decode()
    refused = client.get(url, {"old": 1, "new": 9})
    assert refused.status_code == 200
    assert refused["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, Role.COORDINATOR, Role.LIAISON, Role.MODERATOR])
def test_only_staff_may_download_the_table(client, revised_draft, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    response = client.get(f"/admin/drafts/{revised_draft.pk}/comparison/", {"old": 1, "new": 2})
    assert response.status_code in (302, 403)


# --- the Word file ---------------------------------------------------------------------


def redline(paragraph) -> str:
    """A paragraph's runs with struck ones as [-…-] and bold ones as {+…+}."""
    out = []
    for run in paragraph.runs:
        if run.font.strike:
            out.append(f"[-{run.text}-]")
        elif run.bold:
            out.append(f"{{+{run.text}+}}")
        else:
            out.append(run.text)
    return "".join(out)


def article_rows(document):
    """The rows of the table after the header, chapter heading rows left out."""
    rows = document.tables[0].rows[1:]
    return [row for row in rows if len({id(cell._tc) for cell in row.cells}) > 1]


def test_the_after_column_strikes_deleted_words_and_bolds_added_ones_exactly(tmp_path):
    a4 = "\n\n".join(
        [
            "业主享有下列权利：",
            "（一）接受物业服务人提供的服务；",
            "（二）提议召开业主大会会议；",
            "（三）监督业主委员会的工作。",
        ]
    )
    a5 = "业主应当遵守管理规约和业主大会的决定。"
    document = export(tmp_path, OLD, revised(A1, A2, A3, a4, a5, A6), fmt="docx")
    four, five = article_rows(document)
    assert [redline(p) for p in four.cells[1].paragraphs] == [
        "第四条　业主享有下列权利：",
        "（一）[-按照物业服务合同的约定，-]接受物业服务人提供的服务；",
        # The old closing 。 now ends the new item (三): only what lies between is new.
        "（二）提议召开业主大会会议{+；+}",
        "{+（三）监督业主委员会的工作+}。",
    ]
    assert [redline(p) for p in five.cells[1].paragraphs] == ["第五条　业主应当遵守管理规约{+和业主大会的决定+}。"]
    # The 修改前 column is the old text as it was, nothing struck or bold.
    assert [redline(p) for p in four.cells[0].paragraphs] == [
        "第四条　业主享有下列权利：",
        "（一）按照物业服务合同的约定，接受物业服务人提供的服务；",
        "（二）提议召开业主大会会议。",
    ]
    # The label is set in its character style (黑体), not bold: bold means added words.
    label = five.cells[1].paragraphs[0].runs[0]
    assert (label.text, label.style.name, label.bold) == ("第五条", "对照表条标", None)


def test_added_and_deleted_articles_are_marked_and_renumbering_is_redlined(tmp_path):
    document = export(tmp_path, OLD, revised(A1, INSERTED, A2, A4, A5, A6, chapter_two_at=4), fmt="docx")
    rows = article_rows(document)
    added, deleted = rows
    assert added.cells[0].text == ADDED_MARK
    assert [redline(p) for p in added.cells[1].paragraphs] == [f"{{+第二条+}}{{+　{INSERTED}+}}"]
    assert deleted.cells[0].text == f"第三条　{A3}"
    assert [redline(p) for p in deleted.cells[1].paragraphs] == [DELETED_MARK, f"[-第三条-][-　{A3}-]"]


def test_a_moved_article_is_marked_and_the_full_table_says_the_same_as_left(tmp_path):
    new = revised(A1, A5, A2, A3, A4, A6, chapter_two_at=5)
    short = article_rows(export(tmp_path, OLD, new, fmt="docx"))
    # Only the article put elsewhere: those renumbered by it are left out.
    assert len(short) == 1
    assert short[0].cells[0].text == f"第五条　{A5}"
    assert redline(short[0].cells[1].paragraphs[0]) == f"第[-五-]{{+二+}}条　{SAME_AS_LEFT}{MOVED_MARK}"

    full = article_rows(export(tmp_path, OLD, new, fmt="docx", all=True))
    assert [redline(row.cells[1].paragraphs[0]) for row in full] == [
        SAME_AS_LEFT,
        f"第[-五-]{{+二+}}条　{SAME_AS_LEFT}{MOVED_MARK}",
        f"第[-二-]{{+三+}}条　{SAME_AS_LEFT}",
        f"第[-三-]{{+四+}}条　{SAME_AS_LEFT}",
        f"第[-四-]{{+五+}}条　{SAME_AS_LEFT}",
        SAME_AS_LEFT,
    ]


def test_the_table_is_landscape_with_a_repeated_header_and_chapter_rows(tmp_path):
    new = revised(
        A1, A2, "市住房主管部门负责全市物业管理活动的监督管理工作。", A4, "业主应当遵守管理规约和业主大会的决定。", A6
    )
    document = export(tmp_path, OLD, new, fmt="docx")
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert document.paragraphs[0].text == "《示例条例》修改前后对照表"
    assert document.paragraphs[1].text == "修改前：old　　修改后：new"

    table = document.tables[0]
    header, *rows = table.rows
    assert [cell.text for cell in header.cells] == ["修改前", "修改后", "修改理由（意见来源）"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows)
    # A heading row spans the table before the first row of each chapter.
    texts = [row.cells[0].text if len({id(c._tc) for c in row.cells}) == 1 else "row" for row in rows]
    assert texts == ["第一章　总则", "row", "第二章　业主", "row"]
    heading = next(row for row in rows if len({id(c._tc) for c in row.cells}) == 1).cells[0].paragraphs[0]
    assert heading.style.name == "对照表章节标题"
    assert heading.style.paragraph_format.keep_with_next  # a heading row never ends a page
    # Page numbers in the footer.
    footer = section.footer._element.xml
    assert "PAGE" in footer


def test_long_names_of_the_two_texts_go_on_two_lines(tmp_path):
    (tmp_path / "long").mkdir()
    document = export(tmp_path / "long", OLD, OLD, fmt="docx")
    assert [p.text for p in document.paragraphs[1:]] == ["修改前：old　　修改后：new"]
    old = tmp_path / "某市住宅小区物业管理条例（二〇二一年八月九日修订）.md"
    new = tmp_path / "某市住宅小区物业管理条例（二〇二六年十二月一日修订）.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(OLD, encoding="utf-8")
    out = tmp_path / "out.docx"
    call_command("export_comparison", old=str(old), new=str(new), format="docx", out=str(out), stdout=io.StringIO())
    assert [p.text for p in Document(str(out)).paragraphs[1:]] == [f"修改前：{old.stem}", f"修改后：{new.stem}"]


def test_the_two_column_variant_has_no_reasons_column(tmp_path):
    document = export(
        tmp_path, OLD, revised(A1, A2, A3, A4, "业主应当遵守管理规约和决定。", A6), fmt="docx", two_columns=True
    )
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["修改前", "修改后"]
    assert len(table.columns) == 2


def test_a_deleted_article_stays_under_its_chapter(tmp_path):
    # 第四条 goes: it stays under 第二章, where it stood, not under 第一章 before it.
    document = export(tmp_path, OLD, revised(A1, A2, A3, A5, A6), fmt="docx")
    rows = document.tables[0].rows[1:]
    assert [row.cells[0].text.split("　")[0] for row in rows] == ["第二章", "第四条"]


def test_libreoffice_renders_the_table_of_a_real_pair_on_landscape_pages(tmp_path):
    old, new = next((o, n) for o, n in real_pairs() if o.name.startswith("消耗臭氧层物质管理条例"))
    source = tmp_path / "comparison.docx"
    call_command("export_comparison", old=str(old), new=str(new), format="docx", out=str(source), stdout=io.StringIO())
    pdf = convert_to_pdf(source)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > 1
    assert boxes
    assert all(float(width) > float(height) for width, height in boxes)


# --- bad input ---------------------------------------------------------------------------


def run(tmp_path, **options):
    out = tmp_path / "out.json"
    with pytest.raises(CommandError) as error:
        call_command("export_comparison", format="json", out=str(out), stdout=io.StringIO(), **options)
    assert not out.exists()
    return str(error.value)


def test_missing_unreadable_and_non_regulation_files_are_refused_and_nothing_is_written(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(OLD, encoding="utf-8")
    assert "找不到文件" in run(tmp_path, old=str(tmp_path / "none.md"), new=str(good))
    picture = tmp_path / "picture.md"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert run(tmp_path, old=str(good), new=str(picture)).startswith("picture.md：")
    letter = tmp_path / "letter.md"
    letter.write_text("关于物业管理的几点意见\n\n建议加强监督。\n", encoding="utf-8")
    assert "未在文件中找到“第……条”形式的条文" in run(tmp_path, old=str(letter), new=str(good))
    assert "--old 和 --new" in run(tmp_path, old=str(good))


@pytest.mark.django_db
def test_an_unknown_draft_or_version_is_refused_and_nothing_is_written(tmp_path, revised_draft):
    assert "找不到草案：nowhere" in run(tmp_path, draft="nowhere", from_number=1, to_number=2)
    message = run(tmp_path, draft="wuye", from_number=1, to_number=3)
    assert "没有第 3 版" in message
    assert "现有版本：1、2" in message
    assert "--draft、--from 和 --to" in run(tmp_path, draft="wuye", from_number=1)
    assert "二者选一" in run(tmp_path, draft="wuye", from_number=1, to_number=2, old="a.md", new="b.md")
    assert "二者选一" in run(tmp_path)


def test_two_columns_is_refused_for_json(tmp_path):
    assert "--two-columns" in run(tmp_path, old="a.md", new="b.md", two_columns=True)


# --- real pairs --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("pair", real_pairs(), ids=lambda pair: pair[0].stem.rpartition("(")[0])
def test_real_pairs_name_exactly_the_articles_whose_text_is_new(tmp_path, pair, fmt):
    old, new = pair
    expected = expected_numbers(old, new)
    assert expected  # every pair changed something
    assert changed_numbers(exported_rows(old, new, fmt, tmp_path)) == expected


def test_ten_real_pairs_are_in_the_project():
    assert len(real_pairs()) == 10


def test_the_word_files_made_from_markdown_read_as_the_markdown_does():
    old, _new = real_pairs()[0]
    text = old.read_text(encoding="utf-8")
    from drafts.readers import read_draft_file

    from_word = read_draft_file("old.docx", markdown_docx(text))
    from_markdown = read_draft_file("old.md", text.encode())
    assert [a.text for a in from_word.articles_flat()] == [a.text for a in from_markdown.articles_flat()]
    assert from_word.chapters == from_markdown.chapters > 0
