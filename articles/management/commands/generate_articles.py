import datetime
import os
import time

from django.core.management.base import BaseCommand, CommandError

from articles.generation import articles_generate, load_datashape
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Generate realistic articles in bulk. --shape bench creates exactly the "
        "records of bench/datashape.py (fixed 2020-2025 dates); --shape recent "
        "moves the same records so the newest is a day old. Records that exist "
        "(same slug) are skipped, so running it again creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--shape", choices=["bench", "recent"], default="recent")
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="Processes that clean article bodies (default: CPUs, at most 4).",
        )

    def handle(self, *args, count, seed, shape, jobs, verbosity, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        datashape = load_datashape()
        seed = datashape.DEFAULT_SEED if seed is None else seed
        shift = datetime.timedelta(0)
        if shape == "recent":
            end = datashape.WINDOW_END - datetime.timedelta(days=1)
            shift = Article.publication_time() - end
        started = time.monotonic()

        def progress(done, created):
            if verbosity > 1 or (verbosity and done % 10_000 == 0):
                self.stdout.write(f"{done}/{count} records, {created} new")

        created = articles_generate(
            count=count, seed=seed, shift=shift, jobs=jobs, progress=progress
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} articles ({count - created} existed) "
                f"in {seconds:.1f} s."
            )
        )
