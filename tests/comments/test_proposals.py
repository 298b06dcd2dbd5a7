"""Proposed wordings (修改建议): posting one with an opinion, the refusals, and the redline everywhere."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Disposition, ModerationState, Opinion, Proposal
from comments.redline import redline_html, redline_plain
from drafts.models import DraftPage, ModerationMode
from drafts.parser import parse_text
from drafts.services import draft_version_create
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

MULTI = """示例条例

第一章 总则

第一条 为了规范物业管理，制定本条例。

第二条 业主大会应当履行下列职责：
（一）制定管理规约；
（二）选举业主委员会。
业主大会的决定对全体业主具有约束力。

第三条 本条例自公布之日起施行。
"""


def form(draft, article, body="建议修改第二条。", kind="none", text="", insert="", **extra):
    data = {
        "draft": draft.pk,
        "article": article.pk if article else "",
        "body": body,
        "submission_key": str(uuid.uuid4()),
        "proposal_kind": kind,
        "proposal_text": text,
        "proposal_insert": insert,
    }
    data.update(extra)
    return data


@pytest.fixture
def multi_draft(draft_index):
    return DraftFactory(index=draft_index, text=MULTI, slug="multi")


@pytest.fixture
def second(multi_draft):
    return multi_draft.current_version.provisions.get(kind="article", number=2)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_article_form_offers_a_proposal_prefilled_with_the_article_in_lines(client, multi_draft, second, citizen):
    client.force_login(citizen)
    html = client.get(f"{multi_draft.url}articles/2/").content.decode()
    assert "不提修改建议" in html and "在本条后增加一条" in html and "删除本条" in html
    area = re.search(r'<textarea name="proposal_text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert area.strip().splitlines() == [
        "业主大会应当履行下列职责：",
        "（一）制定管理规约；",
        "（二）选举业主委员会。",
        "业主大会的决定对全体业主具有约束力。",
    ]
    assert re.search(r'<textarea name="proposal_insert"[^>]*>\s*</textarea>', html)


def test_the_whole_draft_form_and_the_reply_form_offer_no_proposal(client, multi_draft, citizen):
    client.force_login(citizen)
    assert "proposal_kind" not in client.get(f"/opinions/drafts/{multi_draft.pk}/").content.decode()
    top = services.opinion_post(user=citizen, draft=multi_draft, body="整体意见")[0]
    Opinion.objects.filter(pk=top.pk).update(moderation_state=ModerationState.PUBLISHED)
    html = client.get(f"/opinions/new/?draft={multi_draft.pk}&reply_to={top.pk}").content.decode()
    assert "proposal_kind" not in html


def test_a_modification_is_stored_with_the_opinion_and_shown_as_a_redline(client, multi_draft, second, citizen):
    DraftPage.objects.filter(pk=multi_draft.pk).update(moderation_mode=ModerationMode.POST)
    multi_draft.refresh_from_db()
    client.force_login(citizen)
    new_text = second.text.replace("选举业主委员会", "选举和更换业主委员会")
    response = client.post("/opinions/new/", form(multi_draft, second, kind="modify", text=new_text), follow=True)
    assert response.status_code == 200
    opinion = Opinion.objects.get()
    proposal = opinion.proposal
    assert (proposal.kind, proposal.base_text, proposal.text) == ("modify", second.text, new_text)
    html = response.content.decode()
    assert "建议修改为：" in html
    assert '<ins><span class="visually-hidden">增加：</span>和更换</ins>' in html
    # 「我的意见」 shows the same redline.
    mine = client.get("/my/opinions/").content.decode()
    assert '<ins><span class="visually-hidden">增加：</span>和更换</ins>' in mine


def test_insert_and_delete_proposals(client, multi_draft, second, citizen):
    client.force_login(citizen)
    client.post("/opinions/new/", form(multi_draft, second, body="增加一条", kind="insert", insert="第X条 新的规定。"))
    client.post("/opinions/new/", form(multi_draft, second, body="删掉本条", kind="delete", text="随便写的不算"))
    insert, delete = Proposal.objects.order_by("pk")
    assert (insert.kind, insert.text) == ("insert", "第X条 新的规定。")
    assert (delete.kind, delete.text, delete.base_text) == ("delete", "", second.text)
    html = redline_html(delete)
    assert "建议删除本条" in html and '<del><span class="visually-hidden">删除：</span>业主大会应当' in html
    assert "在本条后增加一条" in redline_html(insert) and "<ins>" in redline_html(insert)
    assert redline_plain(delete).startswith("建议删除本条：〔删：业主大会")


@pytest.mark.parametrize(
    ("kind", "text", "insert", "message"),
    [
        ("modify", "", "", "请填写建议修改后的条文"),
        ("insert", "", "  \n ", "请填写建议在本条后增加的条文"),
        ("modify", "SAME", "", "与现在的条文相同"),
        ("modify", "长" * 3000, "", "建议的条文不能超过"),
        ("insert", "", "长" * 2001, "建议的条文不能超过 2000 字，现在是 2001 字"),
        ("rewrite", "新写法", "", "未知的修改建议类型"),
    ],
)
def test_bad_proposals_get_a_message_and_lose_nothing(
    client, multi_draft, second, citizen, kind, text, insert, message
):
    if text == "SAME":
        text = "  " + second.text.replace("\n", "\n  ") + "\n\n"  # spaces and blank lines aside, the same text
    client.force_login(citizen)
    response = client.post(
        "/opinions/new/", form(multi_draft, second, body="我的意见正文保留", kind=kind, text=text, insert=insert)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "我的意见正文保留" in html
    assert not Opinion.objects.exists() and not Proposal.objects.exists()


def test_the_length_limit_of_a_modification_is_the_article_plus_an_opinion(multi_draft, second, citizen):
    limit = multi_draft.opinion_max_length + len(second.text)
    with pytest.raises(services.OpinionError) as refused:
        services.opinion_post(
            user=citizen,
            draft=multi_draft,
            body="太长",
            article=second,
            proposal_kind="modify",
            proposal_text="改" * (limit + 1),
        )
    assert f"不能超过 {limit} 字" in refused.value.messages[0]
    services.opinion_post(
        user=citizen, draft=multi_draft, body="正好", article=second, proposal_kind="modify", proposal_text="改" * limit
    )
    assert Proposal.objects.get().text == "改" * limit


def test_a_proposal_on_the_whole_draft_or_on_a_reply_is_refused(client, multi_draft, second, citizen, other):
    client.force_login(citizen)
    response = client.post("/opinions/new/", form(multi_draft, None, kind="modify", text="伪造的修改建议"))
    assert response.status_code == 400 and "对草案整体的意见不能附带修改建议" in response.content.decode()
    top = services.opinion_post(user=other, draft=multi_draft, body="别人的意见", article=second)[0]
    Opinion.objects.filter(pk=top.pk).update(moderation_state=ModerationState.PUBLISHED)
    with pytest.raises(services.OpinionError, match="回复不能附带修改建议"):
        services.opinion_post(user=citizen, draft=multi_draft, body="回复", reply_to_id=top.pk, proposal_kind="delete")
    assert not Proposal.objects.exists()


def test_a_proposal_on_a_closed_draft_says_so_and_keeps_the_text(client, multi_draft, second, citizen):
    DraftPage.objects.filter(pk=multi_draft.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(citizen)
    response = client.post("/opinions/new/", form(multi_draft, second, kind="insert", insert="我建议的新条文"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "不能再发表意见或提出修改建议" in html and "我建议的新条文" in html
    assert not Opinion.objects.exists()


def test_a_proposal_on_an_older_version_shows_against_its_own_text(client, multi_draft, second, citizen, other):
    opinion = services.opinion_post(
        user=citizen,
        draft=multi_draft,
        body="改一下",
        article=second,
        proposal_kind="modify",
        proposal_text=second.text.replace("选举业主委员会", "选举业主委员会和监事会"),
    )[0]
    Opinion.objects.filter(pk=opinion.pk).update(moderation_state=ModerationState.PUBLISHED)
    draft_version_create(draft=multi_draft, result=parse_text(MULTI.replace("制定管理规约", "制定和修改管理规约")))
    client.force_login(other)
    html = client.get(f"/opinions/articles/{second.pk}/").content.decode()
    assert "和监事会" in html
    # The redline is against the text it was made on: nothing of the new version is in it.
    proposal_html = html[html.index('<div class="proposal') :]
    assert "制定和修改管理规约" not in text_of(proposal_html[: proposal_html.index("</div>")])


def test_adopted_opinion_shows_what_the_article_became_once_published(client, multi_draft, second, citizen):
    opinion = services.opinion_post(user=citizen, draft=multi_draft, body="请修改", article=second)[0]
    revised = MULTI.replace("选举业主委员会", "选举和更换业主委员会")
    working = draft_version_create(draft=multi_draft, result=parse_text(revised), make_current=False)
    later = working.provisions.get(kind="article", number=2)
    Opinion.objects.filter(pk=opinion.pk).update(disposition=Disposition.ADOPTED, resulting_article=later)
    client.force_login(citizen)
    assert "proposal--outcome" not in client.get("/my/opinions/").content.decode()  # not published yet
    DraftPage.objects.filter(pk=multi_draft.pk).update(current_version=working)
    html = client.get("/my/opinions/").content.decode()
    assert "修改为：" in html and "选举和更换业主委员会" in html
    Opinion.objects.filter(pk=opinion.pk).update(disposition=Disposition.NOT_ADOPTED)
    assert "proposal--outcome" not in client.get("/my/opinions/").content.decode()


def test_redline_escapes_what_people_typed(multi_draft, second, citizen):
    proposal = Proposal(kind="modify", base_text="原文", text="原文<script>alert(1)</script>")
    html = redline_html(proposal)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_sensitive_word_in_the_proposal_holds_the_opinion_and_moderators_see_it(
    client, multi_draft, second, citizen, moderator
):
    from comments.models import SensitiveWord

    DraftPage.objects.filter(pk=multi_draft.pk).update(moderation_mode=ModerationMode.POST)
    multi_draft.refresh_from_db()
    SensitiveWord.objects.create(word="违禁词")
    opinion = services.opinion_post(
        user=citizen,
        draft=multi_draft,
        body="意见本身没有问题",
        article=second,
        proposal_kind="modify",
        proposal_text=second.text + "违禁词",
    )[0]
    assert opinion.moderation_state == ModerationState.PENDING and opinion.held_words == "违禁词"
    client.force_login(moderator)
    queue = client.get(reverse("opinions_moderation")).content.decode()
    assert "建议修改为：" in queue and "违禁词</ins>" in queue
