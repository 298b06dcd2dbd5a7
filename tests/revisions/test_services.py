"""The revision workspace's writes on a stored draft: open, edit, insert, delete, move, link, publish."""

import pytest
from django.core.exceptions import PermissionDenied

from comments.models import Disposition, ModerationState, Opinion
from drafts.models import Provision
from handling.models import HandlingAction, HandlingEvent
from revisions import services
from revisions.models import Revision, RevisionNode, RevisionStatus
from revisions.services import RevisionConflict, RevisionError

pytestmark = pytest.mark.django_db


def node(revision, number) -> RevisionNode:
    return RevisionNode.objects.get(revision=revision, kind="article", number=number, deleted=False)


def opinion(draft, article, citizen, **fields) -> Opinion:
    return Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=citizen,
        body="建议把期限改为十五日。",
        moderation_state=ModerationState.PUBLISHED,
        **fields,
    )


def test_open_copies_the_current_version_once(draft, staff):
    revision = services.revision_open(draft=draft, user=staff)
    assert services.revision_open(draft=draft, user=staff).pk == revision.pk
    rows = list(revision.nodes.order_by("position").values_list("kind", "label"))
    assert rows[0] == ("chapter", "第一章") and rows[1] == ("article", "第一条")
    assert len([r for r in rows if r[0] == "article"]) == 10
    five = Provision.objects.get(version=draft.current_version, kind="article", number=5)
    assert node(revision, 5).lineage == five.lineage and node(revision, 5).text == five.text


def test_people_who_cannot_edit_the_draft_cannot_open_or_write(draft, citizen, staff):
    with pytest.raises(PermissionDenied):
        services.revision_open(draft=draft, user=citizen)
    revision = services.revision_open(draft=draft, user=staff)
    with pytest.raises(PermissionDenied):
        services.node_save(revision_id=revision.pk, node_id=node(revision, 1).pk, user=citizen, row_version=0, text="x")


def test_save_refuses_empty_text_and_a_line_that_would_be_another_article(draft, staff):
    revision = services.revision_open(draft=draft, user=staff)
    three = node(revision, 3)
    with pytest.raises(RevisionError) as empty:
        services.node_save(revision_id=revision.pk, node_id=three.pk, user=staff, row_version=0, text="  \n ")
    assert "不能为空" in empty.value.messages[0]
    with pytest.raises(RevisionError) as other:
        services.node_save(
            revision_id=revision.pk, node_id=three.pk, user=staff, row_version=0, text="第一款。\n第十一条 另一条。"
        )
    assert "第 2 行" in other.value.messages[0]
    three.refresh_from_db()
    assert three.row_version == 0 and "第三条的内容" in three.text  # nothing half-saved


def test_a_save_over_someone_elses_newer_save_is_a_conflict(draft, staff, home_page):
    from cms.roles import Role
    from tests.factories import UserFactory

    colleague = UserFactory(username="staff2", display_name="王科长", roles=[Role.STAFF])
    revision = services.revision_open(draft=draft, user=staff)
    three = node(revision, 3)
    services.node_save(revision_id=revision.pk, node_id=three.pk, user=colleague, row_version=0, text="王科长的文字。")
    with pytest.raises(RevisionConflict) as conflict:
        services.node_save(revision_id=revision.pk, node_id=three.pk, user=staff, row_version=0, text="我的文字。")
    assert "王科长" in conflict.value.messages[0]
    three.refresh_from_db()
    assert three.text == "王科长的文字。"


def test_insert_delete_and_move_renumber_and_rewrite_citations(draft, staff):
    revision = services.revision_open(draft=draft, user=staff)
    nine = node(revision, 9)
    services.node_save(
        revision_id=revision.pk,
        node_id=nine.pk,
        user=staff,
        row_version=0,
        text="违反本条例第三条、第十条规定的，依法处理。",
    )
    new = services.node_insert(revision_id=revision.pk, after_id=node(revision, 2).pk, user=staff, text="新的第三条。")
    assert new.number == 3 and new.label == "第三条"
    assert node(revision, 10).text == "违反本条例第四条、第十一条规定的，依法处理。"
    services.node_delete(revision_id=revision.pk, node_id=node(revision, 4).pk, user=staff, reason="与上位法重复")
    cited = node(revision, 9)
    assert "第四条" in cited.text and any("已删除" in check for check in cited.checks)
    assert RevisionNode.objects.get(revision=revision, deleted=True).reason == "与上位法重复"
    # 第二章 moved to the start: its articles come first.
    second = RevisionNode.objects.get(revision=revision, kind="chapter", title="附则")
    services.node_move(revision_id=revision.pk, node_id=second.pk, after_id=None, user=staff)
    chapters = list(revision.nodes.filter(kind="chapter").order_by("position").values_list("label", "title"))
    assert chapters == [("第一章", "附则"), ("第二章", "总则")]
    numbers = list(
        revision.nodes.filter(kind="article", deleted=False).order_by("position").values_list("number", flat=True)
    )
    assert numbers == list(range(1, 11))


def test_publish_keeps_lineage_links_opinions_and_closes_the_copy(
    draft, article, citizen, staff, django_capture_on_commit_callbacks
):
    adopted = opinion(draft, article, citizen, disposition=Disposition.ADOPTED)
    revision = services.revision_open(draft=draft, user=staff)
    five = node(revision, 5)
    services.node_save(
        revision_id=revision.pk,
        node_id=five.pk,
        user=staff,
        row_version=0,
        text="物业服务人应当在十五日内公示收费标准。",
        reason="采纳公众意见，明确公示期限",
        opinion_ids=[adopted.pk],
    )
    services.node_insert(revision_id=revision.pk, after_id=five.pk, user=staff, text="新增一条。")
    old_version = draft.current_version
    with django_capture_on_commit_callbacks(execute=True):  # the linking task runs after the commit
        version = services.revision_publish(revision_id=revision.pk, user=staff, stage="second_reading")
    draft.refresh_from_db()
    assert draft.current_version == version and version.number == 2 and version.stage == "second_reading"
    new_five = Provision.objects.get(version=version, kind="article", number=5)
    assert new_five.lineage == article.lineage and new_five.text == "物业服务人应当在十五日内公示收费标准。"
    assert Provision.objects.filter(version=version, kind="article").count() == 11
    six = Provision.objects.get(version=version, kind="article", number=6)
    old_six = Provision.objects.get(version=old_version, kind="article", number=6)
    assert six.lineage not in {p.lineage for p in Provision.objects.filter(version=old_version)}
    assert Provision.objects.get(version=version, kind="article", number=7).lineage == old_six.lineage
    adopted.refresh_from_db()
    assert adopted.resulting_article == new_five
    assert HandlingEvent.objects.filter(opinion=adopted, action=HandlingAction.LINK).exists()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PUBLISHED and revision.published_version == version
    assert revision.linked_at is not None
    with pytest.raises(RevisionError):
        services.node_save(revision_id=revision.pk, node_id=five.pk, user=staff, row_version=1, text="再改。")


def test_the_comparison_carries_the_reasons_and_opinions_of_the_changes(draft, article, citizen, staff):
    from drafts.selectors import version_comparison

    linked = opinion(draft, article, citizen)
    revision = services.revision_open(draft=draft, user=staff)
    services.node_save(
        revision_id=revision.pk,
        node_id=node(revision, 5).pk,
        user=staff,
        row_version=0,
        text="改后的第五条。",
        reason="明确期限",
        opinion_ids=[linked.pk],
    )
    services.node_delete(revision_id=revision.pk, node_id=node(revision, 8).pk, user=staff, reason="已无必要")
    old = draft.current_version
    new = services.revision_publish(revision_id=revision.pk, user=staff, stage="revised")
    rows = {(r.change, (r.old or r.new).number): r for r in version_comparison(old=old, new=new).rows}
    modified = rows[("modified", 5)]
    assert modified.note.reasons == ("明确期限",) and modified.note.opinions == (linked.pk,)
    assert rows[("deleted", 8)].note.reasons == ("已无必要",)


def test_publish_is_refused_when_unchanged_stale_or_citing_a_missing_article(draft, staff):
    from drafts.parser import parse_text
    from drafts.services import draft_version_create
    from tests.factories import sample_text

    revision = services.revision_open(draft=draft, user=staff)
    with pytest.raises(RevisionError) as unchanged:
        services.revision_publish(revision_id=revision.pk, user=staff, stage="revised")
    assert "没有可以发布的修改" in unchanged.value.messages[0]
    services.node_save(
        revision_id=revision.pk,
        node_id=node(revision, 2).pk,
        user=staff,
        row_version=0,
        text="依照本条例第三十条处理。",
    )
    with pytest.raises(RevisionError) as dangling:
        services.revision_publish(revision_id=revision.pk, user=staff, stage="revised")
    assert "第三十条不存在" in dangling.value.messages[0]
    services.node_save(
        revision_id=revision.pk, node_id=node(revision, 2).pk, user=staff, row_version=1, text="依照本条例第三条处理。"
    )
    # Someone imports a new version meanwhile: the copy is stale and stays as it is.
    draft_version_create(draft=draft, result=parse_text(sample_text(12)), created_by=staff)
    with pytest.raises(RevisionError) as stale:
        services.revision_publish(revision_id=revision.pk, user=staff, stage="revised")
    assert "不能再发布" in stale.value.messages[0]
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.OPEN
    assert node(revision, 2).text == "依照本条例第三条处理。"


def test_a_published_copy_whose_linking_task_was_lost_is_linked_again(draft, article, citizen, staff):
    from datetime import timedelta

    from django.utils import timezone

    adopted = opinion(draft, article, citizen, disposition=Disposition.ADOPTED)
    revision = services.revision_open(draft=draft, user=staff)
    services.node_save(
        revision_id=revision.pk,
        node_id=node(revision, 5).pk,
        user=staff,
        row_version=0,
        text="改。",
        opinion_ids=[adopted.pk],
    )
    services.revision_publish(revision_id=revision.pk, user=staff, stage="revised")  # its task never runs here
    adopted.refresh_from_db()
    assert adopted.resulting_article is None
    services.relink_stalled(draft)  # too early: the task may still be on its way
    adopted.refresh_from_db()
    assert adopted.resulting_article is None
    services.relink_stalled(draft, now=timezone.now() + timedelta(minutes=3))
    adopted.refresh_from_db()
    assert adopted.resulting_article.number == 5
    assert Revision.objects.get(pk=revision.pk).linked_at is not None


def test_export_pages_warn_of_adopted_opinions_without_a_change_and_changes_without_a_reason(
    draft, article, citizen, staff, client
):
    adopted = opinion(draft, article, citizen, disposition=Disposition.ADOPTED)
    client.force_login(staff)
    page = client.get(f"/admin/opinions/exports/?draft={draft.pk}").content.decode()
    assert f"1 条标为采纳或部分采纳的意见没有关联到条文的修改（例如第 {adopted.pk} 号）" in page
    revision = services.revision_open(draft=draft, user=staff)
    services.node_save(
        revision_id=revision.pk,
        node_id=node(revision, 5).pk,
        user=staff,
        row_version=0,
        text="改。",
        opinion_ids=[adopted.pk],
    )
    page = client.get(f"/admin/drafts/{draft.pk}/comparison/").content.decode()
    assert "没有关联到条文的修改" not in page
    assert "修改稿中 1 处修改没有写修改理由：第五条" in page


def test_a_near_duplicate_group_is_linked_as_a_whole_from_the_article_page(draft, article, citizen, staff, client):
    from revisions.models import RevisionLink

    group = [opinion(draft, article, citizen, cluster=4242, cluster_size=3) for _ in range(3)]
    revision = services.revision_open(draft=draft, user=staff)
    five = node(revision, 5)
    client.force_login(staff)
    page = client.get(f"/admin/drafts/{draft.pk}/revision/{five.pk}/").content.decode()
    assert page.count("关联整组相似意见（3 条）") == 1
    response = client.post(
        f"/admin/drafts/{draft.pk}/revision/{five.pk}/",
        {
            "action": "save",
            "text": five.text,
            "reason": "合并采纳",
            "row_version": "0",
            "links_shown": "1",
            "groups": ["4242"],
        },
    )
    assert response.status_code == 302
    assert set(RevisionLink.objects.filter(node=five).values_list("opinion_id", flat=True)) == {o.pk for o in group}


def test_the_public_feedback_shows_what_an_adopted_opinion_changed_the_text_to(
    draft, article, citizen, staff, client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from drafts.models import DraftPage

    adopted = opinion(draft, article, citizen, disposition=Disposition.ADOPTED)
    revision = services.revision_open(draft=draft, user=staff)
    services.node_save(
        revision_id=revision.pk,
        node_id=node(revision, 5).pk,
        user=staff,
        row_version=0,
        text="物业服务人应当在十五日内公示收费标准。",
        reason="采纳",
        opinion_ids=[adopted.pk],
    )
    old_five = article.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_publish(revision_id=revision.pk, user=staff, stage="revised")
    DraftPage.objects.filter(pk=draft.pk).update(closes_at=timezone.now() - timedelta(days=1))
    page = client.get(f"/opinions/drafts/{draft.pk}/feedback/?article={old_five}").content.decode()
    assert "修改为：" in page and "物业服务人应当在十五日内公示收费标准。" in page


def test_spacing_and_invisible_characters_are_no_change_to_publish(draft, staff):
    """One rule for what counts as a change (drafts.matching.normalize_text), as the version diff and the
    对照表 use: a zero-width space or a full-width space typed into the text changes nothing."""
    from revisions.selectors import base_sources, node_status

    revision = services.revision_open(draft=draft, user=staff)
    three = node(revision, 3)
    text = three.text
    spaced = text[:2] + "\u200b\u3000" + text[2:] + "\ufeff"
    services.node_save(revision_id=revision.pk, node_id=three.pk, user=staff, row_version=0, text=spaced)
    three.refresh_from_db()
    assert three.text == spaced
    assert node_status(three, base_sources(revision)[three.source_id]) == "same"
    with pytest.raises(RevisionError) as unchanged:
        services.revision_publish(revision_id=revision.pk, user=staff, stage="revised")
    assert "没有可以发布的修改" in unchanged.value.messages[0]
