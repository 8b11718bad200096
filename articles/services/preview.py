import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Article, AuditEntry, PreviewLink, PreviewLinkUse
from .audit import audit_record


@transaction.atomic
def preview_link_create(
    *, article: Article, actor, expires_at: datetime.datetime, note: str = ""
) -> PreviewLink:
    """Create a secret link that shows an unpublished article until it expires."""
    if not actor.has_perm("articles.add_previewlink"):
        raise PermissionDenied
    if not Article.objects.previewable().filter(pk=article.pk).exists():
        raise ValidationError(
            _("Only drafts and scheduled articles outside the trash get preview links.")
        )
    if expires_at <= timezone.now():
        raise ValidationError(_("The expiry must be in the future."))
    link = PreviewLink.objects.create(
        article=article, expires_at=expires_at, note=note, created_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.PREVIEW_CREATED,
        obj=article,
        after=_("link #%(pk)s until %(when)s")
        % {"pk": link.pk, "when": f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M}"},
    )
    return link


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, actor) -> PreviewLink:
    if not actor.has_perm("articles.change_previewlink"):
        raise PermissionDenied
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.PREVIEW_REVOKED,
            obj=link.article,
            before=_("link #%(pk)s active") % {"pk": link.pk},
            after=_("revoked"),
        )
    return link


@transaction.atomic
def preview_link_open(
    *, token: str, ip_address: str | None, user_agent: str
) -> PreviewLink | None:
    """Return the active link for the token and log the visit; None if unusable."""
    link = (
        PreviewLink.objects.active()
        .filter(token=token, article__trashed_at__isnull=True)
        .select_related("article")
        .first()
    )
    if link is None:
        return None
    PreviewLinkUse.objects.create(
        link=link, ip_address=ip_address or None, user_agent=user_agent[:500]
    )
    return link
