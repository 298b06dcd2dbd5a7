"""Proposed wordings where staff work: the workspace, the opinion page, and the exports."""

import csv
import io

import docx
import pytest
from django.urls import reverse

from comments.models import Disposition, ModerationState, Opinion, Proposal
from drafts.models import DraftPage
from drafts.parser import parse_text
from drafts.services import draft_version_create
from handling import exports
from handling.word_export import AdoptionRow, Redline, TableMeta, write_adoption_table
from tests.factories import sample_text

pytestmark = pytest.mark.django_db

INS = '<ins><span class="visually-hidden">增加：</span>'


def opinion_with_proposal(draft, article, *, kind="modify", text=None, **fields):
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        body="建议写明权利。",
        moderation_state=ModerationState.PUBLISHED,
        **fields,
    )
    if text is None:
        text = article.text.replace("权利义务", "权利、义务和责任")
    Proposal.objects.create(opinion=opinion, kind=kind, base_text=article.text, text=text)
    return opinion


def revised_version(draft, *, make_current):
    version = draft_version_create(
        draft=draft,
        result=parse_text(sample_text().replace("这是第五条的内容", "这是修改后的第五条的内容")),
        make_current=make_current,
    )
    return version.provisions.get(kind="article", number=5)


def test_workspace_and_opinion_page_show_the_redline_to_staff_only(client, draft, article, staff, citizen):
    opinion = opinion_with_proposal(draft, article)
    workspace = reverse("opinions_all") + f"?draft={draft.pk}"
    page = reverse("opinions_handle", args=[opinion.pk])
    client.force_login(citizen)
    assert client.get(workspace).status_code in (302, 403)
    assert client.get(page).status_code in (302, 403)
    client.force_login(staff)
    for url in (workspace, page):
        html = client.get(url).content.decode()
        assert "建议修改为：" in html and f"{INS}和责任</ins>" in html


def test_the_word_table_marks_deleted_words_struck_and_added_words_bold(draft, article, staff):
    opinion_with_proposal(draft, article, text=article.text.replace("物业服务人和业主", "业主和物业服务人"))
    out = io.BytesIO()
    assert exports.export_docx(out, draft.pk) == 1
    (table,) = docx.Document(io.BytesIO(out.getvalue())).tables
    body_cell = table.rows[1].cells[2]
    paragraphs = [p for p in body_cell.paragraphs if p.text]
    assert paragraphs[0].text == "建议写明权利。"
    assert paragraphs[1].text == "建议修改为：" and paragraphs[1].runs[0].bold
    runs = paragraphs[2].runs
    struck = "".join(r.text for r in runs if r.font.strike)
    bold = "".join(r.text for r in runs if r.bold)
    plain = "".join(r.text for r in runs if not r.font.strike and not r.bold)
    assert struck and bold and struck != bold
    # Plain and struck give the old text, plain and bold the new one.
    assert "".join(r.text for r in runs if not r.bold) == article.text
    assert "".join(r.text for r in runs if not r.font.strike) == article.text.replace(
        "物业服务人和业主", "业主和物业服务人"
    )
    assert plain


def test_a_proposal_with_paragraphs_keeps_a_paragraph_a_line_in_word():
    redline = Redline(
        "建议修改为：", (("equal", "第一款。\n"), ("delete", "旧的"), ("insert", "新的"), ("equal", "第二款。"))
    )
    row = AdoptionRow("第一条", "", "意见", "网上", "待处理", "", redline)
    meta = TableMeta("某条例", "征求意见稿", "", [], "")
    out = io.BytesIO()
    write_adoption_table(out, meta=meta, rows=[row])
    (table,) = docx.Document(io.BytesIO(out.getvalue())).tables
    texts = [p.text for p in table.rows[1].cells[2].paragraphs]
    assert texts == ["意见", "建议修改为：", "第一款。", "旧的新的第二款。"]


def test_adopted_opinion_shows_what_the_article_became_only_once_published(draft, article, staff):
    opinion = opinion_with_proposal(draft, article, disposition=Disposition.ADOPTED)
    later = revised_version(draft, make_current=False)
    Opinion.objects.filter(pk=opinion.pk).update(resulting_article=later)

    def reason_cell() -> str:
        out = io.BytesIO()
        exports.export_docx(out, draft.pk)
        (table,) = docx.Document(io.BytesIO(out.getvalue())).tables
        return table.rows[1].cells[5].text

    assert "修改为" not in reason_cell()  # the later version is a working copy, not published text
    DraftPage.objects.filter(pk=draft.pk).update(current_version=later.version)
    assert "修改为：第五条　这是修改后的第五条的内容" in reason_cell()


def test_the_spreadsheet_has_the_proposal_with_markers(draft, article):
    opinion_with_proposal(draft, article)
    opinion_with_proposal(draft, article, kind="delete", text="")
    out = io.BytesIO()
    assert exports.export_csv(out, draft.pk) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    proposals = [row[4] for row in rows[1:]]
    assert proposals[0].startswith("建议修改为：") and "义务〔增：和责任〕" in proposals[0]
    assert proposals[1] == f"建议删除本条：〔删：{article.text}〕"
