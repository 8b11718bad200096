"""A run of the link checker: the one code path of check_source_links and its task.

Links are claimed in batches and checked by a few threads. A success, an
inconclusive result or a refusal is recorded at once; a failure is held back
until the run is known to work (RunVerdict), because a run in which every host
fails alike failed on the checker's side and must flag nothing. Held failures of
such a run are recorded as inconclusive.
"""

import dataclasses
import datetime
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings
from django.utils import timezone

from ..linkcheck import CheckPolicy, CheckResult, HostThrottle, RunVerdict, check_url
from ..models import SourceLink
from .link_health import source_link_record_check, source_links_claim

logger = logging.getLogger(__name__)

OUTCOMES = ("ok", "failed", "broken", "inconclusive", "refused", "lost")


@dataclasses.dataclass
class CheckRun:
    due: int = 0
    done: int = 0
    outcomes: Counter = dataclasses.field(default_factory=Counter)
    # Why the run's failures counted as inconclusive; empty when they counted.
    inconclusive_reason: str = ""

    def summary(self) -> str:
        counts = ", ".join(f"{self.outcomes[name]} {name}" for name in OUTCOMES)
        return f"Checked {self.done} links: {counts}."


def check_policy() -> CheckPolicy:
    """The checker's policy from the settings; ValueError for a bad network."""
    return CheckPolicy.from_strings(
        allowed_networks=settings.SOURCE_LINK_CHECK_ALLOWED_NETWORKS,
        timeout=settings.SOURCE_LINK_CHECK_TIMEOUT,
        max_redirects=settings.SOURCE_LINK_CHECK_MAX_REDIRECTS,
        user_agent=settings.SOURCE_LINK_CHECK_USER_AGENT,
        host_interval=settings.SOURCE_LINK_CHECK_HOST_INTERVAL,
    )


Report = Callable[[CheckRun, SourceLink, CheckResult, str], None]


def source_links_check(
    *,
    limit: int = 0,
    workers: int = 0,
    report: Report | None = None,
    policy: CheckPolicy | None = None,
) -> CheckRun:
    """Check the approved links that are due and record their health.

    report is called after each link is recorded. Safe to run twice at once.
    """
    workers = workers or settings.SOURCE_LINK_CHECK_WORKERS
    policy = policy or check_policy()
    throttle = HostThrottle(policy.host_interval)
    token = uuid.uuid4()
    checked_before = timezone.now() - datetime.timedelta(
        hours=settings.SOURCE_LINK_CHECK_INTERVAL_HOURS
    )
    run = CheckRun()
    run.due = SourceLink.objects.due_for_check(
        checked_before=checked_before, now=timezone.now()
    ).count()
    if limit:
        run.due = min(run.due, limit)
    verdict, held = RunVerdict(), []

    def record(link, result):
        outcome = source_link_record_check(
            link=link,
            token=token,
            result=result,
            broken_after=settings.SOURCE_LINK_BROKEN_AFTER,
        )
        run.outcomes[outcome] += 1
        if result.refused:
            run.outcomes["refused"] += 1
        run.done += 1
        if report is not None:
            report(run, link, result, outcome)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        while not limit or run.done + len(held) < limit:
            claimed = run.done + len(held)
            size = workers * 5 if not limit else min(workers * 5, limit - claimed)
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
                verdict.add(link.host or link.url, result)
                if (
                    verdict.working
                    or result.ok
                    or result.inconclusive
                    or result.refused
                ):
                    record(link, result)
                else:
                    held.append((link, result))
                if verdict.working:
                    while held:
                        record(*held.pop(0))
    if verdict.checker_side:
        run.inconclusive_reason = verdict.reason()
        logger.warning(
            "Link check inconclusive, nothing flagged: %s.", run.inconclusive_reason
        )
    for link, result in held:
        if verdict.checker_side:
            result = dataclasses.replace(result, internal_error=True)
        record(link, result)
    return run
