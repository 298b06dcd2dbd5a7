"""One text per citizen and draft, by a partial unique index (issue 20, item 6).

Posts arriving at once with different submission keys all passed the service's SELECT before any of them
was stored, so a few duplicates may exist. Of each such set the first opinion keeps its text hash; the
later ones lose it (an empty hash is outside the index), so that the index can be built. Nothing else
about them changes: they stay where they are, counted as before. The regrouping re-reads hashes only of
opinions not grouped yet and does not store one for them (comments.clusters._place).
No table is rebuilt on SQLite: a partial unique constraint is a CREATE UNIQUE INDEX there too.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef

COVERED = (
    models.Q(author__isnull=False, channel="online")
    & ~models.Q(text_hash="")
    & ~models.Q(moderation_state="withdrawn")
)


def clear_later_duplicates(apps, schema_editor):
    Opinion = apps.get_model("comments", "Opinion")
    earlier_twin = Opinion.objects.filter(
        COVERED,
        author_id=OuterRef("author_id"),
        draft_id=OuterRef("draft_id"),
        text_hash=OuterRef("text_hash"),
        pk__lt=OuterRef("pk"),
    )
    Opinion.objects.filter(COVERED).filter(Exists(earlier_twin)).update(text_hash="")


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0014_regroup_schedule"),
        ("drafts", "0004_opinions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(clear_later_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="opinion",
            constraint=models.UniqueConstraint(
                condition=COVERED,
                fields=("author", "draft", "text_hash"),
                name="opinion_text_once",
            ),
        ),
    ]
