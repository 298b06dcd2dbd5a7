"""Carry referrals' data across the app split: each opinion's referral becomes a row of ReferralOpinion,
the referral steps recorded in comments' HandlingEvent become ReferralEvents, and the scheduled
oversight tasks point at their new module. Reversible, so the split can be rolled back."""

from django.db import migrations

TASKS = ["referrals_remind_task", "referrals_escalate_task", "referrals_weekly_digest"]


def _copy_steps(events, target) -> None:
    """Copy referral steps between the old and the new table, oldest first."""
    fields = ("referral_id", "actor_id", "action", "before", "after", "reason", "created_at")
    target.objects.bulk_create(
        [target(**{f: getattr(e, f) for f in fields}) for e in events.order_by("pk").iterator(chunk_size=5000)],
        batch_size=5000,
    )


def forwards(apps, schema_editor):
    Opinion = apps.get_model("comments", "Opinion")
    OldEvent = apps.get_model("comments", "HandlingEvent")
    ReferralOpinion = apps.get_model("referrals", "ReferralOpinion")
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    pairs = Opinion.objects.filter(referral__isnull=False).values_list("pk", "referral_id").order_by("pk")
    batch = []
    for opinion_id, referral_id in pairs.iterator(chunk_size=5000):
        batch.append(ReferralOpinion(opinion_id=opinion_id, referral_id=referral_id))
        if len(batch) >= 5000:
            ReferralOpinion.objects.bulk_create(batch)
            batch = []
    ReferralOpinion.objects.bulk_create(batch)
    _copy_steps(OldEvent.objects.filter(referral__isnull=False, opinion__isnull=True), ReferralEvent)
    Schedule = apps.get_model("django_q", "Schedule")
    for name in TASKS:
        Schedule.objects.filter(func=f"comments.tasks.{name}").update(func=f"referrals.tasks.{name}")


def backwards(apps, schema_editor):
    Opinion = apps.get_model("comments", "Opinion")
    OldEvent = apps.get_model("comments", "HandlingEvent")
    ReferralOpinion = apps.get_model("referrals", "ReferralOpinion")
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    for item in ReferralOpinion.objects.order_by("referral_id").iterator(chunk_size=5000):
        Opinion.objects.filter(pk=item.opinion_id).update(referral_id=item.referral_id)
    _copy_steps(ReferralEvent.objects.all(), OldEvent)
    ReferralOpinion.objects.all().delete()
    ReferralEvent.objects.all().delete()
    Schedule = apps.get_model("django_q", "Schedule")
    for name in TASKS:
        Schedule.objects.filter(func=f"referrals.tasks.{name}").update(func=f"comments.tasks.{name}")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("comments", "0010_opinion_updated_index"),
        ("comments", "0008_referral_schedules"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
