from django.core.management.base import BaseCommand

from ...models import Article, MediaImage
from ...services.renditions import (
    RenditionsNotMade,
    article_renditions_make,
    media_renditions_make,
)
from ...signals import content_changed


class Command(BaseCommand):
    help = (
        "Make the renditions of every featured and library image again, e.g. after "
        "IMAGE_RENDITION_WIDTHS changed or a queued task was lost, and delete "
        "the ones no longer used."
    )

    def handle(self, *args, **options):
        updated = []
        articles = Article.objects.exclude(image="").only("image")
        for article in articles.iterator():
            name = article.image.name
            try:
                outcome = article_renditions_make(
                    article_id=article.pk, name=name, notify=False
                )
            except RenditionsNotMade as exc:
                self.stderr.write(f"{name}: {exc}")
                continue
            if outcome == "made":
                updated.append(article.pk)
        if updated:
            content_changed.send(sender=Article, articles=updated)
        count = len(updated)
        self.stdout.write(f"Made the renditions of {count} image(s).")
        library = 0
        for image in MediaImage.objects.only("file").iterator():
            try:
                made = media_renditions_make(media_id=image.pk, name=image.file.name)
            except RenditionsNotMade as exc:
                self.stderr.write(f"{image.file.name}: {exc}")
                continue
            library += made == "made"
        if library:
            self.stdout.write(f"Made the renditions of {library} library image(s).")
