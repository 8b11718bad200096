"""Link-health bookkeeping for check_source_links: claiming rows, recording results.

Runs claim links with a conditional UPDATE (a token and a lease), so two runs at
once never check the same link, on PostgreSQL and SQLite alike.
"""

import datetime
import uuid

from django.db.models import F
from django.utils import timezone

from ..linkcheck import CheckResult
from ..models import SourceLink
from ..signals import content_changed

LEASE = datetime.timedelta(minutes=30)


def source_links_claim(
    *, token: uuid.UUID, limit: int, checked_before: datetime.datetime
) -> list[SourceLink]:
    """Lease up to `limit` due links to the run holding `token`; return them.

    An empty list means no link is left to check: when another run claims the
    candidates first, the next ones are tried.
    """
    while True:
        now = timezone.now()
        due = SourceLink.objects.due_for_check(checked_before=checked_before, now=now)
        candidates = list(
            due.order_by(F("last_checked_at").asc(nulls_first=True), "pk").values_list(
                "pk", flat=True
            )[:limit]
        )
        if not candidates:
            return []
        # The WHERE clause is evaluated again under the row lock, so rows another
        # run claimed in the meantime are left out.
        claimed = due.filter(pk__in=candidates).update(
            check_claim=token, check_lease_until=now + LEASE
        )
        if claimed:
            return list(SourceLink.objects.filter(pk__in=candidates, check_claim=token))


def source_link_record_check(
    *, link: SourceLink, token: uuid.UUID, result: CheckResult, broken_after: int
) -> str:
    """Store a check result on a claimed link; return its outcome.

    Outcomes: "ok", "failed", "broken" (newly flagged), "inconclusive", "lost"
    (the lease ran out and another run took the link).
    """
    fields = {
        "last_checked_at": timezone.now(),
        "http_status": result.status,
        "final_url": result.final_url[:2000],
        "last_check_error": result.error[:300],
        "check_claim": None,
        "check_lease_until": None,
    }
    if result.ok:
        outcome = "ok"
        fields.update(consecutive_failures=0, is_broken=False)
    elif result.inconclusive:
        outcome = "inconclusive"
    else:
        failures = link.consecutive_failures + 1
        is_broken = link.is_broken or failures >= broken_after
        outcome = "broken" if is_broken and not link.is_broken else "failed"
        fields.update(consecutive_failures=failures, is_broken=is_broken)
    updated = SourceLink.objects.filter(pk=link.pk, check_claim=token).update(**fields)
    if not updated:
        return "lost"
    if fields.get("is_broken", link.is_broken) != link.is_broken:
        content_changed.send(sender=SourceLink, articles=[link.article_id])
    return outcome
