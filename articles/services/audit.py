from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ..models import Article, AuditEntry


def audit_record(
    *, actor, action: str, obj: models.Model, before: str = "", after: str = ""
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``obj``, changing before into after."""
    [entry] = audit_records(actor=actor, action=action, changes=[(obj, before, after)])
    return entry


@transaction.atomic
def audit_records(
    *, actor, action: str, changes, actor_name: str = ""
) -> list[AuditEntry]:
    """Record one action on many objects: (obj, before, after) each, one INSERT.

    ``actor_name`` names an actor that is not an account (the trusted-source rule).
    """
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor if is_user else None,
            actor_name=actor.get_username() if is_user else actor_name,
            action=action,
            content_type=ContentType.objects.get_for_model(
                obj, for_concrete_model=False
            ),
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            before=before,
            after=after,
        )
        for obj, before, after in changes
    )


def describe_state(article: Article) -> str:
    """Status with its publication time in the site's zone, for the audit log."""
    label = str(article.state_label())
    if article.published_at and article.status == Article.Status.PUBLISHED:
        when = timezone.localtime(article.published_at)
        return f"{label}, {when:%Y-%m-%d %H:%M} {timezone.get_current_timezone_name()}"
    return label
