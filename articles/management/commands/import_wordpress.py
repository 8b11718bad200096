import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.images import ImageNotStored
from articles.services import (
    ImageSource,
    language_code,
    wordpress_prepare,
    wordpress_write,
)
from articles.wordpress.wxr import WxrError, parse_wxr, zone_named


class Command(BaseCommand):
    help = (
        "Import posts from a WordPress export (WXR). Every post is checked before "
        "anything is written, then all are written in one transaction; a post "
        "imported before (same WordPress id) is updated, not duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The WXR file (Tools → Export).")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="The site's wp-content/uploads folder, for featured images.",
        )
        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help="Fetch featured images from their URLs (public addresses only, "
            "as the link checker).",
        )
        parser.add_argument(
            "--language",
            help="Language code of the posts (default: the export's language).",
        )
        parser.add_argument(
            "--timezone",
            default=settings.TIME_ZONE,
            help="The WordPress site's time zone, for dates the file gives only "
            "in local time (default: TIME_ZONE).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file; write nothing."
        )

    def handle(self, *args, file, uploads, fetch_images, verbosity, **options):
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"{uploads} is not a folder.")
        if uploads is not None and fetch_images:
            raise CommandError("Give --uploads or --fetch-images, not both.")
        started = time.monotonic()

        def progress(stage, done, total):
            if verbosity:
                elapsed = time.monotonic() - started
                self.stderr.write(f"{stage} {done}/{total} posts ({elapsed:.1f} s)")

        try:
            with file.open("rb") as source:
                export = parse_wxr(source, zone=zone_named(options["timezone"]))
            images = ImageSource(uploads=uploads, fetch_remote=fetch_images)
            posts, report = wordpress_prepare(export, source=images, progress=progress)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except WxrError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        if not options["dry_run"]:
            code = options["language"] or language_code(export.language)
            try:
                wordpress_write(posts, report, language_code=code, progress=progress)
            except ImageNotStored as error:
                raise CommandError(
                    f"A featured image could not be stored: {error.reason}. "
                    "Nothing was imported."
                ) from None
        self.write_report(report, verbosity)
        seconds = time.monotonic() - started
        done = (
            "Checked (dry run, nothing written)" if options["dry_run"] else "Imported"
        )
        self.stdout.write(
            self.style.SUCCESS(f"{done}: {report.summary()} ({seconds:.1f} s)")
        )

    def write_report(self, report, verbosity):
        if verbosity > 1:
            for title, names in (
                ("Created", report.created),
                ("Updated", report.updated),
                ("Unchanged", report.unchanged),
            ):
                for name in names:
                    self.stdout.write(f"{title}: {name}")
        for name, reason in report.skipped:
            self.stdout.write(f"Skipped: {name}: {reason}")
        for name, message in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {name}: {message}"))
