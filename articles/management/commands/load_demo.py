from django.core.management.base import BaseCommand

from articles.services import demo_load


class Command(BaseCommand):
    help = (
        "Load the demo Innovation archive. Safe to run again: it changes nothing then."
    )

    def handle(self, *args, **options):
        created = demo_load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo articles."))
        else:
            self.stdout.write("Demo content is already loaded; nothing changed.")
