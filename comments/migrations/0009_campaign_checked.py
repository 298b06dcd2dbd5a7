"""Campaign checks move out of posting: a flag per opinion (existing opinions count as checked, since
they were compared when posted), a partial index of the unchecked ones, and a schedule every minute."""

from django.db import migrations, models

from cms.schedules import every_minutes


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_referral_schedules"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="campaign_checked",
            field=models.BooleanField(default=True, editable=False),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="opinion",
            name="campaign_checked",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="opinion",
            index=models.Index(
                condition=models.Q(("campaign_checked", False)), fields=["id"], name="opinion_campaign_unchecked"
            ),
        ),
        every_minutes("疑似集中提交检查（每分钟）", "comments.tasks.check_campaigns", 1),
    ]
