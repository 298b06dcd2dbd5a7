"""Who may do what is written once (cms/rules.py and each app's rules.py) and checked by has_perm."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import rules
from django.contrib.auth.models import Permission
from django.utils import timezone

from cms.roles import Role
from cms.rules import is_staff
from comments.models import Channel, ModerationState, Opinion
from contact_points.models import ContactPointOpinion
from referrals.models import Referral, ReferralState
from search.selectors import access_tokens
from tests.factories import ContactPointFactory, DepartmentFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ["cms", "drafts", "comments", "handling", "referrals", "contact_points", "search", "stats"]


@pytest.mark.django_db
def test_every_permission_the_code_asks_for_exists():
    """A permission name in has_perm(...) or permission=... is a model permission or a registered rule."""
    asked = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            asked |= set(re.findall(r"has_perm\(\s*\"([a-z_]+\.[a-z_]+)\"", text))
            asked |= set(re.findall(r"PERMISSION\s*=\s*\"([a-z_]+\.[a-z_]+)\"", text))
            asked |= set(re.findall(r"permission=\"([a-z_]+\.[a-z_]+)\"", text))
    assert len(asked) > 8
    for name in sorted(asked):
        app_label, codename = name.split(".")
        model_perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()
        assert model_perm or rules.perm_exists(name), name


@pytest.mark.django_db
def test_staff_is_one_rule_for_posting_handling_and_search():
    staff = UserFactory(username="s", roles=[Role.STAFF])
    moderator = UserFactory(username="m", roles=[Role.MODERATOR])
    citizen = UserFactory(username="c")
    assert is_staff(staff) and not is_staff(moderator) and not is_staff(citizen)
    assert staff.has_perm("comments.answer_officially", object()) and staff.has_perm("comments.dispose_opinion")
    assert not moderator.has_perm("comments.answer_officially", object())
    assert not moderator.has_perm("comments.dispose_opinion") and moderator.has_perm("comments.moderate_opinion")
    assert access_tokens(staff)[1] is True and access_tokens(moderator)[1] is False


@pytest.mark.django_db
def test_a_coordinator_works_for_their_own_active_points_only():
    mine, theirs = ContactPointFactory(), ContactPointFactory()
    coordinator = UserFactory(username="co", roles=[Role.COORDINATOR])
    mine.coordinators.add(coordinator)
    assert coordinator.has_perm("contact_points.work_for_point", mine)
    assert not coordinator.has_perm("contact_points.work_for_point", theirs)
    mine.is_active = False
    mine.save()
    assert not coordinator.has_perm("contact_points.work_for_point", mine)
    staff = UserFactory(username="s", roles=[Role.STAFF])
    assert not staff.has_perm("contact_points.work_for_point", theirs)  # staff see points in the admin


@pytest.mark.django_db
def test_referral_rules_for_department_proposer_and_staff(draft):
    department, other_department = DepartmentFactory(), DepartmentFactory()
    liaison, stranger = UserFactory(username="li"), UserFactory(username="x")
    department.liaisons.add(liaison)
    other_department.liaisons.add(stranger)
    author, coordinator = UserFactory(username="au"), UserFactory(username="co")
    point = ContactPointFactory()
    point.coordinators.add(coordinator)
    version = draft.current_version
    online = Opinion.objects.create(
        draft=draft, version=version, body="意见", author=author, moderation_state=ModerationState.PUBLISHED
    )
    offline = Opinion.objects.create(
        draft=draft, version=draft.current_version, body="联系点意见", channel=Channel.CONTACT_POINT
    )
    ContactPointOpinion.objects.create(opinion=offline, contact_point=point)
    referral = Referral.objects.create(department=department, draft=draft, deadline=timezone.now() + timedelta(days=5))
    referral.opinions.add(online, offline)
    staff = UserFactory(username="s", roles=[Role.STAFF])

    assert liaison.has_perm("referrals.act_for_department", referral)
    assert not stranger.has_perm("referrals.act_for_department", referral)
    assert author.has_perm("referrals.rate_referral", referral)
    assert coordinator.has_perm("referrals.rate_referral", referral)
    assert not stranger.has_perm("referrals.rate_referral", referral)
    # The reply: the department and staff at once, the proposers only once the referral is closed.
    assert liaison.has_perm("referrals.read_reply", referral) and staff.has_perm("referrals.read_reply", referral)
    assert not author.has_perm("referrals.read_reply", referral)
    referral.state = ReferralState.CLOSED
    assert author.has_perm("referrals.read_reply", referral) and coordinator.has_perm("referrals.read_reply", referral)
    assert not stranger.has_perm("referrals.read_reply", referral)
