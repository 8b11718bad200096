import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import Article, AuditEntry
from ..permissions import can_edit, can_publish, can_submit
from ..signals import content_changed
from .audit import audit_record, describe_state
from .revisions import article_record_revision

Status = Article.Status


def articles_changed(pks: Iterable[int]) -> None:
    """Tell listeners, once the transaction commits, that these articles changed."""
    pks = list(pks)
    transaction.on_commit(
        lambda: content_changed.send(sender=Article, articles=pks), robust=True
    )


def _publish_action(article: Article) -> str:
    return (
        AuditEntry.Action.SCHEDULED
        if article.is_scheduled
        else AuditEntry.Action.PUBLISHED
    )


def _transition(
    *, article: Article, actor, allowed_from, action, comment: str, **changes
) -> Article:
    """Move the article if it is still in an allowed status (compare-and-set)."""
    before = describe_state(article)
    updated = Article.objects.filter(
        pk=article.pk, status__in=allowed_from, trashed_at__isnull=True
    ).update(version=F("version") + 1, **changes)
    if not updated:
        raise ValidationError(
            _("“%(title)s” is no longer %(states)s.")
            % {
                "title": article,
                "states": _(" or ").join(str(Status(s).label) for s in allowed_from),
            }
        )
    article.refresh_from_db()
    audit_record(
        actor=actor,
        action=action(article) if callable(action) else action,
        obj=article,
        before=before,
        after=describe_state(article),
    )
    article_record_revision(article=article, actor=actor, comment=comment)
    articles_changed([article.pk])
    return article


@transaction.atomic
def article_submit(*, article: Article, actor) -> Article:
    """Send a draft to the editors for review."""
    if not can_submit(actor, article):
        raise PermissionDenied
    return _transition(
        article=article,
        actor=actor,
        allowed_from=[Status.DRAFT],
        action=AuditEntry.Action.SUBMITTED,
        comment=_("Submitted for review."),
        status=Status.IN_REVIEW,
    )


@transaction.atomic
def article_publish(
    *, article: Article, actor, published_at: datetime.datetime | None = None
) -> Article:
    """Publish now, or schedule when the publication time is in the future.

    Without ``published_at`` the article keeps the time it has, else now.
    """
    if not can_publish(actor):
        raise PermissionDenied
    if not article.categories.exists():
        raise ValidationError(
            _("“%(title)s” needs a category before publishing.") % {"title": article}
        )
    when = Article.publication_time(published_at or article.published_at)
    return _transition(
        article=article,
        actor=actor,
        allowed_from=[Status.DRAFT, Status.IN_REVIEW],
        action=_publish_action,
        comment=_("Published."),
        status=Status.PUBLISHED,
        published_at=when,
    )


@transaction.atomic
def article_unpublish(*, article: Article, actor) -> Article:
    """Take a published or scheduled article back to draft."""
    if not can_publish(actor):
        raise PermissionDenied
    return _transition(
        article=article,
        actor=actor,
        allowed_from=[Status.PUBLISHED],
        action=AuditEntry.Action.UNPUBLISHED,
        comment=_("Unpublished."),
        status=Status.DRAFT,
    )


def _status_action(previous: Article | None, article: Article) -> str | None:
    was = previous.status if previous else None
    if article.status == Status.PUBLISHED:
        if was != Status.PUBLISHED or previous.published_at != article.published_at:
            return _publish_action(article)
        return None
    if was == Status.PUBLISHED:
        return AuditEntry.Action.UNPUBLISHED
    if article.status == Status.IN_REVIEW and was != Status.IN_REVIEW:
        return AuditEntry.Action.SUBMITTED
    return None


@transaction.atomic
def article_save(*, article: Article, actor, previous: Article | None) -> Article:
    """Save an edited article after checking who may make this change.

    ``previous`` is the stored state before the edit (None for a new article).
    Authors create and edit their own drafts and may submit them; only holders
    of ``publish_article`` may set, move or lift a publication.
    """
    if previous is None:
        if not actor.has_perm("articles.add_article"):
            raise PermissionDenied
    elif not can_edit(actor, previous):
        raise PermissionDenied
    if not can_publish(actor):
        if article.status not in (Status.DRAFT, Status.IN_REVIEW):
            raise PermissionDenied
        article.author = previous.author if previous else actor
    action = _status_action(previous, article)
    article.save()
    if action:
        audit_record(
            actor=actor,
            action=action,
            obj=article,
            before=describe_state(previous) if previous else "",
            after=describe_state(article),
        )
    return article
