"""Referrals to departments (交办—督办—办复): services, e-mails, the inbox, the admin pages, the schedules."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django_q.models import Schedule

from cms.roles import Role
from comments.models import Channel, Disposition, ModerationState, Opinion
from contact_points.models import ContactPointOpinion
from handling.models import AppendOnlyError, HandlingAction, HandlingEvent
from handling.services import ConflictError, HandlingError
from referrals import services as referrals
from referrals.models import Referral, ReferralAction, ReferralEvent, ReferralState, Satisfaction
from referrals.selectors import redact_contact_details
from referrals.tasks import notify_referral, referrals_escalate_task, referrals_remind_task, referrals_weekly_digest
from tests.cms.test_emails import html_of
from tests.cms.test_uploads import OLE_MAGIC, _rewritten, word_file, zip_bytes
from tests.factories import ContactPointFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

CITIZEN_PHONE = "13812345678"
CITIZEN_IP = "10.9.8.7"


# Fixtures and helpers ---------------------------------------------------------------------------


@pytest.fixture
def department(db):
    return DepartmentFactory(name="市住房和城乡建设局", short_name="市住建局")


@pytest.fixture
def liaison(department):
    user = UserFactory(username="liaison1", display_name="住建局联络人", roles=[Role.LIAISON])
    department.liaisons.add(user)
    return user


@pytest.fixture
def intruder(db):
    """A liaison, but of another department."""
    other = DepartmentFactory(name="市市场监督管理局")
    user = UserFactory(username="liaison2", display_name="市监局联络人", roles=[Role.LIAISON])
    other.liaisons.add(user)
    return user


@pytest.fixture
def proposer(citizen):
    citizen.phone = CITIZEN_PHONE
    citizen.save(update_fields=["phone"])
    return citizen


@pytest.fixture
def online_opinion(draft, article, proposer):
    return Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=proposer,
        body="建议物业公开收支情况。如有疑问请打 13900001111 或写信到 zhang@example.org。",
        moderation_state=ModerationState.PUBLISHED,
        ip_address=CITIZEN_IP,
    )


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coord1", display_name="社区联络员", roles=[Role.COORDINATOR])


@pytest.fixture
def point(coordinator):
    point = ContactPointFactory(name="清波街道基层立法联系点")
    point.coordinators.add(coordinator)
    return point


@pytest.fixture
def point_opinion(draft, point):
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        channel=Channel.CONTACT_POINT,
        proposer_name="王阿姨",
        body="建议小区设立业主委员会办公场所。",
        moderation_state=ModerationState.INTERNAL,
    )
    ContactPointOpinion.objects.create(opinion=opinion, contact_point=point)
    return opinion


@pytest.fixture
def referral(staff, department, liaison, online_opinion, point_opinion, django_capture_on_commit_callbacks):
    return forward(staff, [online_opinion, point_opinion], department, django_capture_on_commit_callbacks)


def forward(staff, opinions, department, capture, days=10, instructions="请研究答复。"):
    with capture(execute=True):
        return referrals.opinions_forward(
            staff=staff,
            opinion_ids=[o.pk for o in opinions],
            department=department,
            deadline=timezone.now() + timedelta(days=days),
            instructions=instructions,
        )


def reply(liaison, referral, capture, text="已研究，将在实施细则中予以明确。", files=()):
    with capture(execute=True):
        return referrals.referral_reply(liaison=liaison, referral_id=referral.pk, text=text, files=list(files))


def review(staff, referral, capture, accept=True, note=""):
    with capture(execute=True):
        return referrals.referral_review(staff=staff, referral_id=referral.pk, accept=accept, note=note)


def close(staff, liaison, referral, capture):
    reply(liaison, referral, capture)
    return review(staff, referral, capture)


def actions(referral):
    return list(referral.events.order_by("created_at", "id").values_list("action", flat=True))


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


def everything_in(messages):
    """Subject, text, HTML and recipients of the messages, for checks of what they must never carry."""
    return "\n".join(f"{m.subject}\n{m.body}\n{html_of(m)}\n{' '.join(m.to)}" for m in messages)


# Services ---------------------------------------------------------------------------------------


def test_forward_to_an_inactive_department_is_refused(staff, department, online_opinion):
    department.is_active = False
    department.save()
    with pytest.raises(HandlingError) as exc:
        referrals.opinions_forward(
            staff=staff,
            opinion_ids=[online_opinion.pk],
            department=department,
            deadline=timezone.now() + timedelta(days=5),
        )
    assert exc.value.code == "inactive"
    assert not Referral.objects.exists()
    online_opinion.refresh_from_db()
    assert online_opinion.disposition == Disposition.UNDECIDED


def test_forward_with_a_deadline_in_the_past_is_refused(staff, department, online_opinion):
    with pytest.raises(HandlingError) as exc:
        referrals.opinions_forward(
            staff=staff,
            opinion_ids=[online_opinion.pk],
            department=department,
            deadline=timezone.now() - timedelta(minutes=1),
        )
    assert exc.value.code == "deadline"
    assert not Referral.objects.exists() and not HandlingEvent.objects.exists()


def test_full_cycle_sent_acknowledged_replied_returned_replied_closed(
    staff, liaison, referral, online_opinion, point_opinion, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert referral.state == ReferralState.SENT
    online_opinion.refresh_from_db()
    assert online_opinion.disposition == Disposition.FORWARDED and list(online_opinion.referrals.all()) == [referral]

    acknowledged = referrals.referral_acknowledge(liaison=liaison, referral_id=referral.pk)
    assert acknowledged.state == ReferralState.ACKNOWLEDGED and acknowledged.acknowledged_at is not None

    assert reply(liaison, referral, capture).state == ReferralState.REPLIED
    returned = review(staff, referral, capture, accept=False, note="答复过于笼统，请说明具体措施。")
    assert returned.state == ReferralState.ACKNOWLEDGED

    second = reply(liaison, referral, capture, text="将在实施细则第八条中规定公开收支的频次和方式。")
    assert second.state == ReferralState.REPLIED and second.reply.startswith("将在实施细则第八条")
    closed = review(staff, referral, capture)
    assert closed.state == ReferralState.CLOSED and closed.closed_at is not None

    assert actions(referral) == [
        HandlingAction.FORWARD,
        ReferralAction.ACKNOWLEDGE,
        ReferralAction.REPLY,
        ReferralAction.RETURN,
        ReferralAction.REPLY,
        ReferralAction.CLOSE,
    ]
    assert HandlingEvent.objects.filter(opinion=point_opinion, action=HandlingAction.FORWARD).count() == 1


def test_returning_a_reply_needs_a_reason(staff, liaison, referral, django_capture_on_commit_callbacks):
    reply(liaison, referral, django_capture_on_commit_callbacks)
    with pytest.raises(HandlingError) as exc:
        referrals.referral_review(staff=staff, referral_id=referral.pk, accept=False, note="  ")
    assert exc.value.code == "reason"
    referral.refresh_from_db()
    assert referral.state == ReferralState.REPLIED


def test_reply_after_closing_is_refused(staff, liaison, referral, django_capture_on_commit_callbacks):
    close(staff, liaison, referral, django_capture_on_commit_callbacks)
    with pytest.raises(HandlingError) as exc:
        referrals.referral_reply(liaison=liaison, referral_id=referral.pk, text="补充答复")
    assert exc.value.code == "closed"
    referral.refresh_from_db()
    assert referral.state == ReferralState.CLOSED and referral.reply == "已研究，将在实施细则中予以明确。"


def test_only_the_departments_liaisons_may_act(referral, intruder, staff):
    for call in (
        lambda: referrals.referral_acknowledge(liaison=intruder, referral_id=referral.pk),
        lambda: referrals.referral_reply(liaison=intruder, referral_id=referral.pk, text="冒名答复"),
        lambda: referrals.referral_request_extension(
            liaison=intruder, referral_id=referral.pk, until=referral.deadline + timedelta(days=5), reason="忙"
        ),
        lambda: referrals.referral_acknowledge(liaison=staff, referral_id=referral.pk),
    ):
        with pytest.raises(PermissionDenied):
            call()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and actions(referral) == [HandlingAction.FORWARD]


def test_granted_extension_moves_the_deadline_and_a_refused_one_does_not(
    staff, liaison, referral, django_capture_on_commit_callbacks
):
    old = referral.deadline
    until = old + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_request_extension(
            liaison=liaison, referral_id=referral.pk, until=until, reason="需会同区县调研"
        )
    granted = referrals.referral_decide_extension(staff=staff, referral_id=referral.pk, grant=True)
    assert granted.deadline == until and granted.extension_until is None

    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_request_extension(
            liaison=liaison, referral_id=referral.pk, until=until + timedelta(days=30), reason="还要再调研"
        )
    refused = referrals.referral_decide_extension(staff=staff, referral_id=referral.pk, grant=False)
    assert refused.deadline == until and refused.extension_until is None
    assert actions(referral)[1:] == [
        ReferralAction.EXTEND,
        ReferralAction.EXTENSION,
        ReferralAction.EXTEND,
        ReferralAction.EXTENSION,
    ]
    assert referral.events.order_by("-id").first().reason.startswith("不同意延期")


def test_extension_must_end_after_the_current_deadline(liaison, referral):
    with pytest.raises(HandlingError) as exc:
        referrals.referral_request_extension(
            liaison=liaison, referral_id=referral.pk, until=referral.deadline - timedelta(days=1), reason="忙"
        )
    assert exc.value.code == "until"


def test_rating_by_a_stranger_is_refused(staff, liaison, referral, other, django_capture_on_commit_callbacks):
    close(staff, liaison, referral, django_capture_on_commit_callbacks)
    assert not other.has_perm("referrals.rate_referral", referral)
    with pytest.raises(PermissionDenied):
        referrals.referral_rate(user=other, referral_id=referral.pk, rating=Satisfaction.UNSATISFIED)
    referral.refresh_from_db()
    assert referral.rating == "" and referral.state == ReferralState.CLOSED


def test_rating_waits_for_the_referral_to_be_closed(proposer, referral):
    with pytest.raises(HandlingError) as exc:
        referrals.referral_rate(user=proposer, referral_id=referral.pk, rating=Satisfaction.SATISFIED)
    assert exc.value.code == "state"


def test_first_unsatisfied_reopens_with_a_later_deadline_and_the_second_does_not(
    staff, liaison, referral, proposer, coordinator, settings, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    close(staff, liaison, referral, capture)
    before = Referral.objects.get(pk=referral.pk).deadline
    with capture(execute=True):
        reopened = referrals.referral_rate(
            user=proposer, referral_id=referral.pk, rating=Satisfaction.UNSATISFIED, comment="没有具体措施"
        )
    assert reopened.state == ReferralState.ACKNOWLEDGED and reopened.reopened
    assert reopened.deadline >= before + timedelta(days=settings.REFERRAL_REOPEN_DAYS)
    assert reopened.closed_at is None

    close(staff, liaison, referral, capture)
    again = referrals.referral_rate(user=coordinator, referral_id=referral.pk, rating=Satisfaction.UNSATISFIED)
    assert again.state == ReferralState.CLOSED and again.rating == Satisfaction.UNSATISFIED
    with pytest.raises(HandlingError) as exc:
        referrals.referral_rate(user=proposer, referral_id=referral.pk, rating=Satisfaction.SATISFIED)
    assert exc.value.code == "rated"
    assert actions(referral)[-2:] == [ReferralAction.CLOSE, ReferralAction.RATE]
    assert ReferralAction.REOPEN in actions(referral)


def test_a_satisfied_rating_closes_for_good(staff, liaison, referral, proposer, django_capture_on_commit_callbacks):
    close(staff, liaison, referral, django_capture_on_commit_callbacks)
    rated = referrals.referral_rate(user=proposer, referral_id=referral.pk, rating=Satisfaction.SATISFIED)
    assert rated.state == ReferralState.CLOSED and not rated.reopened
    with pytest.raises(HandlingError):
        referrals.referral_rate(user=proposer, referral_id=referral.pk, rating=Satisfaction.UNSATISFIED)


def test_reminder_fires_once_three_days_before_the_deadline(liaison, referral):
    mail.outbox.clear()
    deadline = referral.deadline
    assert referrals.referrals_remind(now=deadline - timedelta(days=4)) == 0
    assert referrals.referrals_remind(now=deadline - timedelta(days=2, hours=23)) == 1
    assert referrals.referrals_remind(now=deadline - timedelta(days=2)) == 0
    assert referrals.referrals_remind(now=deadline - timedelta(hours=1)) == 0
    reminders = sent_to(liaison.email)
    assert len(reminders) == 1 and "三天内到期" in reminders[0].subject


def test_escalation_fires_once_a_day_while_overdue(staff, liaison, referral, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    deadline = referral.deadline
    assert referrals.referrals_escalate(now=deadline - timedelta(hours=1)) == 0
    assert referrals.referrals_escalate(now=deadline + timedelta(hours=1)) == 1
    assert referrals.referrals_escalate(now=deadline + timedelta(hours=5)) == 0
    assert referrals.referrals_escalate(now=deadline + timedelta(days=1, hours=1)) == 1
    assert len(sent_to(liaison.email)) == 2 and len(sent_to(staff.email)) == 2
    close(staff, liaison, referral, django_capture_on_commit_callbacks)
    assert referrals.referrals_escalate(now=deadline + timedelta(days=3)) == 0


def test_scheduled_tasks_call_the_services(referral):
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() + timedelta(days=2))
    assert referrals_remind_task() == 1 and referrals_remind_task() == 0
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert referrals_escalate_task() == 1 and referrals_escalate_task() == 0


def test_every_change_leaves_a_handling_event(staff, liaison, referral, proposer, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    steps = [
        lambda: referrals.referral_acknowledge(liaison=liaison, referral_id=referral.pk),
        lambda: referrals.referral_request_extension(
            liaison=liaison, referral_id=referral.pk, until=referral.deadline + timedelta(days=3), reason="调研"
        ),
        lambda: referrals.referral_decide_extension(staff=staff, referral_id=referral.pk, grant=True),
        lambda: referrals.referral_reply(liaison=liaison, referral_id=referral.pk, text="答复"),
        lambda: referrals.referral_review(staff=staff, referral_id=referral.pk, accept=True),
        lambda: referrals.referral_rate(user=proposer, referral_id=referral.pk, rating=Satisfaction.BASICALLY),
    ]
    for step in steps:
        count = referral.events.count()
        revision = Referral.objects.get(pk=referral.pk).revision
        with capture(execute=True):
            step()
        assert referral.events.count() == count + 1
        assert referral.events.order_by("-id").first().actor is not None
        assert Referral.objects.get(pk=referral.pk).revision == revision + 1


def test_an_extension_request_records_the_date_asked_for(liaison, referral):
    until = referral.deadline + timedelta(days=3)
    referrals.referral_request_extension(liaison=liaison, referral_id=referral.pk, until=until, reason="调研")
    event = referral.events.order_by("-id").first()
    assert event.after != event.before


def test_acknowledging_twice_changes_nothing(liaison, referral):
    referrals.referral_acknowledge(liaison=liaison, referral_id=referral.pk)
    referrals.referral_acknowledge(liaison=liaison, referral_id=referral.pk)
    assert actions(referral) == [HandlingAction.FORWARD, ReferralAction.ACKNOWLEDGE]


def test_handling_events_cannot_be_changed_or_deleted(referral):
    event = referral.events.get()
    event.reason = "改写历史"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert referral.events.get().reason == "请研究答复。"


# E-mails ----------------------------------------------------------------------------------------


def test_new_referral_mail_goes_to_each_liaison_without_proposer_contact_data(
    staff, department, liaison, proposer, online_opinion, point_opinion, django_capture_on_commit_callbacks
):
    second = UserFactory(username="liaison3", roles=[Role.LIAISON])
    gone = UserFactory(username="liaison4", roles=[Role.LIAISON], is_active=False)
    department.liaisons.add(second, gone)
    mail.outbox.clear()
    referral = forward(staff, [online_opinion, point_opinion], department, django_capture_on_commit_callbacks)

    to_department = [m for m in mail.outbox if "新的转办件" in m.subject]
    assert sorted(m.to[0] for m in to_department) == [liaison.email, second.email]
    assert all(len(m.to) == 1 for m in to_department)  # one liaison never sees another's address
    text = everything_in(to_department)
    assert f"/referrals/{referral.pk}/" in text and "2 条意见" in text and "请研究答复。" in text
    for secret in (proposer.email, CITIZEN_PHONE, proposer.username, proposer.display_name, CITIZEN_IP, "13900001111"):
        assert secret not in text
    assert online_opinion.body not in text and "王阿姨" not in text


def test_mail_to_departments_never_carries_proposer_contact_data(
    staff, liaison, referral, proposer, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    Referral.objects.filter(pk=referral.pk).update(escalated_at=None)
    for event in ("sent", "reminder", "overdue", "returned"):
        notify_referral(referral.pk, event)
    close(staff, liaison, referral, capture)
    with capture(execute=True):
        referrals.referral_rate(
            user=proposer, referral_id=referral.pk, rating=Satisfaction.UNSATISFIED, comment=f"请回电 {CITIZEN_PHONE}"
        )
    text = everything_in(sent_to(liaison.email))
    assert "重新办理" in text
    for secret in (proposer.email, CITIZEN_PHONE, proposer.username, proposer.display_name, CITIZEN_IP):
        assert secret not in text


def test_reply_and_extension_request_are_mailed_to_the_staff_member_who_forwarded(
    staff, liaison, referral, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_request_extension(
            liaison=liaison, referral_id=referral.pk, until=referral.deadline + timedelta(days=5), reason="需要调研"
        )
    reply(liaison, referral, django_capture_on_commit_callbacks, files=[("方案.pdf", b"%PDF-1.4")])
    assert [m.to for m in mail.outbox] == [[staff.email], [staff.email]]
    assert "申请延期" in mail.outbox[0].subject and "需要调研" in mail.outbox[0].body
    assert "已答复" in mail.outbox[1].subject and "附件 1 个" in mail.outbox[1].body
    assert f"/admin/referrals/{referral.pk}/" in mail.outbox[1].body


def test_overdue_mail_goes_to_the_liaisons_and_the_staff_member(staff, liaison, referral):
    mail.outbox.clear()
    assert notify_referral(referral.pk, "overdue") == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, liaison.email])
    assert f"/referrals/{referral.pk}/" in sent_to(liaison.email)[0].body
    assert f"/admin/referrals/{referral.pk}/" in sent_to(staff.email)[0].body


def test_returned_mail_tells_the_department_why(staff, liaison, referral, django_capture_on_commit_callbacks):
    reply(liaison, referral, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    review(staff, referral, django_capture_on_commit_callbacks, accept=False, note="请补充时间表。")
    (message,) = mail.outbox
    assert message.to == [liaison.email] and "退回" in message.subject and "请补充时间表。" in message.body


def test_closing_invites_online_authors_and_coordinators_to_rate(
    staff, liaison, referral, proposer, coordinator, point, django_capture_on_commit_callbacks
):
    reply(liaison, referral, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    review(staff, referral, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([proposer.email, coordinator.email])
    to_citizen, to_coordinator = sent_to(proposer.email)[0], sent_to(coordinator.email)[0]
    assert f"/referrals/{referral.pk}/rate/" in to_citizen.body and "/my/opinions/" in to_citizen.body
    assert f"/referrals/{referral.pk}/rate/" in to_coordinator.body
    assert f"/workspace/{point.pk}/feedback/" in to_coordinator.body and "贵联系点" in to_coordinator.body
    assert "已研究，将在实施细则中予以明确。" in to_citizen.body
    assert liaison.email not in everything_in(mail.outbox)


REFERRAL_SUBJECTS = {
    "sent": "新的转办件：",
    "reminder": "转办件三天内到期：",
    "overdue": "转办件已逾期：",
    "returned": "转办件答复被退回重办：",
    "reopened": "意见提出人对办理结果不满意，请重新办理：",
    "replied": "市住建局已答复转办件：",
    "extension": "市住建局申请延期：",
    "closed": "您的意见已办结，欢迎评价：",
}


def test_every_referral_message_is_in_chinese_with_its_links_in_both_bodies(
    draft, referral, staff, liaison, proposer, coordinator
):
    mail.outbox.clear()
    with translation.override("en"):  # a task runs in the site language, whatever is active
        for event in REFERRAL_SUBJECTS:
            assert notify_referral(referral.pk, event) >= 1
    for event, words in REFERRAL_SUBJECTS.items():
        messages = [m for m in mail.outbox if m.subject.startswith(f"{settings.EMAIL_SUBJECT_PREFIX}{words}")]
        assert messages, event
        for message in messages:
            assert message.subject.endswith(f"《{draft.title}》") and len(message.to) == 1
            assert "您好" in message.body and "请勿直接回复" in message.body
            html = html_of(message)
            links = re.findall(r"https?://\S+", message.body)
            assert links and all(f'href="{link}"' in html for link in links), event
            assert "您好" in html and draft.title in html
    assert len(mail.outbox) == sum(
        len([m for m in mail.outbox if words in m.subject]) for words in REFERRAL_SUBJECTS.values()
    )


def test_the_weekly_digest_has_a_table_of_departments_in_its_html(staff, referral, department):
    mail.outbox.clear()
    assert referrals_weekly_digest() == 1
    (message,) = mail.outbox
    assert message.subject == f"{settings.EMAIL_SUBJECT_PREFIX}转办督办周报"
    html = html_of(message)
    assert '<th scope="row">市住房和城乡建设局</th><td>1</td><td>0</td><td>0</td><td>0</td>' in html
    assert f'href="{settings.BASE_URL}/admin/referrals/' in html


def test_notify_referral_counts_addresses_and_skips_people_without_one(referral, liaison, department):
    department.liaisons.add(UserFactory(username="nomail", email=""))
    assert notify_referral(referral.pk, "sent") == 1
    assert notify_referral(referral.pk, "no-such-event") == 0
    assert notify_referral(999999, "sent") == 0


def test_weekly_digest_goes_to_active_staff_with_counts_per_department(
    staff, liaison, referral, department, django_capture_on_commit_callbacks
):
    UserFactory(username="staff-gone", roles=[Role.STAFF], is_active=False)
    colleague = UserFactory(username="staff2", roles=[Role.STAFF])
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - timedelta(days=1))
    mail.outbox.clear()
    assert referrals_weekly_digest() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, colleague.email])
    body = mail.outbox[0].body
    assert "市住房和城乡建设局：办理中 1，逾期 1，待审核 0，本周办结 0" in body
    assert "/admin/referrals/" in body
    assert liaison.email not in everything_in(mail.outbox)


def test_weekly_digest_is_not_sent_in_a_week_with_nothing_to_report(staff, department):
    assert referrals_weekly_digest() == 0
    assert mail.outbox == []


# The department's inbox -------------------------------------------------------------------------


def referral_urls(referral, attachment_id):
    return {
        "get": [
            f"/referrals/{referral.pk}/",
            f"/referrals/{referral.pk}/attachments/{attachment_id}/",
            f"/referrals/{referral.pk}/rate/",
        ],
        "post": [
            (f"/referrals/{referral.pk}/acknowledge/", {}),
            (f"/referrals/{referral.pk}/reply/", {"text": "冒名答复", "revision": referral.revision}),
            (f"/referrals/{referral.pk}/extension/", {"until": "2099-01-01", "reason": "冒名延期"}),
            (f"/referrals/{referral.pk}/rate/", {"rating": Satisfaction.UNSATISFIED}),
        ],
    }


def test_a_liaison_of_another_department_gets_404_everywhere_and_changes_nothing(
    client, intruder, liaison, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_request_extension(
            liaison=liaison, referral_id=referral.pk, until=referral.deadline + timedelta(days=2), reason="调研"
        )
    reply(liaison, referral, django_capture_on_commit_callbacks, files=[("答复.pdf", b"%PDF-1.4")])
    referral.refresh_from_db()
    attachment = referral.attachments.get()
    before = (referral.state, referral.revision, referral.reply, referral.rating, referral.extension_until)
    events = referral.events.count()

    client.force_login(intruder)
    urls = referral_urls(referral, attachment.pk)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url, data in urls["post"]:
        assert client.post(url, data).status_code == 404, url
    inbox = client.get("/referrals/?show=open")
    assert inbox.status_code == 200 and referral.draft.title not in inbox.content.decode()

    referral.refresh_from_db()
    assert (referral.state, referral.revision, referral.reply, referral.rating, referral.extension_until) == before
    assert referral.events.count() == events and referral.attachments.count() == 1


def test_inbox_needs_a_login(client, referral):
    response = client.get(f"/referrals/{referral.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_liaison_inbox_filters_open_overdue_and_closed(client, liaison, referral, staff, department, online_opinion):
    client.force_login(liaison)
    assert referral.draft.title in client.get("/referrals/").content.decode()
    assert referral.draft.title not in client.get("/referrals/?show=overdue").content.decode()
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - timedelta(hours=1))
    page = client.get("/referrals/?show=overdue")
    assert page.context["counts"] == {"open": 1, "overdue": 1, "closed": 0}
    assert "已逾期" in page.content.decode() and referral.draft.title in page.content.decode()
    assert referral.draft.title not in client.get("/referrals/?show=closed").content.decode()


def test_the_inbox_says_what_each_referral_is_about(
    client, liaison, referral, online_opinion, staff, department, django_capture_on_commit_callbacks
):
    """Two referrals on one draft differ by more than a date: the articles and the start of an opinion."""
    client.force_login(liaison)
    html = client.get("/referrals/").content.decode()
    assert "整体意见、第五条" in html and "建议小区设立业主委员会办公场所" in html
    another = Opinion.objects.create(
        draft=online_opinion.draft,
        version=online_opinion.version,
        article=online_opinion.article,
        body="停车费标准请公开，联系电话 13900002222。",
        moderation_state=ModerationState.PUBLISHED,
    )
    alone = forward(staff, [another], department, django_capture_on_commit_callbacks)
    html = client.get("/referrals/").content.decode()
    assert f'href="/referrals/{alone.pk}/"' in html and "停车费标准请公开，联系电话 （已隐去）" in html
    assert "13900002222" not in html


def test_liaison_reads_the_opinions_but_not_who_posted_them(client, liaison, referral, proposer, online_opinion):
    client.force_login(liaison)
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "建议物业公开收支情况。" in html and "建议小区设立业主委员会办公场所。" in html
    assert "第五条" in html and referral.draft.title in html
    assert "网上征求意见" in html and "基层立法联系点" in html and "王阿姨" in html
    assert "请研究答复。" in html and "转办" in html  # instructions and the history
    for secret in (proposer.email, CITIZEN_PHONE, proposer.username, proposer.display_name, CITIZEN_IP):
        assert secret not in html
    # What the proposer typed into the text is blanked out too.
    assert "13900001111" not in html and "zhang@example.org" not in html and "（已隐去）" in html


def test_redaction_keeps_the_rest_of_the_text():
    text = "第十二条第二款，罚款2000元；电话 021-12345678，身份证 11010519491231002X，邮箱 a.b@c.cn。"
    assert (
        redact_contact_details(text)
        == "第十二条第二款，罚款2000元；电话 （已隐去），身份证 （已隐去），邮箱 （已隐去）。"
    )


def test_liaison_acknowledges_then_replies_with_two_attachments_through_the_form(
    client, liaison, staff, referral, proposer, django_capture_on_commit_callbacks
):
    client.force_login(liaison)
    client.post(f"/referrals/{referral.pk}/acknowledge/")
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACKNOWLEDGED
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'type="file"' in page and "multiple" in page and 'name="revision"' in page

    files = [
        SimpleUploadedFile("办理方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf"),
        SimpleUploadedFile("调研报告.docx", word_file("调研报告"), content_type="application/octet-stream"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/referrals/{referral.pk}/reply/",
            {"text": "已制定公开收支的办理方案。", "files": files, "revision": referral.revision},
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.REPLIED and referral.reply == "已制定公开收支的办理方案。"
    names = sorted(a.original_name for a in referral.attachments.all())
    assert names == ["办理方案.pdf", "调研报告.docx"]

    attachment = referral.attachments.get(original_name="办理方案.pdf")
    download = client.get(f"/referrals/{referral.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 plan"
    assert "attachment" in download["Content-Disposition"]
    client.force_login(staff)
    assert client.get(f"/referrals/{referral.pk}/attachments/{attachment.pk}/").status_code == 200
    client.force_login(proposer)  # the proposer, only once the reply is accepted
    assert client.get(f"/referrals/{referral.pk}/attachments/{attachment.pk}/").status_code == 404


def test_reply_form_refuses_more_than_ten_files_and_keeps_the_text(client, liaison, referral):
    client.force_login(liaison)
    files = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(11)]
    response = client.post(
        f"/referrals/{referral.pk}/reply/", {"text": "答复内容保留", "files": files, "revision": referral.revision}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "附件最多 10 个。" in html and "答复内容保留" in html
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and not referral.attachments.exists()


def test_reply_over_a_change_not_seen_is_a_conflict(client, liaison, referral):
    client.force_login(liaison)
    stale = referral.revision
    referrals.referral_acknowledge(liaison=liaison, referral_id=referral.pk)  # e.g. a colleague, meanwhile
    response = client.post(f"/referrals/{referral.pk}/reply/", {"text": "我的答复", "revision": stale})
    assert response.status_code == 200
    html = response.content.decode()
    assert "在您打开后已有变化" in html and "我的答复" in html
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACKNOWLEDGED and referral.reply == ""
    assert response.context["reply_form"]["revision"].value() == referral.revision
    with pytest.raises(ConflictError):
        referrals.referral_reply(liaison=liaison, referral_id=referral.pk, text="x", revision=stale)


def test_extension_request_through_the_form_then_granted_in_the_admin(
    client, liaison, staff, referral, django_capture_on_commit_callbacks
):
    client.force_login(liaison)
    until = (timezone.localtime(referral.deadline) + timedelta(days=10)).date()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/referrals/{referral.pk}/extension/", {"until": until.isoformat(), "reason": "需调研"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert timezone.localtime(referral.extension_until).date() == until

    client.force_login(staff)
    page = client.get(f"/admin/referrals/{referral.pk}/").content.decode()
    assert "需调研" in page and "同意延期" in page
    client.post(f"/admin/referrals/{referral.pk}/", {"action": "grant"})
    referral.refresh_from_db()
    assert timezone.localtime(referral.deadline).date() == until and referral.extension_until is None


def test_extension_to_a_past_date_is_refused_in_the_form(client, liaison, referral):
    client.force_login(liaison)
    response = client.post(f"/referrals/{referral.pk}/extension/", {"until": "2000-01-01", "reason": "忙"})
    assert response.status_code == 200 and "请选择今天以后的日期。" in response.content.decode()
    referral.refresh_from_db()
    assert referral.extension_until is None


# Staff in the admin -----------------------------------------------------------------------------


def test_staff_accept_a_reply_through_the_admin_page(
    client, staff, liaison, referral, proposer, django_capture_on_commit_callbacks
):
    reply(liaison, referral, django_capture_on_commit_callbacks)
    referral.refresh_from_db()
    client.force_login(staff)
    page = client.get(f"/admin/referrals/{referral.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "已研究，将在实施细则中予以明确。" in html and "办结" in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/referrals/{referral.pk}/", {"action": "accept", "note": "", "revision": referral.revision}
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.CLOSED
    assert referral.events.order_by("-id").first().actor == staff
    assert sent_to(proposer.email)


def test_staff_return_without_a_note_is_refused_and_with_one_goes_back(
    client, staff, liaison, referral, django_capture_on_commit_callbacks
):
    reply(liaison, referral, django_capture_on_commit_callbacks)
    referral.refresh_from_db()
    client.force_login(staff)
    url = f"/admin/referrals/{referral.pk}/"
    refused = client.post(url, {"action": "return", "revision": referral.revision}, follow=True)
    assert "退回重办时请写明理由。" in refused.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.REPLIED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "return", "note": "请补充时间表。", "revision": referral.revision})
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.ACKNOWLEDGED


def test_admin_pages_are_for_staff_only(client, liaison, moderator, referral, django_capture_on_commit_callbacks):
    reply(liaison, referral, django_capture_on_commit_callbacks)
    for user in (liaison, moderator):  # no admin access at all / admin access without the permission
        client.force_login(user)
        for url in ("/admin/referrals/", f"/admin/referrals/{referral.pk}/"):
            assert client.get(url).status_code in (302, 403), (user, url)
        client.post(f"/admin/referrals/{referral.pk}/", {"action": "accept"})
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.REPLIED


def test_oversight_board_counts_per_department(
    client, staff, department, liaison, referral, online_opinion, draft, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    opinions = [
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            body=f"意见{n}",
            channel=Channel.LETTER,
            moderation_state=ModerationState.INTERNAL,
        )
        for n in range(3)
    ]
    overdue, to_review, done = (forward(staff, [o], department, capture) for o in opinions)
    Referral.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - timedelta(days=2))
    reply(liaison, to_review, capture)
    close(staff, liaison, done, capture)
    Referral.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(days=4))
    DepartmentFactory(name="未接转办的局")

    client.force_login(staff)
    page = client.get("/admin/referrals/")
    assert page.status_code == 200
    row = next(r for r in page.context["rows"] if r.department == department)
    assert (row.open, row.overdue, row.awaiting_review, row.closed, row.closed_recently) == (3, 1, 1, 1, 1)
    assert row.average_reply_days is not None and 1.9 < row.average_reply_days < 2.1  # (0 + 4) / 2 days
    assert [r.pk for r in page.context["overdue"]] == [overdue.pk]
    html = page.content.decode()
    assert "督办看板" in html and "未接转办的局" in html
    filtered = client.get(f"/admin/referrals/?department={department.pk}&show=review")
    assert [r.pk for r in filtered.context["page_obj"].object_list] == [to_review.pk]


# The proposers' rating page ---------------------------------------------------------------------


def test_rating_page_shows_the_reply_and_takes_the_rating(
    client, staff, liaison, referral, proposer, other, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    client.force_login(proposer)
    waiting = client.get(f"/referrals/{referral.pk}/rate/")
    assert waiting.status_code == 200 and waiting.context["form"] is None
    assert "建议物业公开收支情况。" in waiting.content.decode()
    assert "建议小区设立业主委员会办公场所。" not in waiting.content.decode()  # another proposer's opinion

    reply(liaison, referral, capture, files=[("方案.pdf", b"%PDF-1.4")])
    review(staff, referral, capture)
    page = client.get(f"/referrals/{referral.pk}/rate/")
    html = page.content.decode()
    attachment = referral.attachments.get()
    assert "已研究，将在实施细则中予以明确。" in html and f"/attachments/{attachment.pk}/" in html
    assert page.context["form"] is not None
    assert client.get(f"/referrals/{referral.pk}/attachments/{attachment.pk}/").status_code == 200

    response = client.post(f"/referrals/{referral.pk}/rate/", {"rating": Satisfaction.BASICALLY, "comment": "还行"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.rating == Satisfaction.BASICALLY and referral.rating_comment == "还行"
    assert client.get(f"/referrals/{referral.pk}/rate/").context["form"] is None

    client.force_login(other)
    assert client.get(f"/referrals/{referral.pk}/rate/").status_code == 404


def test_coordinator_rates_unsatisfied_through_the_form_and_it_reopens(
    client, staff, liaison, referral, coordinator, django_capture_on_commit_callbacks
):
    close(staff, liaison, referral, django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/referrals/{referral.pk}/rate/", {"rating": Satisfaction.UNSATISFIED}, follow=True)
    assert "重新办理" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACKNOWLEDGED and referral.reopened
    assert [m.to for m in mail.outbox] == [[liaison.email]]


# Schedules --------------------------------------------------------------------------------------


def test_schedules_exist_after_migrate_and_adding_them_again_changes_nothing():
    migration = importlib.import_module("comments.migrations.0008_referral_schedules")
    expected = {
        "referrals.tasks.referrals_remind_task": Schedule.DAILY,
        "referrals.tasks.referrals_escalate_task": Schedule.DAILY,
        "referrals.tasks.referrals_weekly_digest": Schedule.WEEKLY,
    }
    found = dict(Schedule.objects.filter(func__in=expected).values_list("func", "schedule_type"))
    assert found == expected
    migration.add_schedules(django_apps, None)
    assert Schedule.objects.filter(func__in=expected).count() == 3
    migration.remove_schedules(django_apps, None)
    assert not Schedule.objects.filter(func__in=expected).exists()


def test_handling_events_cannot_be_updated_in_bulk_nor_lost_with_their_opinion(liaison, referral):
    from django.db.models import ProtectedError

    with pytest.raises(AppendOnlyError):
        ReferralEvent.objects.filter(referral=referral).update(reason="篡改")
    opinion = referral.opinions.first()
    with pytest.raises(ProtectedError):
        opinion.delete()


def test_an_extension_cannot_be_asked_for_a_past_date_nor_decided_once_replied(liaison, referral, staff):
    with pytest.raises(HandlingError):
        referrals.referral_request_extension(
            liaison=liaison, referral_id=referral.pk, until=timezone.now() - timedelta(days=1), reason="调研"
        )
    referrals.referral_request_extension(
        liaison=liaison, referral_id=referral.pk, until=referral.deadline + timedelta(days=5), reason="调研"
    )
    referrals.referral_reply(liaison=liaison, referral_id=referral.pk, text="已研究，答复如下。")
    with pytest.raises(HandlingError):
        referrals.referral_decide_extension(staff=staff, referral_id=referral.pk, grant=True)


def test_the_adoption_table_carries_the_departments_closing_reply(
    staff, liaison, referral, online_opinion, django_capture_on_commit_callbacks
):
    from handling import exports

    before = {row.body: row.reason for row in exports.adoption_rows(referral.draft_id)}
    assert not any("答复" in reason for reason in before.values())
    reply(liaison, referral, django_capture_on_commit_callbacks, text="已研究，将在实施细则中明确。电话 13900003333。")
    review(staff, referral, django_capture_on_commit_callbacks)
    rows = {row.body: row.reason for row in exports.adoption_rows(referral.draft_id)}
    reason = rows[online_opinion.body]
    assert "市住房和城乡建设局答复（" in reason and "办结）：已研究，将在实施细则中明确。" in reason
    assert "13900003333" not in reason


@pytest.mark.parametrize(
    "written",
    ["139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "+8613912345678", "0086-139-1234-5678", "139 1234 5678。"],
)
def test_redaction_catches_mobiles_written_with_spaces_dashes_and_country_code(written):
    redacted = redact_contact_details(f"联系我：{written}")
    assert redacted.startswith("联系我：（已隐去）") and not any(ch.isdigit() for ch in redacted)


def test_an_attachment_download_is_recorded_in_the_access_audit(client, liaison, referral):
    from django.core.files.base import ContentFile

    from cms.models import AccessEvent, AccessEventKind
    from referrals.models import ReferralAttachment

    item = ReferralAttachment(referral=referral, original_name="办理方案.pdf", size=4, uploaded_by=liaison)
    item.file.save("plan.pdf", ContentFile(b"%PDF"), save=True)
    client.force_login(liaison)
    assert client.get(f"/referrals/{referral.pk}/attachments/{item.pk}/").status_code == 200
    (event,) = AccessEvent.objects.filter(kind=AccessEventKind.ATTACHMENT_DOWNLOAD)
    assert event.user_id == liaison.pk and event.object_repr == "办理方案.pdf" and event.object_id == str(item.pk)


@pytest.mark.parametrize(
    "written",
    [
        "0571 8765 4321",
        "0571-8765-4321",
        "(0571)87654321",
        "（0571）87654321",
        "+86 571 8765 4321",
        "0086-571-87654321",
        "330102 19900101 123X",
    ],
)
def test_redaction_catches_landlines_and_grouped_id_numbers(written):
    """Found by the probe (tests/probe/test_redaction.py): these spellings reached a liaison and search."""
    redacted = redact_contact_details(f"联系我：{written}。")
    assert redacted == "联系我：（已隐去）。"


def test_redaction_leaves_dates_times_and_short_numbers():
    text = "2026-12-05 10:30 第12条 共计100元 编号 12345678"
    assert redact_contact_details(text) == text


def test_liaison_does_not_see_contact_details_in_a_proposers_name(client, liaison, referral, point_opinion):
    """A proposer's name is typed by a coordinator or read from notes: the referral page blanks what it carries."""
    Opinion.objects.filter(pk=point_opinion.pk).update(proposer_name="王阿姨 0571-8765-4321 wang@example.com")
    client.force_login(liaison)
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "王阿姨 （已隐去） （已隐去）" in html
    assert "8765" not in html and "wang@example.com" not in html


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("方案.docx", _rewritten(word_file(), lambda m: {**m, "word/vbaProject.bin": OLE_MAGIC + bytes(600)}), "宏"),
        ("方案.docx", zip_bytes({"word/document.xml": bytes(8 * 1024 * 1024), "[Content_Types].xml": b""}), "附件"),
        ("方案.pdf", word_file(), "扩展名"),
    ],
)
def test_a_hostile_attachment_is_refused_and_nothing_is_saved(
    client, liaison, referral, name, data, words, django_capture_on_commit_callbacks
):
    """Found by the probe (tests/probe/test_uploads.py): a macro .docx, a zip bomb or a disguised file was kept
    as an attachment that staff would open."""
    client.force_login(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/referrals/{referral.pk}/reply/",
            {"text": "答复。", "files": [SimpleUploadedFile(name, data)], "revision": referral.revision},
            follow=True,
        )
    html = response.content.decode()
    assert f"附件“{name}”" in html and words in html
    referral.refresh_from_db()
    assert referral.state != ReferralState.REPLIED and not referral.attachments.exists()
