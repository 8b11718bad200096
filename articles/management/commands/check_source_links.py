import datetime
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.linkcheck import CheckPolicy, HostThrottle, check_url
from articles.models import SourceLink
from articles.services import source_link_record_check, source_links_claim


class Command(BaseCommand):
    help = (
        "Check approved source links (HEAD, then GET) and record their health. "
        "Flags a link broken after SOURCE_LINK_BROKEN_AFTER failures in a row; "
        "never deletes. Safe to run from cron, and twice at once."
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
        workers = workers or settings.SOURCE_LINK_CHECK_WORKERS
        if workers < 1 or limit < 0:
            raise CommandError("--workers must be at least 1 and --limit positive.")
        try:
            policy = CheckPolicy.from_strings(
                allowed_networks=settings.SOURCE_LINK_CHECK_ALLOWED_NETWORKS,
                timeout=settings.SOURCE_LINK_CHECK_TIMEOUT,
                max_redirects=settings.SOURCE_LINK_CHECK_MAX_REDIRECTS,
                user_agent=settings.SOURCE_LINK_CHECK_USER_AGENT,
                host_interval=settings.SOURCE_LINK_CHECK_HOST_INTERVAL,
            )
        except ValueError as exc:
            raise CommandError(f"SOURCE_LINK_CHECK_ALLOWED_NETWORKS: {exc}") from exc
        throttle = HostThrottle(policy.host_interval)
        token = uuid.uuid4()
        checked_before = timezone.now() - datetime.timedelta(
            hours=settings.SOURCE_LINK_CHECK_INTERVAL_HOURS
        )
        due = SourceLink.objects.due_for_check(
            checked_before=checked_before, now=timezone.now()
        ).count()
        if limit:
            due = min(due, limit)
        self.stdout.write(f"{due} approved links due for a check.")
        outcomes = Counter()
        done = 0
        with ThreadPoolExecutor(max_workers=workers) as pool:
            while not limit or done < limit:
                size = workers * 5 if not limit else min(workers * 5, limit - done)
                batch = source_links_claim(
                    token=token, limit=size, checked_before=checked_before
                )
                if not batch:
                    break
                futures = {
                    pool.submit(check_url, link.url, policy, throttle): link
                    for link in batch
                }
                for future in as_completed(futures):
                    link, result = futures[future], future.result()
                    outcome = source_link_record_check(
                        link=link,
                        token=token,
                        result=result,
                        broken_after=settings.SOURCE_LINK_BROKEN_AFTER,
                    )
                    outcomes[outcome] += 1
                    if result.refused:
                        outcomes["refused"] += 1
                    done += 1
                    status = result.status or "---"
                    detail = f" ({result.error})" if result.error else ""
                    self.stdout.write(
                        f"[{done}/{max(due, done)}] {status} {outcome} "
                        f"{link.url}{detail}"
                    )
        summary = ", ".join(
            f"{outcomes[name]} {name}"
            for name in ("ok", "failed", "broken", "inconclusive", "refused", "lost")
        )
        self.stdout.write(self.style.SUCCESS(f"Checked {done} links: {summary}."))
