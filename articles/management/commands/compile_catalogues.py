from django.core.management.base import BaseCommand

from gbanews.catalogues import compile_catalogues


class Command(BaseCommand):
    help = (
        "Compile locale/*/LC_MESSAGES/*.po to .mo with polib (no GNU gettext needed). "
        "Only catalogues changed since their .mo was written, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Compile every catalogue."
        )

    def handle(self, *args, force=False, **options):
        written = compile_catalogues(force=force)
        for path in written:
            self.stdout.write(f"Compiled {path}")
        if not written:
            self.stdout.write("Catalogues are up to date.")
