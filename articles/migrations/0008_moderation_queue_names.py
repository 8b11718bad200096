from django.db import migrations

# Permission names are written once, when a permission is created; a new
# verbose name reaches the existing ones only through a migration.
OLD = "source link moderation queue"
NEW = "link in the moderation queue"
VERBS = ["add", "change", "delete", "view"]


def rename_permissions(name):
    def rename(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        for verb in VERBS:
            Permission.objects.filter(
                content_type__app_label="articles",
                content_type__model="sourcelinkmoderation",
                codename=f"{verb}_sourcelinkmoderation",
            ).update(name=f"Can {verb} {name}")

    return rename


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_corrections"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="sourcelinkmoderation",
            options={
                "verbose_name": NEW,
                "verbose_name_plural": "moderation queue",
            },
        ),
        migrations.RunPython(
            rename_permissions(NEW), rename_permissions(OLD)
        ),
    ]
