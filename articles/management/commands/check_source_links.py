from django.core.management.base import BaseCommand, CommandError

from articles.services import source_links_check
from articles.services.link_checks import check_policy


class Command(BaseCommand):
    help = (
        "Check approved source links (HEAD, then GET) and record their health. "
        "Flags a link broken after SOURCE_LINK_BROKEN_AFTER failures in a row; "
        "never deletes. A run in which every host fails alike flags nothing. "
        "Safe to run while the task queue's scheduled checks run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=0, help="Check at most this many links."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Concurrent requests (default SOURCE_LINK_CHECK_WORKERS).",
        )

    def handle(self, *args, limit, workers, **options):
        if (workers is not None and workers < 1) or limit < 0:
            raise CommandError("--workers must be at least 1 and --limit positive.")
        announced = False

        def report(run, link, result, outcome):
            nonlocal announced
            if not announced:
                self.stdout.write(f"{run.due} approved links due for a check.")
                announced = True
            status = result.status or "---"
            detail = f" ({result.error})" if result.error else ""
            total = max(run.due, run.done)
            self.stdout.write(
                f"[{run.done}/{total}] {status} {outcome} {link.url}{detail}"
            )

        try:
            policy = check_policy()
        except ValueError as exc:
            raise CommandError(f"SOURCE_LINK_CHECK_ALLOWED_NETWORKS: {exc}") from exc
        run = source_links_check(
            limit=limit, workers=workers or 0, report=report, policy=policy
        )
        if not announced:
            self.stdout.write(f"{run.due} approved links due for a check.")
        if run.inconclusive_reason:
            self.stdout.write(
                self.style.WARNING(
                    f"Inconclusive run, nothing flagged: {run.inconclusive_reason}."
                )
            )
        self.stdout.write(self.style.SUCCESS(run.summary()))
