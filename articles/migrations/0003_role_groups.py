from django.db import migrations

from articles.roles import sync_role_groups


class Migration(migrations.Migration):
    """Create the Authors, Editors and Moderators groups from articles/roles.py."""

    dependencies = [
        ("articles", "0002_search_and_stamps"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
