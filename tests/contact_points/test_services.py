from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from comments.models import Channel, Disposition, ModerationState, Opinion
from contact_points import selectors, services
from contact_points.models import (
    BatchItem,
    BatchState,
    ContactPointOpinion,
    ItemState,
    Meeting,
    MeetingNote,
    OpinionBatch,
    SolicitationTarget,
)
from contact_points.services import ContactPointError
from drafts.parser import parse_text
from drafts.services import draft_create
from tests.cms.test_emails import html_of
from tests.contact_points.conftest import docx_bytes
from tests.factories import ContactPointFactory

pytestmark = pytest.mark.django_db


def _meeting(point, draft, user, **kwargs):
    meeting = Meeting(contact_point=point, draft=draft, held_on=date.today(), attendance_resident=12, **kwargs)
    return services.meeting_save(user=user, meeting=meeting)


def _article(draft, number):
    return draft.current_version.provisions.get(kind="article", number=number)


NOTES = [
    "湖滨街道《示例条例（草案）》座谈会纪要",
    "时间：2026年11月20日下午",
    "地点：湖滨街道会议室",
    "一、关于第三条",
    "居民王某某：第三条规定的物业服务标准太笼统，建议明确保洁和维修的频次。",
    "律师张某：建议在第五条中增加业主知情权的具体内容，包括账目公开的时间和方式。",
    "退休教师刘某：希望条例整体上写得通俗一些，让老年人也能看懂。",
    "企业代表：第十二条的处罚过重，建议降低罚款金额。",
]


def test_solicitation_is_sent_to_the_chosen_points_and_their_coordinators_are_emailed(
    draft, staff, point, other_point, coordinator, intruder, django_capture_on_commit_callbacks
):
    inactive = ContactPointFactory(is_active=False)
    deadline = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        solicitation = services.solicitation_send(
            staff=staff, draft=draft, deadline=deadline, contact_points=[point, inactive], note="请重点征询第三条。"
        )
    assert list(solicitation.contact_points.all()) == [point]
    assert solicitation.version == draft.current_version
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "示例条例" in mail.outbox[0].subject and "请重点征询第三条" in mail.outbox[0].body
    assert f"/workspace/{point.pk}/" in mail.outbox[0].body


def test_each_coordinator_gets_a_message_of_their_own_with_their_point_in_text_and_html(
    draft, staff, point, other_point, coordinator, intruder, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.solicitation_send(
            staff=staff,
            draft=draft,
            deadline=timezone.now() + timedelta(days=7),
            contact_points=[point, other_point],
            note="请重点征询<第三条>。",
        )
    assert sorted(m.to for m in mail.outbox) == sorted([[coordinator.email], [intruder.email]])
    for person, own, stranger, strangers_point in (
        (coordinator, point, intruder, other_point),
        (intruder, other_point, coordinator, point),
    ):
        (message,) = [m for m in mail.outbox if m.to == [person.email]]
        html = html_of(message)
        assert message.subject == f"{settings.EMAIL_SUBJECT_PREFIX}征询任务：《{draft.title}》"
        assert f"{person.display_name}，您好" in message.body and own.name in message.body
        assert "请重点征询<第三条>。" in message.body and "请重点征询&lt;第三条&gt;。" in html
        workspace = f"{settings.BASE_URL}/workspace/{own.pk}/"
        assert workspace in message.body and f'href="{workspace}"' in html and own.name in html
        for secret in (
            stranger.email,
            stranger.display_name,
            strangers_point.name,
            f"/workspace/{strangers_point.pk}/",
        ):
            assert secret not in f"{message.subject}{message.body}{html}"


def test_the_coordinator_hears_that_the_batch_was_submitted_and_then_received(
    draft, staff, point, coordinator, django_capture_on_commit_callbacks
):
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    for body in ("意见一", "意见二"):
        services.batch_item_save(user=coordinator, batch=batch, body=body, article_id=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_submit(user=coordinator, batch_id=batch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.batches_receive(staff=staff, batch_ids=[batch.pk])
    submitted, received = mail.outbox
    feedback = f"{settings.BASE_URL}/workspace/{point.pk}/feedback/"
    for message, subject, words in (
        (submitted, "意见汇总已报送", "（2 条意见）已于"),
        (received, "意见汇总已签收", "已由法工委于"),
    ):
        html = html_of(message)
        assert message.to == [coordinator.email] and message.subject == f"{settings.EMAIL_SUBJECT_PREFIX}{subject}"
        assert words in message.body and words in html and point.name in message.body
        assert feedback in message.body and f'href="{feedback}"' in html


def test_solicitation_refuses_a_past_deadline_and_non_staff(draft, staff, point, coordinator):
    with pytest.raises(ContactPointError):
        services.solicitation_send(staff=staff, draft=draft, deadline=timezone.now(), contact_points=[point])
    with pytest.raises(PermissionDenied):
        services.solicitation_send(
            staff=coordinator, draft=draft, deadline=timezone.now() + timedelta(days=1), contact_points=[point]
        )


def test_a_coordinator_cannot_record_a_meeting_for_another_point(draft, other_point, coordinator):
    with pytest.raises(PermissionDenied):
        _meeting(other_point, draft, coordinator)
    assert not Meeting.objects.exists()


def test_docx_notes_become_candidates_tied_to_articles(draft, point, coordinator):
    meeting = _meeting(point, draft, coordinator)
    result = services.note_upload(user=coordinator, meeting=meeting, name="纪要.docx", data=docx_bytes(NOTES))
    items = list(result.batch.items.order_by("position"))
    assert result.candidates == len(items) == 4
    assert all(i.state == ItemState.CANDIDATE and i.meeting == meeting and i.note == result.note for i in items)
    # The third paragraph mentions no article: it stays under its heading "关于第三条".
    assert [i.article.number if i.article else None for i in items] == [3, 5, 3, None]
    assert items[3].mentions == "第十二条"  # the draft has no 第十二条: kept as a general opinion, mention shown
    assert items[0].proposer_name == "王某某"
    assert MeetingNote.objects.get().candidate_count == 4


def test_notes_naming_the_draft_by_its_title_are_tied_to_its_articles(draft, point, coordinator):
    meeting = _meeting(point, draft, coordinator)
    notes = [
        "会议纪要",
        "《示例条例》第二条的期限太短，建议延长。",
        "参照《物业管理条例》第九条，建议第四条增加书面确认的规定。",
    ]
    result = services.note_upload(user=coordinator, meeting=meeting, name="纪要.docx", data=docx_bytes(notes))
    items = list(result.batch.items.order_by("position"))
    assert [(i.article.number, i.mentions) for i in items] == [(2, "第二条"), (4, "第四条")]


def test_a_pdf_note_is_kept_without_candidates_and_a_bad_file_leaves_nothing(draft, point, coordinator):
    meeting = _meeting(point, draft, coordinator)
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    result = services.note_upload(user=coordinator, meeting=meeting, name="纪要.pdf", data=pdf)
    assert result.batch is None and result.note.kind == "pdf"
    with pytest.raises(ContactPointError) as exc:
        services.note_upload(user=coordinator, meeting=meeting, name="纪要.docx", data=b"MZ\x90\x00 not a word file")
    assert "扩展名" in exc.value.messages[0] or "不支持" in exc.value.messages[0]
    assert MeetingNote.objects.count() == 1


def test_submitting_a_batch_makes_contact_point_opinions_once(draft, point, coordinator):
    meeting = _meeting(point, draft, coordinator)
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    services.batch_item_save(
        user=coordinator,
        batch=batch,
        body="建议第三条增加公示期限。",
        article_id=_article(draft, 3).pk,
        proposer_name="王某某",
        proposer_category="resident",
        meeting=meeting,
    )
    services.batch_item_save(user=coordinator, batch=batch, body="整体赞成。", article_id=None)
    counts_before = (draft.current_version.opinion_count, _article(draft, 3).opinion_count)

    first = services.batch_submit(user=coordinator, batch_id=batch.pk)
    again = services.batch_submit(user=coordinator, batch_id=batch.pk)

    assert (first.created, again.created) == (2, 0)
    opinions = Opinion.objects.order_by("pk")
    assert opinions.count() == 2
    assert {o.channel for o in opinions} == {Channel.CONTACT_POINT}
    assert {o.moderation_state for o in opinions} == {ModerationState.INTERNAL}
    assert opinions[0].article.number == 3 and opinions[0].proposer_name == "王某某" and opinions[1].article is None
    link = ContactPointOpinion.objects.get(opinion=opinions[0])
    assert (link.contact_point, link.batch, link.meeting, link.proposer_category) == (point, batch, meeting, "resident")
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED and batch.opinion_count == 2 and not batch.is_late
    draft.current_version.refresh_from_db()
    assert (draft.current_version.opinion_count, _article(draft, 3).opinion_count) == counts_before
    with pytest.raises(ContactPointError):
        services.batch_item_save(user=coordinator, batch=batch, body="晚到的意见", article_id=None)


def test_a_batch_with_unreviewed_candidates_or_no_opinions_is_not_submitted(draft, point, coordinator):
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    with pytest.raises(ContactPointError) as exc:
        services.batch_submit(user=coordinator, batch_id=batch.pk)
    assert exc.value.code == "empty"
    meeting = _meeting(point, draft, coordinator)
    services.note_upload(user=coordinator, meeting=meeting, name="n.docx", data=docx_bytes(NOTES))
    with pytest.raises(ContactPointError) as exc:
        services.batch_submit(user=coordinator, batch_id=batch.pk)
    assert exc.value.code == "pending"
    ids = list(batch.items.values_list("pk", flat=True))
    assert services.batch_items_review(user=coordinator, batch=batch, item_ids=ids[:1], action="drop") == 1
    assert services.batch_items_review(user=coordinator, batch=batch, item_ids=ids, action="accept") == 3
    assert services.batch_submit(user=coordinator, batch_id=batch.pk).created == 3


def test_a_late_batch_is_accepted_and_marked_late(draft, staff, point, coordinator):
    now = timezone.now()
    solicitation = services.solicitation_send(
        staff=staff, draft=draft, deadline=now + timedelta(hours=1), contact_points=[point]
    )
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    assert batch.solicitation == solicitation
    services.batch_item_save(user=coordinator, batch=batch, body="迟到的意见", article_id=None)
    result = services.batch_submit(user=coordinator, batch_id=batch.pk, now=now + timedelta(days=2))
    assert result.created == 1 and result.batch.is_late
    target = SolicitationTarget.objects.get()
    assert target.answered_at == now + timedelta(days=2)


def test_another_coordinator_cannot_touch_the_batch(draft, point, coordinator, intruder, other_point):
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    services.batch_item_save(user=coordinator, batch=batch, body="意见", article_id=None)
    for call in (
        lambda: services.batch_item_save(user=intruder, batch=batch, body="x", article_id=None),
        lambda: services.batch_items_review(user=intruder, batch=batch, item_ids=[], action="drop"),
        lambda: services.batch_submit(user=intruder, batch_id=batch.pk),
        lambda: services.batch_open(user=intruder, contact_point=point, draft=draft),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert batch.items.count() == 1 and not Opinion.objects.exists()


def test_an_article_of_another_version_is_refused(draft, point, coordinator, draft_index):
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    other = draft_create(index=draft_index, result=parse_text("另一条例\n\n第一条 内容。"), title="另一条例", slug="o")
    foreign = other.current_version.provisions.get(kind="article")
    with pytest.raises(ContactPointError):
        services.batch_item_save(user=coordinator, batch=batch, body="意见", article_id=foreign.pk)
    with pytest.raises(ContactPointError):
        services.batch_item_save(user=coordinator, batch=batch, body="   ", article_id=None)
    assert not batch.items.exists()


def test_a_spreadsheet_with_an_error_adds_nothing(draft, point, coordinator):
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    good = "条款,意见内容,提出人,提出人类别\n第三条,建议明确期限,王某,居民\n,整体赞成,,\n".encode()
    bad = good + "第九十九条,没有这一条,,\n".encode()
    with pytest.raises(ContactPointError) as exc:
        services.batch_import_sheet(user=coordinator, batch=batch, name="意见.csv", data=bad)
    assert any("第九十九条" in m for m in exc.value.messages)
    assert not batch.items.exists()
    assert services.batch_import_sheet(user=coordinator, batch=batch, name="意见.csv", data=good) == 2
    items = list(batch.items.order_by("position"))
    assert items[0].article.number == 3 and items[0].proposer_category == "resident" and items[1].article is None


def test_staff_acknowledge_receipt_and_the_coordinator_is_told(
    draft, staff, point, coordinator, django_capture_on_commit_callbacks
):
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    services.batch_item_save(user=coordinator, batch=batch, body="意见", article_id=None)
    services.batch_submit(user=coordinator, batch_id=batch.pk)
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        services.batches_receive(staff=coordinator, batch_ids=[batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.batches_receive(staff=staff, batch_ids=[batch.pk]) == 1
    assert services.batches_receive(staff=staff, batch_ids=[batch.pk]) == 0
    batch.refresh_from_db()
    assert batch.state == BatchState.RECEIVED and batch.received_by == staff
    assert [m.to for m in mail.outbox] == [[coordinator.email]] and "签收" in mail.outbox[0].subject


def test_statistics_and_ranking_match_independent_counts(draft, point, other_point, coordinator, intruder):
    third = ContactPointFactory(name="某律师事务所联系点")
    for who, where, bodies in ((coordinator, point, ["甲", "乙", "丙"]), (intruder, other_point, ["丁", "戊"])):
        _meeting(where, draft, who)
        batch = services.batch_open(user=who, contact_point=where, draft=draft)
        for body in bodies:
            services.batch_item_save(user=who, batch=batch, body=body, article_id=None)
        services.batch_submit(user=who, batch_id=batch.pk)
    # Staff adopt one opinion of each point: the points tie on adopted, the first wins on submitted.
    for where in (point, other_point):
        link = ContactPointOpinion.objects.filter(contact_point=where).first()
        Opinion.objects.filter(pk=link.opinion_id).update(disposition=Disposition.ADOPTED)
    stats = {s.point: s for s in selectors.point_statistics(year=timezone.localdate().year)}
    assert (stats[point].submitted, stats[point].adopted, stats[point].meetings) == (3, 1, 1)
    assert (stats[point].attendance, stats[point].drafts) == (12, 1)
    assert (stats[other_point].submitted, stats[other_point].adopted) == (2, 1)
    assert [stats[p].rank for p in (point, other_point, third)] == [1, 2, 3]
    assert stats[third].submitted == 0 and stats[third].adoption_rate is None
    assert selectors.point_statistics(year=2000)[0].submitted == 0


def test_the_same_notes_uploaded_twice_add_no_candidates_twice(draft, point, coordinator):
    meeting = _meeting(point, draft, coordinator)
    first = services.note_upload(user=coordinator, meeting=meeting, name="a.docx", data=docx_bytes(NOTES))
    second = services.note_upload(user=coordinator, meeting=meeting, name="a.docx", data=docx_bytes(NOTES))
    assert (first.candidates, second.candidates, second.repeated) == (4, 0, 4)
    assert BatchItem.objects.count() == 4 and MeetingNote.objects.count() == 2


def test_an_opinion_added_to_a_batch_that_was_submitted_meanwhile_is_refused_not_lost(draft, point, coordinator):
    """The add-while-submitting race: the page was drawn while the batch was a draft; another phone submitted
    it; the add must be refused with a message (before, it was saved into the frozen batch and never sent)."""
    batch = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    services.batch_item_save(user=coordinator, batch=batch, body="整体赞成。", article_id=None)
    seen_by_the_form = OpinionBatch.objects.get(pk=batch.pk)  # still a draft when the form was drawn
    services.batch_submit(user=coordinator, batch_id=batch.pk)
    with pytest.raises(ContactPointError, match="已经报送") as refused:
        services.batch_item_save(user=coordinator, batch=seen_by_the_form, body="补充一条。", article_id=None)
    assert "没有加入" in refused.value.messages[0]
    assert list(OpinionBatch.objects.get(pk=batch.pk).items.values_list("body", flat=True)) == ["整体赞成。"]
    with pytest.raises(ContactPointError, match="已经报送"):
        services.batch_items_review(user=coordinator, batch=seen_by_the_form, item_ids=[], action="drop")


def test_only_one_batch_is_open_per_point_and_draft(draft, point, coordinator):
    from django.db import IntegrityError, transaction

    first = services.batch_open(user=coordinator, contact_point=point, draft=draft)
    assert services.batch_open(user=coordinator, contact_point=point, draft=draft) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionBatch.objects.create(contact_point=point, draft=draft, version=first.version, created_by=coordinator)


@pytest.mark.django_db(transaction=True)
def test_pressing_new_batch_five_times_at_once_opens_one(draft, point, coordinator):
    """Five requests at once (threads with their own connections): one batch, every request gets it."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are serialised by SQLite; the race is PostgreSQL's")
    barrier, found, errors = threading.Barrier(5), [], []

    def press():
        try:
            barrier.wait(10)
            found.append(services.batch_open(user=coordinator, contact_point=point, draft=draft).pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and len(found) == 5 and len(set(found)) == 1
    assert OpinionBatch.objects.filter(contact_point=point, draft=draft, state="draft").count() == 1
