"""The audit trails in Wagtail's site history (cms.audit): each moderation, handling and referral event gets a
log entry, in the same transaction, with a Chinese label, so that one admin screen answers who did what, when."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms import audit
from comments import services as comments
from comments.models import Disposition, ModerationEvent, ModerationState, Opinion
from handling import services as handling
from handling.models import HandlingEvent
from referrals import services as referrals
from referrals.models import ReferralEvent
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _opinions(draft, article, author, n, state=ModerationState.PUBLISHED):
    return Opinion.objects.bulk_create(
        Opinion(
            draft=draft,
            version=draft.current_version,
            article=article,
            author=author,
            body=f"意见{i}",
            moderation_state=state,
        )
        for i in range(n)
    )


def _entries(instance):
    return list(ModelLogEntry.objects.for_instance(instance).order_by("timestamp", "id"))


def test_moderation_handling_and_referral_steps_are_in_the_site_history_in_chinese(
    client, draft, article, citizen, moderator, staff
):
    (pending,) = _opinions(draft, article, citizen, 1, ModerationState.PENDING)
    comments.opinions_moderate(moderator=moderator, opinion_ids=[pending.pk], action="publish")
    handling.opinions_dispose(
        staff=staff, opinion_ids=[pending.pk], disposition=Disposition.NOT_ADOPTED, reason="上位法已有规定"
    )
    handling.opinions_dispose(staff=staff, opinion_ids=[pending.pk], disposition=Disposition.UNDECIDED)
    department = DepartmentFactory(name="市住房和城乡建设局")
    referral = referrals.opinions_forward(
        staff=staff, opinion_ids=[pending.pk], department=department, deadline=timezone.now() + timedelta(days=9)
    )

    moderated, disposed, reopened, forwarded = _entries(pending)
    title = f"《{draft.title}》第 {pending.pk} 号意见"
    assert {e.label for e in (moderated, disposed, reopened, forwarded)} == {title}
    assert (moderated.action, moderated.user, moderated.message) == (
        "comments.moderation.published",
        moderator,
        "意见审核：已发布（审核状态：待审核 → 已发布）",
    )
    assert (disposed.action, disposed.user) == ("handling.dispose", staff)
    assert disposed.message == "意见处理：处理（处理情况：待处理 → 未采纳；理由：上位法已有规定）"
    assert disposed.data["event"] == HandlingEvent.objects.filter(opinion=pending).order_by("id").first().pk
    assert reopened.message.startswith("意见处理：处理（处理情况：未采纳 → 待处理")
    assert forwarded.action == "handling.forward" and "处理情况：待处理 → 转为法规实施监督建议" in forwarded.message
    (sent,) = _entries(referral)
    assert (sent.action, sent.user, sent.label) == (
        "referrals.forward",
        staff,
        f"第 {referral.pk} 号转办（市住房和城乡建设局）",
    )
    assert sent.message.startswith("转办：转办（状态：— → 已交办")
    assert sent.data["event"] == ReferralEvent.objects.get(referral=referral).pk

    client.force_login(staff)
    page = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    for words in (title, "意见审核：已发布", "意见处理：处理", "意见处理：转办", "转办：转办", staff.username):
        assert words in page, words
    assert "审核状态：待审核 → 已发布" in page and "处理情况：待处理 → 未采纳" in page
    # The action filter offers the Chinese labels, and filters.
    filtered = client.get(reverse("wagtailadmin_reports:site_history"), {"action": "handling.dispose"}).content
    assert "意见审核：已发布" in filtered.decode()  # a choice of the filter
    assert "处理情况：待处理 → 未采纳" in filtered.decode() and "审核状态：待审核 → 已发布" not in filtered.decode()


def test_every_event_has_one_entry_and_neither_outlives_a_rolled_back_transaction(draft, article, citizen, staff):
    opinions = _opinions(draft, article, citizen, 3)
    with pytest.raises(RuntimeError), transaction.atomic():
        handling.opinions_dispose(staff=staff, opinion_ids=[o.pk for o in opinions], disposition=Disposition.ADOPTED)
        assert ModelLogEntry.objects.filter(action="handling.dispose").count() == 3
        raise RuntimeError("the request fails after the service")
    assert not HandlingEvent.objects.exists() and not ModelLogEntry.objects.filter(action__startswith="handling.")

    handling.opinions_dispose(staff=staff, opinion_ids=[o.pk for o in opinions], disposition=Disposition.ADOPTED)
    entries = ModelLogEntry.objects.filter(action="handling.dispose")
    assert sorted(e.data["event"] for e in entries) == sorted(HandlingEvent.objects.values_list("pk", flat=True))
    assert len({e.uuid for e in entries}) == 1  # one operation
    assert sorted(int(e.object_id) for e in entries) == sorted(o.pk for o in opinions)


def test_reports_hiding_an_opinion_are_logged_as_the_system(draft, article, citizen, other, moderator, settings):
    settings.OPINION_REPORTS_TO_HIDE = 1
    (opinion,) = _opinions(draft, article, citizen, 1, ModerationState.PENDING)
    comments.opinions_moderate(moderator=moderator, opinion_ids=[opinion.pk], action="publish")
    assert comments.opinion_report(user=other, opinion_id=opinion.pk, reason="spam") is True
    published, hidden = _entries(opinion)
    assert (published.action, published.user) == ("comments.moderation.published", moderator)
    assert (hidden.action, hidden.user, hidden.user_display_name) == ("comments.moderation.hidden", None, "系统")
    assert hidden.message.startswith("意见审核：已隐藏（审核状态：已发布 → 已隐藏；理由：多名用户举报")
    assert hidden.data["event"] == ModerationEvent.objects.get(opinion=opinion, to_state="hidden").pk


def _dispose_queries(draft, article, citizen, staff, n) -> tuple[int, int]:
    """(queries other than INSERTs, INSERTs of log entries) of a disposition of n opinions."""
    opinions = _opinions(draft, article, citizen, n)
    with CaptureQueriesContext(connection) as queries:
        handling.opinions_dispose(
            staff=staff, opinion_ids=[o.pk for o in opinions], disposition=Disposition.NOT_ADOPTED, reason="理由"
        )
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO")]
    return len(queries.captured_queries) - len(inserts), sum("modellogentry" in sql for sql in inserts)


def test_a_bulk_disposition_writes_its_entries_in_a_few_inserts_not_one_each(draft, article, citizen, staff):
    _dispose_queries(draft, article, citizen, staff, 1)  # content types and the like, cached from then on
    few = _dispose_queries(draft, article, citizen, staff, 5)
    many = _dispose_queries(draft, article, citizen, staff, 600)
    assert few[0] == many[0]  # no query per opinion besides the batched INSERTs
    assert few[1] == 1 and many[1] <= 600 / 50  # one INSERT per batch (SQLite batches fewer rows than PostgreSQL)
    assert ModelLogEntry.objects.filter(action="handling.dispose").count() == 606


def test_an_unregistered_action_is_refused(draft, article, citizen):
    (opinion,) = _opinions(draft, article, citizen, 1)
    with pytest.raises(ImproperlyConfigured):
        audit.log_many([(opinion, {})], "handling.nonsense", user=None, title=str)
    assert not ModelLogEntry.objects.exists()
