from django.core.management.base import BaseCommand

from ...search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index for every article (after bulk imports or updates)."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} articles."))
