from django.core.management.base import BaseCommand

from ...reads import flush


class Command(BaseCommand):
    help = (
        "Move the read counts held in Redis into the database (see articles/reads.py)."
    )

    def handle(self, *args, **options):
        moved = flush()
        self.stdout.write(self.style.SUCCESS(f"Stored {moved} reads."))
