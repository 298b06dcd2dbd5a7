from django.db import migrations

from cms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_create_homepage"),
        ("comments", "0002_initial"),
        ("contact_points", "0001_initial"),
        ("drafts", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
