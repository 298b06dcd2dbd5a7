from django.db import migrations

from cms.schedules import every_minutes


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0013_incremental_clusters"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [every_minutes("相似意见分组补漏（每五分钟）", "comments.clusters.regroup_pending", 5)]
