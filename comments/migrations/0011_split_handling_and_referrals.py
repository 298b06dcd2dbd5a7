"""The handling of opinions and their referrals move to apps of their own (handling, referrals).

Their tables keep their names, so no data is copied: the models leave the comments app's state here,
after referrals.0002 has carried each opinion's referral and the referral steps into the new tables.
Content types (and so the permissions granted to the role groups) move with the models.
"""

from django.db import migrations

from cms.roles import sync_role_groups

MOVED = {
    "handling": ["reasontemplate", "handlingevent", "exportjob"],
    "referrals": ["department", "referral", "referralattachment"],
}


def drop_moved_steps(apps, schema_editor):
    """Referral steps were copied to referrals.ReferralEvent; the audit trail of opinions stays."""
    HandlingEvent = apps.get_model("comments", "HandlingEvent")
    HandlingEvent.objects.filter(opinion__isnull=True).delete()


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for app_label, models in MOVED.items():
        for model in models:
            old = ContentType.objects.filter(app_label="comments", model=model).first()
            if old is None:
                continue
            new = ContentType.objects.filter(app_label=app_label, model=model).first()
            if new is None:
                old.app_label = app_label
                old.save(update_fields=["app_label"])
                continue
            # Both exist (created by another migration's permission sync): keep the new one, carry the
            # groups' grants across by codename, then drop the old content type and its permissions.
            for perm in Permission.objects.filter(content_type=old):
                target = Permission.objects.filter(content_type=new, codename=perm.codename).first()
                if target is not None:
                    for group in perm.group_set.all():
                        group.permissions.add(target)
            old.delete()


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models in MOVED.items():
        ContentType.objects.filter(app_label=app_label, model__in=models).update(app_label="comments")


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_opinion_updated_index"),
        ("referrals", "0002_move_data"),
        ("handling", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(drop_moved_steps, migrations.RunPython.noop),
        migrations.RemoveField(model_name="handlingevent", name="referral"),
        migrations.RemoveField(model_name="opinion", name="referral"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReferralAttachment"),
                migrations.DeleteModel(name="Referral"),
                migrations.DeleteModel(name="Department"),
                migrations.DeleteModel(name="HandlingEvent"),
                migrations.DeleteModel(name="ExportJob"),
                migrations.DeleteModel(name="ReasonTemplate"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
