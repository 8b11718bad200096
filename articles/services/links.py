"""Source links: submit, approve, reject, archive.

Every decision on a link, a moderator's or the trusted-source rule's, is written
by ``_decide``: the link's status, a ``SourceLinkDecision`` and an audit entry.
Archiving runs as a task, one per link, after the approval commits.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..archiver import ArchiveFailed, request_archive
from ..dispatch import ARCHIVE_SOURCE_LINK, enqueue
from ..models import AuditEntry, DeniedDomain, Source, SourceLink, SourceLinkDecision
from ..signals import content_changed
from ..urls_hygiene import host_matches, normalise_url
from .audit import audit_records

logger = logging.getLogger(__name__)

MODERATE_PERMISSION = "articles.change_sourcelinkmoderation"


class ModerationRefused(Exception):
    pass


@dataclass
class ModerationResult:
    changed: list[SourceLink] = field(default_factory=list)
    unchanged: list[SourceLink] = field(default_factory=list)
    refused: list[tuple[SourceLink, str]] = field(default_factory=list)


def _check_actor(actor) -> None:
    if actor is None or not actor.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied(_("You may not moderate source links."))


def _locked(links: QuerySet) -> QuerySet:
    """Lock the chosen rows; joins the caller added (admin select_related) dropped."""
    ids = list(links.values_list("pk", flat=True))
    return SourceLink.objects.select_for_update().filter(pk__in=ids).order_by("pk")


def _announce(links: list[SourceLink]) -> None:
    articles = sorted({link.article_id for link in links})
    transaction.on_commit(
        lambda: content_changed.send(sender=SourceLink, articles=articles)
    )


def _decide(*, links, actor, status, reason="", by_rule=False, actor_name="") -> None:
    """Write one decision for many links: one UPDATE, one INSERT of decisions,
    one INSERT of audit-log entries (one per link) and one signal.

    ``actor`` is the moderator, or None for a decision no person made (then
    ``actor_name`` says who did: the trusted-source rule, an import).
    """
    now = timezone.now()
    before = {link.pk: link.get_status_display() for link in links}
    rejection_reason = reason if status == SourceLink.Status.REJECTED else ""
    SourceLink.objects.filter(pk__in=[link.pk for link in links]).update(
        status=status,
        moderated_by=actor,
        moderated_at=now,
        rejection_reason=rejection_reason,
        approved_by_rule=by_rule,
    )
    action = SourceLinkDecision.action_for(status)
    SourceLinkDecision.objects.bulk_create(
        SourceLinkDecision(
            link=link,
            url=link.url,
            action=action,
            actor=actor,
            by_rule=by_rule,
            reason=reason,
            decided_at=now,
        )
        for link in links
    )
    for link in links:
        link.status, link.moderated_by, link.moderated_at = status, actor, now
        link.rejection_reason, link.approved_by_rule = rejection_reason, by_rule
    after = links[0].get_status_display()
    audit_records(
        actor=actor,
        actor_name=actor_name,
        action=(
            AuditEntry.Action.LINK_APPROVED
            if status == SourceLink.Status.APPROVED
            else AuditEntry.Action.LINK_REJECTED
        ),
        changes=[
            (link, before[link.pk], f"{after}: {reason}" if reason else after)
            for link in links
        ],
    )
    _announce(links)


@transaction.atomic
def source_link_save(*, link: SourceLink, actor) -> SourceLink:
    """Save a link as a person (or an import, ``actor`` None) entered it.

    A new link, or one whose URL changed, is a submission: it is stored pending
    (``SourceLink.save()``), then the trusted-source rule judges it, and an
    approval by the rule is recorded like a moderator's, by ``_decide``.
    """
    submitted = link.is_submission()
    if link._state.adding and actor is not None and actor.pk is not None:
        link.submitted_by = actor
    link.save()
    if submitted and link.is_vouched_for():
        _decide(
            links=[link],
            actor=None,
            status=SourceLink.Status.APPROVED,
            by_rule=True,
            actor_name=_("trusted-source rule"),
        )
    return link


@transaction.atomic
def source_links_submit(*, links: list[SourceLink]) -> list[SourceLink]:
    """Submit many new links at once (an import), as ``source_link_save`` does
    one: stored pending, then judged by the trusted-source rule. One INSERT and
    no signal: the caller sends ``content_changed`` for the links' articles with
    its own writes. Only links of a trusted source are judged (two queries each)."""
    for link in links:
        link.url = normalise_url(link.url)
        link.start_submission()
    created = SourceLink.objects.bulk_create(links)
    trusted = set(Source.objects.filter(is_trusted=True).values_list("pk", flat=True))
    vouched = [
        link for link in created if link.source_id in trusted and link.is_vouched_for()
    ]
    if vouched:
        _decide(
            links=vouched,
            actor=None,
            status=SourceLink.Status.APPROVED,
            by_rule=True,
            actor_name=_("trusted-source rule"),
        )
    return created


@transaction.atomic
def source_links_approve_imported(*, links: list[SourceLink], origin: str) -> None:
    """Approve links that come already approved from elsewhere (the demo archive).

    No person decided, so the decision and the audit entry name the origin.
    """
    pending = [link for link in links if link.status != SourceLink.Status.APPROVED]
    if pending:
        _decide(
            links=pending,
            actor=None,
            status=SourceLink.Status.APPROVED,
            reason=_("Imported already approved (%(origin)s).") % {"origin": origin},
            actor_name=origin,
        )


@transaction.atomic
def source_links_approve(*, links: QuerySet, actor) -> ModerationResult:
    """Approve the links that may be approved; say why the others were not."""
    _check_actor(actor)
    denied = list(DeniedDomain.objects.values_list("domain", flat=True))
    result = ModerationResult()
    for link in _locked(links):
        if link.status == SourceLink.Status.APPROVED:
            result.unchanged.append(link)
        elif link.submitted_by_id is not None and link.submitted_by_id == actor.pk:
            result.refused.append(
                (link, _("You cannot approve a link you submitted yourself."))
            )
        elif any(host_matches(link.host, domain) for domain in denied):
            result.refused.append((link, _("Its domain is on the deny-list.")))
        else:
            result.changed.append(link)
    if result.changed:
        _decide(links=result.changed, actor=actor, status=SourceLink.Status.APPROVED)
        if settings.ARCHIVER_ENDPOINT:
            _queue_archiving([link for link in result.changed if not link.archive_url])
    return result


def _queue_archiving(links: list[SourceLink]) -> None:
    """Mark links queued for archiving; one task each, so a slow one holds no other."""
    SourceLink.objects.filter(pk__in=[link.pk for link in links]).update(
        archive_status=SourceLink.ArchiveStatus.QUEUED,
        archive_attempts=0,
        archive_error="",
    )
    for link in links:
        enqueue(ARCHIVE_SOURCE_LINK, link_id=link.pk)


@transaction.atomic
def source_links_reject(*, links: QuerySet, actor, reason: str) -> ModerationResult:
    _check_actor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ModerationRefused(_("Give a reason for rejecting."))
    result = ModerationResult()
    for link in _locked(links):
        if link.status == SourceLink.Status.REJECTED:
            result.unchanged.append(link)
        else:
            result.changed.append(link)
    if result.changed:
        _decide(
            links=result.changed,
            actor=actor,
            status=SourceLink.Status.REJECTED,
            reason=reason,
        )
    return result


def _single(result: ModerationResult, link: SourceLink) -> SourceLink:
    if result.refused:
        raise ModerationRefused(result.refused[0][1])
    link.refresh_from_db()
    return link


def source_link_approve(*, link: SourceLink, actor) -> SourceLink:
    result = source_links_approve(
        links=SourceLink.objects.filter(pk=link.pk), actor=actor
    )
    return _single(result, link)


def source_link_reject(*, link: SourceLink, actor, reason: str) -> SourceLink:
    result = source_links_reject(
        links=SourceLink.objects.filter(pk=link.pk), actor=actor, reason=reason
    )
    return _single(result, link)


def source_link_archive(*, link_id: int) -> str:
    """Ask the archiver for a copy of a queued link; return the outcome.

    Outcomes: "archived", "failed" (the last attempt failed) or "skipped" (not
    queued, or already archived). While attempts remain, a failure is recorded
    and ArchiveFailed raised, so that the task is retried.
    """
    if not settings.ARCHIVER_ENDPOINT:
        return "skipped"
    # Each write below is conditional on it too: a link archived meanwhile stays.
    queued = SourceLink.objects.filter(
        pk=link_id, archive_url="", archive_status=SourceLink.ArchiveStatus.QUEUED
    )
    link = queued.first()
    if link is None:
        return "skipped"
    attempt, now = link.archive_attempts + 1, timezone.now()
    try:
        archive_url = request_archive(
            link.url,
            endpoint=settings.ARCHIVER_ENDPOINT,
            timeout=settings.ARCHIVER_TIMEOUT,
            user_agent=settings.SOURCE_LINK_CHECK_USER_AGENT,
        )
    except ArchiveFailed as exc:
        final = attempt >= settings.ARCHIVER_ATTEMPTS
        queued.update(
            archive_attempts=attempt,
            archive_attempted_at=now,
            archive_error=str(exc)[:300],
            archive_status=(
                SourceLink.ArchiveStatus.FAILED
                if final
                else SourceLink.ArchiveStatus.QUEUED
            ),
        )
        if final:
            logger.error(
                "Archiving %s failed after %d attempts: %s", link.url, attempt, exc
            )
            return "failed"
        logger.warning("Archiving %s failed (attempt %d): %s", link.url, attempt, exc)
        raise
    if not queued.update(
        archive_url=archive_url,
        archive_attempts=attempt,
        archive_attempted_at=now,
        archive_error="",
        archive_status=SourceLink.ArchiveStatus.ARCHIVED,
    ):
        return "skipped"
    # Readers of a broken link are sent to the copy.
    content_changed.send(sender=SourceLink, articles=[link.article_id])
    return "archived"
