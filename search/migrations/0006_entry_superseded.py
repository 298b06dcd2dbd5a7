"""Articles of earlier versions are marked in the index, so a search lists each article once.

On SQLite, Django would add a NOT NULL column by rebuilding the table, which drops the full-text triggers of
0002: the column is added with SQLite's own ALTER TABLE instead, which keeps them."""

from django.db import migrations, models
from django.db.models import F

FIELD = models.BooleanField(default=False)


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ALTER TABLE search_searchentry ADD COLUMN superseded bool NOT NULL DEFAULT 0")
    else:
        field = FIELD.clone()
        field.set_attributes_from_name("superseded")
        schema_editor.add_field(apps.get_model("search", "SearchEntry"), field)


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN superseded")


def mark_earlier_versions(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    Provision = apps.get_model("drafts", "Provision")
    earlier = (
        Provision.objects.filter(kind="article")
        .exclude(version_id=F("version__draft__current_version_id"))
        .values_list("pk", flat=True)
    )
    keys = []
    for pk in earlier.iterator(chunk_size=2000):
        keys.append(f"article:{pk}")
        if len(keys) == 2000:
            SearchEntry.objects.filter(key__in=keys).update(superseded=True)
            keys = []
    SearchEntry.objects.filter(key__in=keys).update(superseded=True)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_searchentry_sent_updated"),
        ("drafts", "0004_opinions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name="searchentry", name="superseded", field=FIELD)],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.RunPython(mark_earlier_versions, migrations.RunPython.noop),
    ]
