from django.core.exceptions import ValidationError
from django.db import migrations

from articles.urls_hygiene import normalise_url


def normalise_existing(apps, schema_editor):
    """Store existing URLs in normalised form, leaving alone any that would clash."""
    SourceLink = apps.get_model("articles", "SourceLink")
    for link in SourceLink.objects.only("pk", "article_id", "url").iterator():
        try:
            url = normalise_url(link.url)
        except ValidationError:
            continue  # Refused on its next save, with the reason shown.
        clash = (
            SourceLink.objects.filter(article_id=link.article_id, url=url)
            .exclude(pk=link.pk)
            .exists()
        )
        if url != link.url and not clash:
            SourceLink.objects.filter(pk=link.pk).update(url=url)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_source_link_moderation_and_health"),
    ]

    operations = [
        migrations.RunPython(normalise_existing, migrations.RunPython.noop),
    ]
