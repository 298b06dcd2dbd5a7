"""The app split (comments -> comments, handling, referrals) carries existing data across.

The database is taken back to the layout before the split, filled through the historical models the way
the old code wrote it (an opinion's `referral`, referral steps in comments' HandlingEvent, the scheduled
tasks under comments.tasks, permissions granted to the staff group), and migrated forward again.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("comments", "0010_opinion_updated_index"),
    ("handling", None),
    ("referrals", None),
]
AFTER = [("comments", "0011_split_handling_and_referrals"), ("handling", "0002_handlingevent_opinion_required")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_referrals_and_their_steps_survive_the_split(draft_index, latest_schema_after):
    from drafts.parser import parse_text
    from drafts.services import draft_create

    made = draft_create(index=draft_index, result=parse_text("示例条例\n\n第一条 内容。"), title="示例条例", slug="old")
    old = _migrate(BEFORE)
    User = old.get_model("cms", "User")
    Group = old.get_model("auth", "Group")
    DraftPage = old.get_model("drafts", "DraftPage")
    Opinion = old.get_model("comments", "Opinion")
    Referral = old.get_model("comments", "Referral")
    Department = old.get_model("comments", "Department")
    HandlingEvent = old.get_model("comments", "HandlingEvent")
    Schedule = old.get_model("django_q", "Schedule")

    staff = User.objects.create(username="old-staff")
    draft = DraftPage.objects.get(pk=made.pk)
    version = old.get_model("drafts", "DraftVersion").objects.get(pk=made.current_version_id)
    department = Department.objects.create(name="旧承办单位")
    referral = Referral.objects.create(
        department=department, draft_id=draft.pk, deadline=timezone.now() + timedelta(days=5), created_by=staff
    )
    forwarded = Opinion.objects.create(
        draft_id=draft.pk, version=version, body="旧意见", disposition="forwarded", referral=referral
    )
    kept = Opinion.objects.create(draft_id=draft.pk, version=version, body="另一条")
    HandlingEvent.objects.create(opinion=forwarded, actor=staff, action="forward", after={"referral": referral.pk})
    HandlingEvent.objects.create(opinion=kept, actor=staff, action="dispose")
    HandlingEvent.objects.create(referral=referral, actor=staff, action="forward", reason="请研究")
    HandlingEvent.objects.create(referral=referral, actor=staff, action="acknowledge")
    Schedule.objects.update_or_create(
        name="转办到期提醒（每日）", defaults={"func": "comments.tasks.referrals_remind_task", "schedule_type": "D"}
    )

    new = _migrate(AFTER)
    ReferralOpinion = new.get_model("referrals", "ReferralOpinion")
    ReferralEvent = new.get_model("referrals", "ReferralEvent")
    NewHandlingEvent = new.get_model("handling", "HandlingEvent")
    NewReferral = new.get_model("referrals", "Referral")
    Permission = new.get_model("auth", "Permission")
    assert list(ReferralOpinion.objects.values_list("opinion_id", "referral_id")) == [(forwarded.pk, referral.pk)]
    assert list(NewReferral.objects.get(pk=referral.pk).opinions.values_list("pk", flat=True)) == [forwarded.pk]
    assert list(ReferralEvent.objects.order_by("pk").values_list("action", "reason")) == [
        ("forward", "请研究"),
        ("acknowledge", ""),
    ]
    # The opinions' audit trail stays where it was, and every event in it is about an opinion.
    assert sorted(NewHandlingEvent.objects.values_list("opinion_id", "action")) == sorted(
        [(forwarded.pk, "forward"), (kept.pk, "dispose")]
    )
    assert new.get_model("django_q", "Schedule").objects.get(name="转办到期提醒（每日）").func == (
        "referrals.tasks.referrals_remind_task"
    )
    # Permissions moved with their models, and the role groups still hold them.
    staff_group = Group.objects.get(name="法工委工作人员")
    granted = set(
        Permission.objects.filter(group__pk=staff_group.pk).values_list("content_type__app_label", "codename")
    )
    assert {("referrals", "view_referral"), ("handling", "view_reasontemplate")} <= granted
    assert not Permission.objects.filter(content_type__app_label="comments", codename="view_referral").exists()
