from django.db import migrations

from cms.roles import sync_role_groups


class Migration(migrations.Migration):
    """Grant staff the solicitation and batch permissions."""

    dependencies = [("contact_points", "0002_solicitations_meetings_batches"), ("comments", "0005_internal_state")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
