from django.core.management.base import BaseCommand

from articles.dispatch import wait_for_pending
from articles.services import demo_load

# Enough for the demo pictures' renditions on a slow machine.
RENDITIONS_SECONDS = 120


class Command(BaseCommand):
    help = (
        "Load the demo: the Innovation archive and stories in every category. "
        "Safe to run again: it changes nothing then."
    )

    def handle(self, *args, **options):
        created = demo_load()
        # The pictures' renditions are queued on commit; without a broker they run
        # in this process's threads, which end with it.
        if not wait_for_pending(RENDITIONS_SECONDS):
            self.stderr.write(
                "Some renditions are not made yet: run manage.py make_renditions."
            )
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo articles."))
        else:
            self.stdout.write("Demo content is already loaded; nothing changed.")
