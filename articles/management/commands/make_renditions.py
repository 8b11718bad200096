from django.core.management.base import BaseCommand
from PIL import UnidentifiedImageError

from ... import images
from ...models import Article
from ...signals import content_changed


class Command(BaseCommand):
    help = (
        "Make the renditions of every featured image again, e.g. after "
        "IMAGE_RENDITION_WIDTHS changed, and delete the ones no longer used."
    )

    def handle(self, *args, **options):
        updated = []
        articles = Article.objects.exclude(image="").only("image", "image_renditions")
        for article in articles.iterator():
            name = article.image.name
            try:
                meta = images.make_renditions(name, article.image.storage)
            except (OSError, UnidentifiedImageError) as exc:
                self.stderr.write(f"{name}: {exc}")
                continue
            Article.objects.filter(pk=article.pk).update(image_renditions=meta)
            stale = set(images.stored_names(article.image_renditions or {}))
            images.delete_files(
                stale - set(images.stored_names(meta)), article.image.storage
            )
            updated.append(article.pk)
        if updated:
            content_changed.send(sender=Article, articles=updated)
        count = len(updated)
        self.stdout.write(f"Made the renditions of {count} image(s).")
