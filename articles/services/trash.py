from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Article, AuditEntry
from ..permissions import can_publish, can_purge, can_trash
from .audit import audit_record, describe_state
from .workflow import articles_changed


@transaction.atomic
def article_trash(*, article: Article, actor) -> Article:
    """Move the article to the trash: hidden everywhere, restorable."""
    if not can_trash(actor, article):
        raise PermissionDenied
    before = describe_state(article)
    now = timezone.now()
    Article.objects.filter(pk=article.pk, trashed_at__isnull=True).update(
        trashed_at=now, trashed_by=actor, version=F("version") + 1
    )
    article.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.TRASHED,
        obj=article,
        before=before,
        after=describe_state(article),
    )
    articles_changed([article.pk])
    return article


@transaction.atomic
def article_restore(*, article: Article, actor) -> Article:
    """Take the article out of the trash in the state it had before."""
    if not can_publish(actor):
        raise PermissionDenied
    if not article.is_trashed:
        raise ValidationError(
            _("“%(title)s” is not in the trash.") % {"title": article}
        )
    Article.objects.filter(pk=article.pk).update(
        trashed_at=None, trashed_by=None, version=F("version") + 1
    )
    article.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.RESTORED,
        obj=article,
        before=_("In trash"),
        after=describe_state(article),
    )
    articles_changed([article.pk])
    return article


@transaction.atomic
def article_purge(*, article: Article, actor) -> None:
    """Delete a trashed article for good; its audit entries remain."""
    if not can_purge(actor):
        raise PermissionDenied
    if not article.is_trashed:
        raise ValidationError(
            _("Only articles in the trash can be purged; “%(title)s” is not.")
            % {"title": article}
        )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.PURGED,
        obj=article,
        before=_("In trash"),
        after=_("Deleted"),
    )
    pk = article.pk
    article.delete()
    articles_changed([pk])
