"""Importing drafts: the admin preview-then-save flow, new versions with matching, and the command."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from cms.roles import Role
from drafts.models import DraftPage, DraftVersion, Provision
from drafts.parser import parse_text
from drafts.readers import write_docx
from drafts.services import draft_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "drafts" / "fixtures"
HANGZHOU = FIXTURES / "杭州市物业管理条例(2021-08-09).md"
COMPANY = FIXTURES / "公司法(2023-12-29).md"


@pytest.fixture
def staff_client(client, draft_index):
    client.force_login(UserFactory(username="clerk", roles=[Role.STAFF]))
    return client


def test_staff_preview_shows_counts_and_warnings_and_saves_nothing(staff_client, draft_index):
    text = "示例条例\n说明文字在第一条之前。\n第一条 甲。\n第三条 乙。\n"
    response = staff_client.post(
        "/admin/drafts/import/", {"stage": "solicitation", "index": draft_index.pk, "text": text}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "解析结果" in body and "2</strong> 条" in body
    assert "第二条" in body  # the skipped number is reported
    assert DraftPage.objects.count() == 0


def test_staff_upload_word_file_previews_then_saves_an_unpublished_draft(staff_client, draft_index):
    data = write_docx(parse_text(HANGZHOU.read_text(encoding="utf-8")))
    upload = SimpleUploadedFile("杭州.docx", data)
    response = staff_client.post(
        "/admin/drafts/import/",
        {"stage": "solicitation", "index": draft_index.pk, "file": upload, "action": "save"},
    )
    # An upload is always previewed first; its text comes back in the form for correction.
    assert response.status_code == 200
    assert DraftPage.objects.count() == 0
    text = response.context["form"]["text"].value()
    assert "第九十三条" in text
    response = staff_client.post(
        "/admin/drafts/import/",
        {
            "stage": "solicitation",
            "index": draft_index.pk,
            "text": text,
            "source_name": "杭州.docx",
            "action": "save",
        },
    )
    assert response.status_code == 302
    draft = DraftPage.objects.get()
    assert draft.live is False
    assert draft.title == "杭州市物业管理条例"
    assert draft.current_version.source_name == "杭州.docx"
    assert draft.current_version.provisions.filter(kind="article").count() == 93


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, ".docx"),
        ("empty.txt", b"", "空文件"),
        ("none.txt", "这是一段没有条文的文字。".encode(), "第……条"),
        ("broken.docx", b"PK\x03\x04" + b"\0" * 100, "损坏"),
    ],
)
def test_bad_files_get_a_chinese_message_and_nothing_is_saved(staff_client, draft_index, name, data, message):
    upload = SimpleUploadedFile(name, data)
    response = staff_client.post(
        "/admin/drafts/import/", {"stage": "solicitation", "index": draft_index.pk, "file": upload}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DraftPage.objects.count() == 0


def test_text_without_articles_is_refused(staff_client, draft_index):
    response = staff_client.post(
        "/admin/drafts/import/",
        {"stage": "solicitation", "index": draft_index.pk, "text": "没有条文", "action": "save"},
    )
    assert "第……条" in response.content.decode()
    assert DraftPage.objects.count() == 0


def test_new_version_keeps_article_identity_and_accepts_a_corrected_match(staff_client, draft_index):
    original = (
        "示例条例\n第一条 为了规范物业管理，制定本条例。\n第二条 本条例适用于本市行政区域内的物业管理活动。\n"
        "第三条 业主大会由全体业主组成，代表和维护全体业主的合法权益。\n"
    )
    draft = draft_create(index=draft_index, result=parse_text(original), publish=True)
    old = {p.number: p.lineage for p in Provision.objects.filter(version=draft.current_version, kind="article")}
    revised = (
        "示例条例\n第一条 为了规范物业管理，制定本条例。\n第二条 物业服务人应当公开收费标准。\n"
        "第三条 本条例适用于本市行政区域内的物业管理活动。\n"
        "第四条 业主大会由全体业主组成，代表和维护全体业主的合法权益。\n"
    )
    url = f"/admin/drafts/{draft.pk}/import/"
    response = staff_client.post(url, {"stage": "first_reading", "text": revised, "make_current": "on"})
    body = response.content.decode()
    assert "与当前版本的条文对应关系" in body and "新增" in body
    # Staff say the new article 2 is not new at all but the old article 3 (it is not, but they decide).
    response = staff_client.post(
        url, {"stage": "first_reading", "text": revised, "make_current": "on", "match-1": "3", "action": "save"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.current_version.number == 2
    new = {p.number: p.lineage for p in Provision.objects.filter(version=draft.current_version, kind="article")}
    assert new[1] == old[1]
    assert new[3] == old[2]  # renumbered, same article
    assert new[2] == old[3]  # the staff correction


def test_unknown_article_in_a_correction_is_an_error(staff_client, draft_index):
    draft = draft_create(index=draft_index, result=parse_text("示例条例\n第一条 甲乙丙丁戊。\n"), publish=True)
    response = staff_client.post(
        f"/admin/drafts/{draft.pk}/import/",
        {"stage": "first_reading", "text": "示例\n第一条 完全不同的内容。\n", "match-0": "99", "action": "save"},
    )
    assert "不存在" in response.content.decode()
    assert DraftVersion.objects.filter(draft=draft).count() == 1


@pytest.mark.parametrize("role", [None, Role.COORDINATOR, Role.LIAISON, Role.MODERATOR])
def test_only_staff_may_import(client, draft_index, role):
    draft = draft_create(index=draft_index, result=parse_text("示例条例\n第一条 甲。\n"), publish=True)
    client.force_login(UserFactory(roles=[role] if role else []))
    for url in ["/admin/drafts/import/", f"/admin/drafts/{draft.pk}/import/", f"/admin/drafts/{draft.pk}/notes/"]:
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, {"text": "示例\n第一条 乙。\n", "action": "save"}).status_code in (302, 403)
    assert DraftVersion.objects.filter(draft=draft).count() == 1


def test_staff_edit_an_article_note(staff_client, draft_index):
    draft = draft_create(index=draft_index, result=parse_text(HANGZHOU.read_text(encoding="utf-8")), publish=True)
    url = f"/admin/drafts/{draft.pk}/notes/"
    assert "第十二条" in staff_client.get(url, {"number": 12}).content.decode()
    article = Provision.objects.get(version=draft.current_version, kind="article", number=12)
    response = staff_client.post(url, {"article": article.pk, "note": "通俗地说：业主大会怎么开。"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.note == "通俗地说：业主大会怎么开。"
    assert "当前版本中没有第 999 条" in staff_client.get(url, {"number": 999}, follow=True).content.decode()


def test_command_dry_run_json(capsys, db):
    call_command("import_draft", str(COMPANY), "--dry-run", "--json")
    output = json.loads(capsys.readouterr().out)
    assert (output["chapters"], output["sections"], output["articles"]) == (15, 9, 266)
    assert set(output) >= {
        "title",
        "parts",
        "chapters",
        "sections",
        "articles",
        "paragraphs",
        "items",
        "warnings",
        "tree",
    }
    first_chapter = output["tree"][0]
    article = first_chapter["children"][0]
    assert (article["number"], article["label"]) == (1, "第一条")
    assert article["text"].startswith("为了规范公司的组织和行为")
    assert DraftPage.objects.count() == 0


def test_command_creates_an_unpublished_draft_then_a_version(capsys, draft_index):
    call_command("import_draft", str(HANGZHOU), "--title", "杭州市物业管理条例（草案）")
    draft = DraftPage.objects.get()
    assert draft.title == "杭州市物业管理条例（草案）" and not draft.live
    call_command("import_draft", str(HANGZHOU), "--draft", draft.slug, "--stage", "first_reading")
    assert draft.versions.count() == 2
    assert "第 2 个版本" in capsys.readouterr().out


def test_the_stage_printed_under_the_title_is_the_stage_not_the_title(tmp_path, draft_index):
    source = tmp_path / "二审稿.md"
    source.write_text(
        "某市物业管理条例（草案）\n\n（二审稿）\n\n第一条 为了规范物业管理，制定本条例。", encoding="utf-8"
    )
    call_command("import_draft", str(source))
    draft = DraftPage.objects.get()
    assert draft.title == "某市物业管理条例（草案）"
    assert draft.current_version.stage == "second_reading"


def test_command_refuses_bad_files_in_chinese(tmp_path, db):
    bad = tmp_path / "none.txt"
    bad.write_text("这里没有条文。", encoding="utf-8")
    with pytest.raises(CommandError, match="第……条"):
        call_command("import_draft", str(bad), "--dry-run")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_draft", str(tmp_path / "missing.txt"))
