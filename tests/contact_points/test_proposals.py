"""Proposed wordings in a contact point's batch: typed in the workspace or read from the 建议修改为 column."""

import pytest
from django.urls import reverse

from comments.models import Opinion, Proposal
from contact_points import services, spreadsheet
from contact_points.services import ContactPointError

pytestmark = pytest.mark.django_db


def _article(draft, number):
    return draft.current_version.provisions.get(kind="article", number=number)


def test_a_proposal_typed_for_a_batch_item_goes_with_its_opinion(draft, point, coordinator):
    third = _article(draft, 3)
    new_text = third.text.replace("权利义务", "权利和义务")
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    item = services.batch_item_save(
        user=coordinator,
        batch=batch,
        body="建议改一个字。",
        article_id=third.pk,
        proposal_kind="modify",
        proposal_text=new_text,
    )
    services.batch_item_save(user=coordinator, batch=batch, body="整体赞成。", article_id=None)
    staged = Proposal.objects.get()
    assert staged.opinion is None and (staged.base_text, staged.text) == (third.text, new_text)
    # Saving the item again without a proposal removes it; with one, replaces it.
    services.batch_item_save(user=coordinator, batch=batch, item=item, body="不提了。", article_id=third.pk)
    assert not Proposal.objects.exists()
    services.batch_item_save(
        user=coordinator, batch=batch, item=item, body="删掉本条。", article_id=third.pk, proposal_kind="delete"
    )
    services.batch_submit(user=coordinator, batch_id=batch.pk)
    opinion = Opinion.objects.get(body="删掉本条。")
    assert (opinion.proposal.kind, opinion.proposal.base_text) == ("delete", third.text)
    assert not hasattr(Opinion.objects.get(body="整体赞成。"), "proposal")


@pytest.mark.parametrize(
    ("article_number", "kind", "text", "message"),
    [
        (None, "modify", "新条文", "请先选择意见针对的条文"),
        (3, "modify", "", "请填写建议修改后的条文"),
        (3, "modify", "SAME", "与现在的条文相同"),
        (3, "insert", "长" * 2001, "不能超过 2000 字"),
    ],
)
def test_a_bad_proposal_in_the_workspace_is_refused_with_the_reason(
    client, draft, point, coordinator, article_number, kind, text, message
):
    article = _article(draft, article_number) if article_number else None
    text = article.text if text == "SAME" else text
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    client.force_login(coordinator)
    response = client.post(
        reverse("contact_points:item_add", args=[point.pk, batch.pk]),
        {
            "article": article.pk if article else "",
            "body": "我的意见正文",
            "proposal_kind": kind,
            "proposal_text": text,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "我的意见正文" in html
    assert not batch.items.exists() and not Proposal.objects.exists()


def test_the_workspace_shows_the_redline_and_the_edit_form_keeps_the_proposal(client, draft, point, coordinator):
    third = _article(draft, 3)
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    item = services.batch_item_save(
        user=coordinator,
        batch=batch,
        body="意见",
        article_id=third.pk,
        proposal_kind="modify",
        proposal_text=third.text.replace("权利义务", "权利和义务"),
    )
    client.force_login(coordinator)
    html = client.get(reverse("contact_points:batch", args=[point.pk, batch.pk])).content.decode()
    assert '<ins><span class="visually-hidden">增加：</span>和</ins>' in html
    edit = client.get(reverse("contact_points:item", args=[point.pk, batch.pk, item.pk])).content.decode()
    assert "权利和义务" in edit and 'value="modify" selected' in edit


def test_the_template_has_the_column_and_the_sheet_proposes_modifications_and_deletions(draft, point, coordinator):
    assert "建议修改为" in spreadsheet.template_csv().decode("utf-8-sig")
    third, fourth = _article(draft, 3), _article(draft, 4)
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    new_text = third.text.replace("权利义务", "权利、义务")
    sheet = (
        "条款,意见内容,提出人,提出人类别,建议修改为\n"
        f"第三条,加个顿号,王某,居民,{new_text}\n"
        "第四条,删掉,,,删除本条\n"
        ",整体赞成,,,\n"
    ).encode()
    assert services.batch_import_sheet(user=coordinator, batch=batch, name="意见.csv", data=sheet) == 3
    services.batch_submit(user=coordinator, batch_id=batch.pk)
    modify = Opinion.objects.get(body="加个顿号").proposal
    delete = Opinion.objects.get(body="删掉").proposal
    assert (modify.kind, modify.base_text, modify.text) == ("modify", third.text, new_text)
    assert (delete.kind, delete.base_text, delete.text) == ("delete", fourth.text, "")
    assert Proposal.objects.count() == 2


def test_an_old_template_without_the_column_still_imports(draft, point, coordinator):
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    old = "条款,意见内容,提出人,提出人类别\n第三条,建议明确期限,王某,居民\n".encode()
    assert services.batch_import_sheet(user=coordinator, batch=batch, name="意见.csv", data=old) == 1
    assert not Proposal.objects.exists()


def test_bad_proposals_in_a_sheet_refuse_the_file_with_their_lines(draft, point, coordinator):
    third = _article(draft, 3)
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    sheet = (
        f"条款,意见内容,建议修改为\n第三条,原样照抄,{third.text}\n,整体意见带修改,随便写\n第五条,正常的,\n"
    ).encode()
    with pytest.raises(ContactPointError) as refused:
        services.batch_import_sheet(user=coordinator, batch=batch, name="意见.csv", data=sheet)
    assert any("第 3 行" in m and "对草案整体的意见不能填写" in m for m in refused.value.messages)
    sheet = f"条款,意见内容,建议修改为\n第三条,原样照抄,{third.text}\n".encode()
    with pytest.raises(ContactPointError) as refused:
        services.batch_import_sheet(user=coordinator, batch=batch, name="意见.csv", data=sheet)
    assert refused.value.messages == [
        "第 2 行：建议修改后的条文与现在的条文相同：请修改条文后再提交，或选择“不提修改建议”。"
    ]
    assert not batch.items.exists() and not Proposal.objects.exists()


def test_dropping_an_item_drops_its_proposal(draft, point, coordinator):
    third = _article(draft, 3)
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    item = services.batch_item_save(
        user=coordinator, batch=batch, body="意见", article_id=third.pk, proposal_kind="delete"
    )
    services.batch_items_review(user=coordinator, batch=batch, item_ids=[item.pk], action="drop")
    assert not Proposal.objects.exists()


def test_the_coordinators_feedback_shows_the_proposal_and_what_the_article_became(client, draft, point, coordinator):
    from comments.models import Disposition
    from drafts.models import DraftPage
    from drafts.parser import parse_text
    from drafts.services import draft_version_create
    from tests.factories import sample_text

    third = _article(draft, 3)
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    services.batch_item_save(
        user=coordinator,
        batch=batch,
        body="加个顿号",
        article_id=third.pk,
        proposal_kind="modify",
        proposal_text=third.text.replace("权利义务", "权利、义务"),
    )
    services.batch_submit(user=coordinator, batch_id=batch.pk)
    revised = draft_version_create(
        draft=draft, result=parse_text(sample_text().replace("第三条的内容", "第三条修改后的内容")), make_current=False
    )
    later = revised.provisions.get(kind="article", number=3)
    Opinion.objects.update(disposition=Disposition.PARTLY_ADOPTED, resulting_article=later)
    client.force_login(coordinator)
    url = reverse("contact_points:feedback", args=[point.pk])
    html = client.get(url).content.decode()
    assert '<ins><span class="visually-hidden">增加：</span>、</ins>' in html and "proposal--outcome" not in html
    DraftPage.objects.filter(pk=draft.pk).update(current_version=revised)
    assert "第三条修改后的内容" in client.get(url).content.decode()
