from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comments.models import Opinion
from contact_points import services
from contact_points.models import BatchItem, Meeting, MeetingNote, OpinionBatch
from tests.contact_points.conftest import docx_bytes
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(draft, point, coordinator):
    meeting = services.meeting_save(
        user=coordinator, meeting=Meeting(contact_point=point, draft=draft, held_on=date.today())
    )
    note = services.note_upload(
        user=coordinator, meeting=meeting, name="纪要.docx", data=docx_bytes(["关于第三条：建议写明期限和责任人。"])
    )
    batch = note.batch
    item = batch.items.get()
    return {"point": point, "meeting": meeting, "note": note.note, "batch": batch, "item": item}


def _workspace_urls(s):
    p, b = s["point"].pk, s["batch"].pk
    return {
        "get": [
            reverse("contact_points:home", args=[p]),
            reverse("contact_points:meeting_new", args=[p]),
            reverse("contact_points:meeting", args=[p, s["meeting"].pk]),
            reverse("contact_points:note", args=[p, s["note"].pk]),
            reverse("contact_points:batch", args=[p, b]),
            reverse("contact_points:item", args=[p, b, s["item"].pk]),
            reverse("contact_points:template", args=[p, b, "xlsx"]),
            reverse("contact_points:template", args=[p, b, "csv"]),
            reverse("contact_points:feedback", args=[p]),
            reverse("contact_points:feedback_xlsx", args=[p]),
        ],
        "post": [
            reverse("contact_points:meeting_new", args=[p]),
            reverse("contact_points:meeting", args=[p, s["meeting"].pk]),
            reverse("contact_points:note_upload", args=[p, s["meeting"].pk]),
            reverse("contact_points:batch_open", args=[p]),
            reverse("contact_points:item_add", args=[p, b]),
            reverse("contact_points:item", args=[p, b, s["item"].pk]),
            reverse("contact_points:review", args=[p, b]),
            reverse("contact_points:sheet_upload", args=[p, b]),
            reverse("contact_points:submit", args=[p, b]),
        ],
    }


def test_every_workspace_url_works_for_its_own_coordinator(client, setup, coordinator):
    client.force_login(coordinator)
    for url in _workspace_urls(setup)["get"]:
        assert client.get(url).status_code == 200, url


def test_the_coordinator_of_another_point_gets_404_everywhere_and_changes_nothing(client, setup, intruder, other_point):
    client.force_login(intruder)
    urls = _workspace_urls(setup)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    payload = {
        "body": "篡改",
        "draft": setup["batch"].draft_id,
        "held_on": "2026-01-01",
        "form": "visit",
        "action": "drop",
        "ids": [setup["item"].pk],
        "file": SimpleUploadedFile("x.csv", "条款,意见内容\n,篡改\n".encode()),
    }
    for url in urls["post"]:
        assert client.post(url, payload).status_code == 404, url
    item = BatchItem.objects.get()
    assert item.body == "关于第三条：建议写明期限和责任人。" and item.state == "candidate"
    assert OpinionBatch.objects.get().state == "draft" and not Opinion.objects.exists()
    assert Meeting.objects.count() == 1 and MeetingNote.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client, setup):
    for url in _workspace_urls(setup)["get"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_coordinator_logs_in_and_reaches_their_point(client, point, coordinator):
    client.post(reverse("accounts:login"), {"identifier": coordinator.username, "password": PASSWORD})
    response = client.get(reverse("contact_points:workspace"))
    assert response.status_code == 302 and response["Location"] == reverse("contact_points:home", args=[point.pk])


def test_meeting_form_refuses_a_future_date_in_chinese(client, draft, point, coordinator):
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("contact_points:meeting_new", args=[point.pk]),
        {"draft": draft.pk, "held_on": tomorrow.isoformat(), "form": "symposium", **dict.fromkeys(
            ["attendance_deputy", "attendance_resident", "attendance_enterprise", "attendance_expert",
             "attendance_lawyer", "attendance_other"], 0)},
    )  # fmt: skip
    assert response.status_code == 200 and "日期不能晚于今天" in response.content.decode()
    assert not Meeting.objects.exists()


def test_review_edit_and_submit_through_the_workspace(client, setup, coordinator):
    client.force_login(coordinator)
    p, b = setup["point"].pk, setup["batch"].pk
    article = setup["batch"].version.provisions.get(kind="article", number=4)
    response = client.post(
        reverse("contact_points:item", args=[p, b, setup["item"].pk]),
        {"article": article.pk, "body": "改为第四条的意见", "proposer_name": "居民甲", "proposer_category": "resident"},
    )
    assert response.status_code == 302
    item = BatchItem.objects.get()
    assert (item.article, item.body, item.state) == (article, "改为第四条的意见", "accepted")
    submit = reverse("contact_points:submit", args=[p, b])
    first = client.post(submit, follow=True)
    second = client.post(submit, follow=True)
    assert "已报送 1 条意见" in first.content.decode()
    assert "已经报送过了" in second.content.decode()
    assert Opinion.objects.count() == 1


def test_a_bad_spreadsheet_is_refused_with_its_line_numbers(client, setup, coordinator):
    client.force_login(coordinator)
    p, b = setup["point"].pk, setup["batch"].pk
    data = "条款,意见内容\n第三条,好\n第八十条,没有这条\n".encode()
    response = client.post(
        reverse("contact_points:sheet_upload", args=[p, b]), {"file": SimpleUploadedFile("意见.csv", data)}, follow=True
    )
    page = response.content.decode()
    assert "表格未导入" in page and "第八十条" in page
    assert BatchItem.objects.count() == 1


def test_a_renamed_executable_is_refused_as_notes(client, setup, coordinator):
    client.force_login(coordinator)
    p, m = setup["point"].pk, setup["meeting"].pk
    response = client.post(
        reverse("contact_points:note_upload", args=[p, m]),
        {"file": SimpleUploadedFile("纪要.docx", b"MZ\x90\x00\x03" + b"\x00" * 200)},
        follow=True,
    )
    assert response.status_code == 200 and "message--error" in response.content.decode()
    assert MeetingNote.objects.count() == 1


def test_public_pages_show_the_record_but_no_contact_data(client, setup, point, other_point):
    point.phone = "0571-87654321"
    point.save()
    listing = client.get(reverse("contact_points_public:list"), {"district": "上城区"}).content.decode()
    assert point.name in listing and other_point.name not in listing
    detail = client.get(reverse("contact_points_public:detail", args=[point.pk])).content.decode()
    assert "0571-87654321" not in detail and "征询活动" in detail
    assert client.get(reverse("contact_points_public:list"), {"kind": "nonsense"}).status_code == 200


def test_staff_screens_need_staff(client, setup, staff, coordinator):
    services.batch_items_review(user=coordinator, batch=setup["batch"], item_ids=[setup["item"].pk], action="accept")
    services.batch_submit(user=coordinator, batch_id=setup["batch"].pk)
    urls = [
        reverse("contact_points_admin:solicitations"),
        reverse("contact_points_admin:solicitation_new"),
        reverse("contact_points_admin:batches"),
        reverse("contact_points_admin:batch", args=[setup["batch"].pk]),
        reverse("contact_points_admin:note", args=[setup["note"].pk]),
        reverse("contact_points_admin:statistics"),
    ]
    client.force_login(coordinator)
    for url in urls:
        assert client.get(url).status_code in (302, 403), url
    client.force_login(staff)
    for url in urls:
        assert client.get(url).status_code == 200, url
    receive = reverse("wagtail_bulk_action", args=["contact_points", "opinionbatch", "receive"])
    assert receive in client.get(reverse("contact_points_admin:batches")).content.decode()
    client.force_login(coordinator)
    assert client.post(f"{receive}?id={setup['batch'].pk}").status_code in (302, 403)
    assert OpinionBatch.objects.get().state == "submitted"
    client.force_login(staff)
    back = reverse("contact_points_admin:batches") + "?state=submitted"
    assert setup["batch"].contact_point.name in client.get(f"{receive}?id={setup['batch'].pk}").content.decode()
    response = client.post(f"{receive}?id={setup['batch'].pk}&next={back}", follow=True)
    assert response.redirect_chain[-1][0] == back and "已签收 1 份意见汇总" in response.content.decode()
    assert OpinionBatch.objects.get().state == "received"


def test_batch_and_solicitation_lists_filter(client, setup, staff, coordinator, draft):
    services.batch_items_review(user=coordinator, batch=setup["batch"], item_ids=[setup["item"].pk], action="accept")
    services.batch_submit(user=coordinator, batch_id=setup["batch"].pk)
    name = reverse("contact_points_admin:batch", args=[setup["batch"].pk])  # the row's link
    client.force_login(staff)
    batches = reverse("contact_points_admin:batches")
    listing = client.get(batches).content.decode()
    assert name in listing  # submitted ones by default
    assert 'href="?state=received"' in listing and 'href="?state="' not in listing  # no blank state link
    assert name not in client.get(batches, {"state": "received"}).content.decode()
    assert name in client.get(batches, {"state": "all", "draft": draft.pk}).content.decode()
    unknown = client.get(batches, {"state": "all", "draft": draft.pk + 1000}).content.decode()
    assert "error-message" in unknown  # an unknown draft is reported beside its field, and ignored
    assert name in client.get(batches, {"state": "nonsense"}).content.decode()  # a bad state lists the default
    receive = reverse("wagtail_bulk_action", args=["contact_points", "opinionbatch", "receive"])
    client.post(f"{receive}?id=all&state=submitted&draft={draft.pk}")
    assert OpinionBatch.objects.get().state == "received"
    solicitations = reverse("contact_points_admin:solicitations")
    assert client.get(solicitations, {"draft": "abc"}).status_code == 200


def test_staff_send_a_solicitation_by_district(client, draft, staff, point, other_point):
    client.force_login(staff)
    deadline = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("contact_points_admin:solicitation_new"),
        {"draft": draft.pk, "deadline": deadline, "mode": "district", "district": "西湖区", "note": ""},
    )
    assert response.status_code == 302
    from contact_points.models import Solicitation

    assert list(Solicitation.objects.get().contact_points.all()) == [other_point]
    detail = client.get(response["Location"]).content.decode()
    assert other_point.name in detail and "待报送" in detail


def test_the_feedback_table_shows_the_handling_but_no_contact_data(client, setup, coordinator):
    import io

    from openpyxl import load_workbook

    services.batch_items_review(user=coordinator, batch=setup["batch"], item_ids=[setup["item"].pk], action="accept")
    services.batch_submit(user=coordinator, batch_id=setup["batch"].pk)
    Opinion.objects.update(disposition="not_adopted", disposition_reason="上位法已有规定")
    setup["point"].phone = "0571-12345678"
    setup["point"].save()
    client.force_login(coordinator)
    page = client.get(reverse("contact_points:feedback", args=[setup["point"].pk])).content.decode()
    assert "未采纳" in page and "上位法已有规定" in page
    response = client.get(reverse("contact_points:feedback_xlsx", args=[setup["point"].pk]))
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for c in row]
    assert "未采纳" in cells and "上位法已有规定" in cells and "第三条" in cells
    assert not any("0571" in str(c) or "@" in str(c) for c in cells if c)


def test_the_yearly_ranking_is_a_report_with_filters_and_a_spreadsheet(client, setup, staff, coordinator, other_point):
    services.batch_items_review(user=coordinator, batch=setup["batch"], item_ids=[setup["item"].pk], action="accept")
    services.batch_submit(user=coordinator, batch_id=setup["batch"].pk)
    url = reverse("contact_points_admin:statistics")
    client.force_login(coordinator)
    assert client.get(url).status_code in (302, 403)
    assert client.get(url, {"export": "csv"}).status_code in (302, 403)
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "湖滨街道基层立法联系点" in page and "浙江大学基层立法联系点" in page
    assert "合计：报送意见 1 条" in page
    west = client.get(url, {"district": "西湖区"}).content.decode()
    assert "湖滨街道基层立法联系点" not in west and "浙江大学基层立法联系点" in west
    assert "合计：报送意见 1 条" in client.get(url, {"year": "all"}).content.decode()
    bad = client.get(url, {"year": "1999", "kind": "nonsense"})
    assert bad.status_code == 200 and "合计：报送意见 1 条" in bad.content.decode()  # this year, all kinds
    sheet = client.get(url, {"year": "all", "export": "csv"})
    assert sheet.status_code == 200 and "attachment" in sheet["Content-Disposition"]
    assert 'filename="contact-point-ranking-all-years.csv"' in sheet["Content-Disposition"]
    lines = b"".join(sheet.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("排名,联系点,区县,报送意见")
    assert any(line.startswith("1,湖滨街道基层立法联系点,上城区,1,") for line in lines[1:])
    assert client.get(reverse("contact_points_admin:statistics_results")).status_code == 200


def test_a_candidate_with_no_proposer_shows_no_stray_separator(client, setup, coordinator):
    """The note's line named nobody: the item's meta line starts with what there is, not with 「·」."""
    assert not setup["item"].proposer_name
    client.force_login(coordinator)
    page = client.get(reverse("contact_points:batch", args=[setup["point"].pk, setup["batch"].pk])).content.decode()
    meta = page[page.index('batch-item__meta">') + len('batch-item__meta">') :]
    assert not meta.lstrip().startswith("·")
