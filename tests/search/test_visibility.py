"""Issue 21 item 6: search follows every change of visibility. An unpublished or deleted draft's title,
articles and opinions leave anonymous results at once; a reply to an opinion a moderator hid leaves with it."""

import pytest

from comments import services as comment_services
from comments.models import ModerationState, Opinion
from search import selectors, services

pytestmark = pytest.mark.django_db


def _keys(text, user=None):
    return {hit.key for hit in selectors.search(text=text, user=user).hits}


def test_an_unpublished_draft_leaves_anonymous_search_and_staff_still_find_it(draft, article, citizen, staff):
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=citizen,
        body="电梯加装费用应当按楼层分摊。",
        moderation_state=ModerationState.PUBLISHED,
    )
    services.rebuild()
    assert f"opinion:{opinion.pk}" in _keys("电梯")
    assert f"draft:{draft.pk}" in _keys("示例条例")
    draft.unpublish()
    assert not _keys("电梯") and not _keys("示例条例") and not _keys("物业服务人")
    assert f"opinion:{opinion.pk}" in _keys("电梯", staff)
    draft.save_revision().publish()
    assert f"opinion:{opinion.pk}" in _keys("电梯")


def test_a_deleted_draft_leaves_every_search(draft, staff):
    # (A draft with opinions cannot be deleted: they protect it.)
    services.rebuild()
    assert _keys("物业服务人") and _keys("示例条例", staff)
    draft.delete()
    assert not _keys("物业服务人") and not _keys("物业服务人", staff) and not _keys("示例条例", staff)


def test_a_reply_leaves_public_search_with_the_opinion_a_moderator_hid(draft, article, citizen, other, moderator):
    top = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=citizen,
        body="建议增设充电桩。",
        moderation_state=ModerationState.PUBLISHED,
    )
    reply = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=other,
        parent=top,
        body="同意，停车库应当预留电容量。",
        moderation_state=ModerationState.PUBLISHED,
    )
    comment_services._apply_counts([top, reply], 1)
    services.rebuild()
    assert f"opinion:{reply.pk}" in _keys("电容量")
    comment_services.opinions_moderate(moderator=moderator, opinion_ids=[top.pk], action="hide", reason="人身攻击")
    services.catch_up()
    assert f"opinion:{reply.pk}" not in _keys("电容量")
    comment_services.opinions_moderate(moderator=moderator, opinion_ids=[top.pk], action="publish")
    services.catch_up()
    assert f"opinion:{reply.pk}" in _keys("电容量")


def test_contact_details_are_blanked_in_what_a_liaison_searches(draft, staff):
    """Issue 21 item 7: a letter forwarded to a department keeps the writer's number in the letter, not in the
    index its liaison searches (nor in what the public or a coordinator could search)."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.roles import Role
    from comments.models import Channel
    from referrals.models import Referral
    from tests.factories import DepartmentFactory, UserFactory

    department = DepartmentFactory(name="房管局")
    liaison = UserFactory(username="liaison", roles=[Role.LIAISON])
    department.liaisons.add(liaison)
    letter = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        channel=Channel.LETTER,
        moderation_state=ModerationState.INTERNAL,
        body="维修资金使用太难，请回电 139 1234 5678 或写信到 wang.li@example.com，身份证 330106196001011234。",
    )
    referral = Referral.objects.create(department=department, draft=draft, deadline=timezone.now() + timedelta(days=9))
    referral.opinions.add(letter)
    services.rebuild()
    found = selectors.search(text="维修资金", user=liaison)
    (hit,) = [h for h in found.hits if h.key == f"opinion:{letter.pk}"]
    shown = " ".join(hit.fragments)
    assert "1234" not in shown and "example.com" not in shown and "330106" not in shown
    assert not selectors.search(text="5678", user=liaison).hits
