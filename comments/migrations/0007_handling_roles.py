from django.db import migrations

from cms.roles import sync_role_groups


class Migration(migrations.Migration):
    """Grant staff the handling permissions (dispose, referrals, reason templates)."""

    dependencies = [("comments", "0006_handling"), ("contact_points", "0003_roles")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
