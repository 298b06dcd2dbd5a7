from django.db import migrations

from cms.roles import sync_role_groups


class Migration(migrations.Migration):
    """Grant moderators and staff the new moderation permissions."""

    dependencies = [("comments", "0003_opinions"), ("cms", "0004_roles")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
