from django.db import migrations

from articles.roles import sync_role_groups


class Migration(migrations.Migration):
    """Give the role groups the moderation queue's and the domains' permissions."""

    dependencies = [
        ("articles", "0008_merge_source_links"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
