"""Every handling event is about an opinion now that referral steps have a table of their own."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("handling", "0001_initial"),
        ("comments", "0011_split_handling_and_referrals"),
    ]

    operations = [
        migrations.AlterField(
            model_name="handlingevent",
            name="opinion",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="handling_events", to="comments.opinion"
            ),
        ),
    ]
