import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from comments import campaigns, sensitive, services
from comments.models import ModerationEvent, ModerationState, Opinion, SensitiveWord, Support
from comments.services import OpinionError
from drafts.models import DraftPage, DraftVersion, ModerationMode, Provision
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(user, draft, body="建议明确物业服务人的信息保护义务。", **kwargs):
    opinion, created = services.opinion_post(user=user, draft=draft, body=body, **kwargs)
    return opinion


def publish(moderator, *opinions):
    return services.opinions_moderate(moderator=moderator, opinion_ids=[o.pk for o in opinions], action="publish")


def test_post_on_an_article_waits_for_moderation_then_counts(draft, article, citizen, moderator):
    opinion = post(citizen, draft, article_id=article.pk, ip="10.0.0.1")
    assert opinion.moderation_state == ModerationState.PENDING
    assert opinion.version_id == draft.current_version_id and opinion.article_id == article.pk
    article.refresh_from_db()
    assert article.opinion_count == 0
    publish(moderator, opinion)
    article.refresh_from_db()
    version = DraftVersion.objects.get(pk=draft.current_version_id)
    assert article.opinion_count == 1 and version.opinion_count == 1 and version.general_opinion_count == 0
    assert ModerationEvent.objects.get(opinion=opinion).to_state == ModerationState.PUBLISHED


def test_opinion_on_the_draft_as_a_whole(draft, citizen, moderator):
    opinion = post(citizen, draft)
    publish(moderator, opinion)
    version = DraftVersion.objects.get(pk=draft.current_version_id)
    assert opinion.article_id is None and version.general_opinion_count == 1


def test_post_moderation_publishes_at_once_unless_a_sensitive_word_holds_it(draft, article, citizen):
    DraftPage.objects.filter(pk=draft.pk).update(moderation_mode=ModerationMode.POST)
    draft.refresh_from_db()
    assert post(citizen, draft, article_id=article.pk).moderation_state == ModerationState.PUBLISHED
    SensitiveWord.objects.create(word="代开发票")
    held = post(citizen, draft, "有人在小区里代 开发票，请管一管。", article_id=article.pk)
    assert held.moderation_state == ModerationState.PENDING and held.held_words == "代开发票"
    article.refresh_from_db()
    assert article.opinion_count == 1


@pytest.mark.parametrize("disguised", ["代\u200b开发票", "代.开.发.票", "代 开 发 票", "ＡＢ代开发票"])
def test_sensitive_words_are_found_through_disguises(disguised):
    SensitiveWord.objects.create(word="代开发票")
    assert sensitive.find(f"小区门口有人{disguised}") == ["代开发票"]


def test_sensitive_word_list_changes_take_effect_at_once(draft, citizen):
    word = SensitiveWord.objects.create(word="违禁词")
    assert sensitive.find("这里有违禁词") == ["违禁词"]
    word.is_active = False
    word.save()
    assert sensitive.find("这里有违禁词") == []


def test_staff_reply_is_official_and_published(draft, article, citizen, moderator, staff):
    opinion = post(citizen, draft, article_id=article.pk)
    publish(moderator, opinion)
    reply = post(staff, draft, "感谢您的意见，我们将认真研究。", reply_to_id=opinion.pk)
    assert reply.is_official and reply.moderation_state == ModerationState.PUBLISHED
    assert reply.parent_id == opinion.pk and reply.article_id == article.pk
    opinion.refresh_from_db()
    assert opinion.reply_count == 1
    assert reply.public_name == "立法机关工作人员"


def test_reply_to_a_reply_attaches_to_the_second_level(draft, article, citizen, other, moderator):
    top = post(citizen, draft, article_id=article.pk)
    publish(moderator, top)
    first = post(other, draft, "我同意楼上的看法，还应当规定罚则。", reply_to_id=top.pk)
    publish(moderator, first)
    second = post(citizen, draft, "罚则可以参照消费者权益保护法。", reply_to_id=first.pk)
    assert second.parent_id == top.pk and second.reply_to_id == first.pk


def test_reply_to_a_hidden_or_pending_opinion_is_refused(draft, article, citizen, other):
    pending = post(citizen, draft, article_id=article.pk)
    with pytest.raises(OpinionError, match="没有公开"):
        post(other, draft, "回复一下。", reply_to_id=pending.pk)


def test_comment_period_is_enforced_on_the_server(draft, article, citizen):
    DraftPage.objects.filter(pk=draft.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    draft.refresh_from_db()
    with pytest.raises(OpinionError, match="征求意见期已结束"):
        post(citizen, draft, article_id=article.pk)
    assert not Opinion.objects.exists()


def test_period_boundary_is_the_instant_in_beijing_time(draft, article, citizen):
    closes = draft.closes_at
    assert draft.is_open(closes - timedelta(seconds=1)) and not draft.is_open(closes)
    with pytest.raises(OpinionError):
        post(citizen, draft, article_id=article.pk, now=closes)


@pytest.mark.parametrize("body", ["", "   \n\t  ", "\u3000\u3000"])
def test_empty_or_blank_opinion_is_refused(draft, citizen, body):
    with pytest.raises(OpinionError, match="不能为空"):
        post(citizen, draft, body)


def test_length_limit_is_the_drafts_and_says_both_figures(draft, citizen):
    with pytest.raises(OpinionError, match="不能超过 2000 字，现在是 100000 字"):
        post(citizen, draft, "长" * 100_000)
    DraftPage.objects.filter(pk=draft.pk).update(opinion_max_length=100)
    draft.refresh_from_db()
    with pytest.raises(OpinionError, match="不能超过 100 字"):
        post(citizen, draft, "长" * 101)
    assert post(citizen, draft, "长" * 100).pk


def test_same_text_twice_by_one_user_is_refused(draft, article, citizen, other):
    post(citizen, draft, "建议删除本条第二款。", article_id=article.pk)
    with pytest.raises(OpinionError, match="相同内容"):
        post(citizen, draft, "建议删除本条第二款！", article_id=article.pk)
    assert post(other, draft, "建议删除本条第二款。", article_id=article.pk).pk
    assert Opinion.objects.count() == 2


def test_same_submission_key_twice_makes_one_opinion(draft, article, citizen):
    key = uuid.uuid4()
    first, created = services.opinion_post(user=citizen, draft=draft, body="一条意见内容。", submission_key=key)
    again, created_again = services.opinion_post(user=citizen, draft=draft, body="一条意见内容。", submission_key=key)
    assert created and not created_again and first.pk == again.pk
    assert Opinion.objects.count() == 1


@override_settings(OPINION_RATE_PER_USER_MINUTE=3, OPINION_RATE_PER_IP_MINUTE=5)
def test_rate_limits_per_user_and_per_ip(draft, citizen):
    for n in range(3):
        post(citizen, draft, f"第{n}条意见：内容各不相同。", ip="10.0.0.9")
    with pytest.raises(OpinionError, match="太频繁") as refused:
        post(citizen, draft, "第四条意见。", ip="10.0.0.9")
    assert refused.value.code == "rate_minute"
    # Attempts count, refused ones too: the address has used 4 of its 5.
    neighbours = [UserFactory() for _ in range(2)]
    post(neighbours[0], draft, "同一出口地址的另一位用户。", ip="10.0.0.9")
    with pytest.raises(OpinionError, match="太频繁"):
        post(neighbours[1], draft, "同一出口地址的第三位用户。", ip="10.0.0.9")
    assert post(neighbours[1], draft, "换了一个地址。", ip="10.0.0.10").pk


@override_settings(OPINION_RATE_PER_IP_MINUTE=2)
def test_ipv6_addresses_share_a_limit_per_64(draft):
    post(UserFactory(), draft, "第一位用户的意见。", ip="2001:db8:1:2::10")
    post(UserFactory(), draft, "第二位用户的意见。", ip="2001:db8:1:2:ffff::1")
    with pytest.raises(OpinionError, match="太频繁"):
        post(UserFactory(), draft, "第三位用户的意见。", ip="2001:db8:1:2::abcd")
    assert post(UserFactory(), draft, "另一个网段的意见。", ip="2001:db8:1:3::1").pk


def test_parallel_posts_cannot_all_slip_under_the_limit(draft, citizen, settings):
    settings.OPINION_RATE_PER_USER_MINUTE = 2
    from comments.services import _take_rate

    _take_rate(citizen.pk, "10.1.1.1")
    _take_rate(citizen.pk, "10.1.1.1")  # two requests counted before either has saved anything
    with pytest.raises(OpinionError):
        _take_rate(citizen.pk, "10.1.1.1")


@override_settings(OPINION_RATE_PER_USER_DAY=2)
def test_daily_limit_says_come_back_tomorrow(draft, citizen):
    post(citizen, draft, "第一条意见。")
    post(citizen, draft, "第二条意见。")
    with pytest.raises(OpinionError, match="明天"):
        post(citizen, draft, "第三条意见。")


@override_settings(OPINION_CAMPAIGN_AUTHORS=3)
def test_nearly_the_same_text_from_many_users_is_flagged_as_a_campaign(draft, article):
    base = "坚决反对本条关于停车费标准的规定，停车费应当由业主大会决定，不应由物业公司单方面确定"
    bodies = [base + "。", base + "！", "我们" + base + "。"]
    opinions = [post(UserFactory(), draft, body, article_id=article.pk) for body in bodies]
    assert not Opinion.objects.filter(is_campaign=True).exists()  # compared after posting, in batches
    assert campaigns.check_all() == 3
    flagged = set(Opinion.objects.filter(is_campaign=True).values_list("pk", flat=True))
    assert flagged == {o.pk for o in opinions}
    unrelated = post(UserFactory(), draft, "建议增加业主委员会成员的培训要求，提高履职能力。", article_id=article.pk)
    later = post(UserFactory(), draft, "我们也" + base + "。", article_id=article.pk)  # joins the known campaign
    assert campaigns.check_all() == 2 and campaigns.check_all() == 0  # each opinion is checked once
    assert not Opinion.objects.get(pk=unrelated.pk).is_campaign
    assert Opinion.objects.get(pk=later.pk).is_campaign


@override_settings(OPINION_CAMPAIGN_AUTHORS=3)
def test_campaigns_are_found_within_one_batch_and_across_batches(draft, article):
    base = "强烈要求删除本条第二款，小区公共收益必须全部归业主所有并且每季度公开一次"
    first = [post(UserFactory(), draft, base + "！" * (n + 1), article_id=article.pk) for n in range(2)]
    assert campaigns.check_batch(limit=1) == 1 and campaigns.check_batch(limit=1) == 1  # two authors: not yet
    assert not Opinion.objects.filter(is_campaign=True).exists()
    one_author = UserFactory()
    more = [post(one_author, draft, base + ending, article_id=article.pk) for ending in ("，谢谢。", "，拜托了。")]
    third = post(UserFactory(), draft, base + "？", article_id=article.pk)
    assert campaigns.check_all() == 3
    flagged = set(Opinion.objects.filter(is_campaign=True).values_list("pk", flat=True))
    assert flagged == {o.pk for o in [*first, *more, third]}


def test_a_post_queues_one_campaign_check_after_commit(draft, article, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.delete(campaigns.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        post(UserFactory(), draft, "建议明确物业服务人公开收支的具体期限和方式。", article_id=article.pk)
    # The test settings run tasks at once: the check ran and cleared its flag as it started.
    assert not Opinion.objects.filter(campaign_checked=False).exists()
    assert cache.get(campaigns.QUEUED) is None
    cache.add(campaigns.QUEUED, 1)  # a check queued and not started: the next post queues none
    with django_capture_on_commit_callbacks(execute=True):
        post(UserFactory(), draft, "建议规定业主委员会每年公开一次工作报告。", article_id=article.pk)
    assert Opinion.objects.filter(campaign_checked=False).count() == 1


@pytest.fixture
def fresh_intervals():
    """No interval started and no timer pending in this process, before the test and after it."""
    from cms import schedules

    schedules.forget_queued()
    yield schedules
    schedules.forget_queued()


def test_one_process_asks_at_most_once_an_interval_whether_work_is_queued(
    settings, fresh_intervals, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    settings.QUEUE_DEBOUNCE_SECONDS = 60
    cache.delete(campaigns.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        fresh_intervals.queue_after_commit(campaigns.QUEUED, "comments.tasks.check_campaigns")
    assert cache.get(campaigns.QUEUED) is None  # queued (the synchronous task then cleared the flag)
    cache.set(campaigns.QUEUED, "untouched")
    with django_capture_on_commit_callbacks(execute=True):
        fresh_intervals.queue_after_commit(campaigns.QUEUED, "comments.tasks.check_campaigns")
    assert cache.get(campaigns.QUEUED) == "untouched"  # within the minute: the cache was not even asked


@pytest.mark.django_db(transaction=True)  # the timer's thread reads what this one committed
def test_a_post_inside_the_interval_is_checked_when_the_interval_ends(settings, fresh_intervals, draft, article):
    """The trailing edge: the last posts of a burst do not wait for the minute schedule.

    The interval is an hour, so the second post falls inside it however slow the machine is; the test then
    plays the end of the interval by firing the pending timer itself, instead of waiting for wall time.
    """
    from django.core.cache import cache

    settings.QUEUE_DEBOUNCE_SECONDS = 3600
    cache.delete(campaigns.QUEUED)
    first = post(UserFactory(), draft, "建议规定业主委员会每年公开一次工作报告。", article_id=article.pk)
    second = post(UserFactory(), draft, "建议物业服务合同期满前三个月公示续聘方案。", article_id=article.pk)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.campaign_checked and not second.campaign_checked  # queued at once; then within the interval
    assert fresh_intervals.fire_pending(campaigns.QUEUED) == 1  # the interval ends: its timer queues a run
    assert Opinion.objects.get(pk=second.pk).campaign_checked
    assert fresh_intervals.fire_pending(campaigns.QUEUED) == 0


def test_support_once_not_own_and_counted(draft, article, citizen, other, moderator):
    opinion = post(citizen, draft, article_id=article.pk)
    publish(moderator, opinion)
    assert services.opinion_support(user=other, opinion_id=opinion.pk) == 1
    with pytest.raises(OpinionError, match="已经附议"):
        services.opinion_support(user=other, opinion_id=opinion.pk)
    with pytest.raises(OpinionError, match="自己"):
        services.opinion_support(user=citizen, opinion_id=opinion.pk)
    assert Support.objects.count() == 1
    opinion.refresh_from_db()
    assert opinion.support_count == 1


def test_support_of_an_unpublished_opinion_is_refused(draft, citizen, other):
    opinion = post(citizen, draft)
    with pytest.raises(OpinionError, match="不再公开"):
        services.opinion_support(user=other, opinion_id=opinion.pk)


@override_settings(OPINION_REPORTS_TO_HIDE=2)
def test_reports_hide_an_opinion_until_a_moderator_looks(draft, article, citizen, moderator):
    opinion = post(citizen, draft, article_id=article.pk)
    publish(moderator, opinion)
    reporters = [UserFactory(), UserFactory()]
    assert services.opinion_report(user=reporters[0], opinion_id=opinion.pk, reason="abuse") is False
    with pytest.raises(OpinionError, match="已经举报"):
        services.opinion_report(user=reporters[0], opinion_id=opinion.pk, reason="abuse")
    assert services.opinion_report(user=reporters[1], opinion_id=opinion.pk, reason="spam") is True
    opinion.refresh_from_db()
    article.refresh_from_db()
    assert opinion.moderation_state == ModerationState.HIDDEN and article.opinion_count == 0
    publish(moderator, opinion)  # the moderator finds nothing wrong
    opinion.refresh_from_db()
    article.refresh_from_db()
    assert opinion.moderation_state == ModerationState.PUBLISHED and opinion.report_count == 0
    assert article.opinion_count == 1


def test_rejection_needs_a_reason_that_reaches_the_author(
    draft, citizen, moderator, django_capture_on_commit_callbacks
):
    opinion = post(citizen, draft)
    with pytest.raises(OpinionError, match="理由"):
        services.opinions_moderate(moderator=moderator, opinion_ids=[opinion.pk], action="reject")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.opinions_moderate(
            moderator=moderator, opinion_ids=[opinion.pk], action="reject", reason="与草案内容无关"
        )
    opinion.refresh_from_db()
    assert opinion.moderation_state == ModerationState.REJECTED and opinion.moderation_reason == "与草案内容无关"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [citizen.email] and "与草案内容无关" in mail.outbox[0].body


def test_publication_is_mailed_to_the_author(draft, citizen, moderator, django_capture_on_commit_callbacks):
    opinion = post(citizen, draft)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(moderator, opinion)
    assert len(mail.outbox) == 1 and "已经审核通过" in mail.outbox[0].body


def test_only_moderators_moderate(draft, citizen, other):
    opinion = post(citizen, draft)
    with pytest.raises(OpinionError, match="权限"):
        publish(other, opinion)


def test_bulk_moderation_keeps_counts_right(draft, article, moderator):
    opinions = [post(UserFactory(), draft, f"意见{n}：内容不同。", article_id=article.pk) for n in range(5)]
    publish(moderator, *opinions)
    publish(moderator, *opinions)  # a second publish changes nothing
    article.refresh_from_db()
    assert article.opinion_count == 5
    services.opinions_moderate(
        moderator=moderator, opinion_ids=[o.pk for o in opinions[:2]], action="hide", reason="广告"
    )
    article.refresh_from_db()
    assert article.opinion_count == 3
    assert (
        Provision.objects.get(pk=article.pk).opinion_count
        == Opinion.objects.filter(article=article, moderation_state="published").count()
    )


def test_withdraw_while_unhandled_only(draft, article, citizen, other, moderator):
    opinion = post(citizen, draft, article_id=article.pk)
    publish(moderator, opinion)
    with pytest.raises(OpinionError, match="没有找到"):
        services.opinion_withdraw(user=other, opinion_id=opinion.pk)
    services.opinion_withdraw(user=citizen, opinion_id=opinion.pk)
    opinion.refresh_from_db()
    article.refresh_from_db()
    assert opinion.moderation_state == ModerationState.WITHDRAWN and article.opinion_count == 0
    handled = post(citizen, draft, "另一条意见。")
    Opinion.objects.filter(pk=handled.pk).update(disposition="adopted")
    with pytest.raises(OpinionError, match="已经处理"):
        services.opinion_withdraw(user=citizen, opinion_id=handled.pk)


def test_unconfirmed_account_cannot_post(draft):
    user = UserFactory(confirmed_at=None)
    with pytest.raises(OpinionError, match="确认"):
        post(user, draft)


def test_article_of_an_old_version_is_refused(draft, citizen):
    other_version_article = Provision.objects.exclude(version_id=draft.current_version_id).first()
    assert other_version_article is None  # one version only: any other id is foreign
    with pytest.raises(OpinionError, match="当前版本"):
        post(citizen, draft, article_id=999_999)


def test_a_reply_is_not_published_under_an_opinion_that_left(draft, article, citizen, other, moderator):
    top = post(citizen, draft, article_id=article.pk)
    publish(moderator, top)
    reply = post(other, draft, "一条回复，等待审核。", reply_to_id=top.pk)
    services.opinion_withdraw(user=citizen, opinion_id=top.pk)
    assert publish(moderator, reply) == []
    reply.refresh_from_db()
    article.refresh_from_db()
    top.refresh_from_db()
    assert reply.moderation_state == ModerationState.PENDING
    assert article.opinion_count == 0 and top.reply_count == 0


def test_a_top_opinion_and_its_reply_published_together_count_once(draft, article, citizen, other, moderator):
    top = post(citizen, draft, article_id=article.pk)
    Opinion.objects.filter(pk=top.pk).update(moderation_state=ModerationState.PUBLISHED)
    reply = post(other, draft, "回复。", reply_to_id=top.pk)
    Opinion.objects.filter(pk=top.pk).update(moderation_state=ModerationState.PENDING)
    publish(moderator, reply, top)
    article.refresh_from_db()
    top.refresh_from_db()
    assert article.opinion_count == 2 and top.reply_count == 1


def test_counts_follow_a_thread_as_its_top_opinion_is_hidden_and_shown(draft, article, citizen, moderator):
    top = post(citizen, draft, article_id=article.pk)
    publish(moderator, top)
    replies = [post(UserFactory(), draft, f"回复{n}。", reply_to_id=top.pk) for n in range(2)]
    publish(moderator, *replies)
    article.refresh_from_db()
    assert article.opinion_count == 3
    services.opinions_moderate(moderator=moderator, opinion_ids=[top.pk], action="hide", reason="待核实")
    article.refresh_from_db()
    version = DraftVersion.objects.get(pk=draft.current_version_id)
    assert article.opinion_count == 0 and version.opinion_count == 0
    # A reply hidden while its thread is hidden does not count twice.
    services.opinions_moderate(moderator=moderator, opinion_ids=[replies[0].pk], action="hide", reason="广告")
    with pytest.raises(OpinionError, match="不再公开"):
        services.opinion_support(user=UserFactory(), opinion_id=replies[1].pk)
    publish(moderator, top)
    article.refresh_from_db()
    top.refresh_from_db()
    assert article.opinion_count == 2 and top.reply_count == 1
    assert article.opinion_count == Opinion.objects.filter(article=article, moderation_state="published").count()


def test_support_on_an_unpublished_draft_is_refused(draft, article, citizen, other, moderator):
    opinion = post(citizen, draft, article_id=article.pk)
    publish(moderator, opinion)
    draft.unpublish()
    with pytest.raises(OpinionError, match="不再公开"):
        services.opinion_support(user=other, opinion_id=opinion.pk)
