"""Corrections and updates: added and withdrawn, each step in the audit log.

A note is never edited or deleted: what readers were told stays on record, and a
note found wrong is withdrawn with a reason, which the article then shows.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Article, ArticleNote, AuditEntry
from .audit import audit_record

# How much of a note's text its audit entry repeats.
AUDIT_EXCERPT = 500


def describe_note(note: ArticleNote) -> str:
    """Kind, number and text of a note, for the audit log."""
    return f"{note.get_kind_display()} #{note.pk}: {note.text[:AUDIT_EXCERPT]}"


@transaction.atomic
def article_note_add(*, article: Article, actor, kind: str, text: str) -> ArticleNote:
    """Add a dated correction or update under a published article."""
    if not actor.has_perm("articles.add_articlenote"):
        raise PermissionDenied
    if not Article.objects.published().filter(pk=article.pk).exists():
        raise ValidationError(
            _("Corrections and updates are added to published articles only.")
        )
    text = text.strip()
    if not text:
        raise ValidationError(_("Say what was corrected or updated."))
    note = ArticleNote(
        article=article, kind=kind, text=text, noted_by=actor, noted_at=timezone.now()
    )
    note.full_clean()
    note.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.NOTE_ADDED,
        obj=article,
        after=describe_note(note),
    )
    return note


@transaction.atomic
def article_note_withdraw(*, note: ArticleNote, actor, reason: str) -> ArticleNote:
    """Withdraw a note: it stays on the article, marked withdrawn with the reason.

    Withdrawing a note already withdrawn changes nothing.
    """
    if not actor.has_perm("articles.change_articlenote"):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason the note is withdrawn."))
    # Locked, so that two editors withdrawing at once record one withdrawal.
    current = ArticleNote.objects.select_for_update().get(pk=note.pk)
    if current.is_withdrawn:
        return current
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = actor
    current.withdrawal_reason = reason
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.NOTE_WITHDRAWN,
        obj=current.article,
        before=describe_note(current),
        after=_("withdrawn: %(reason)s") % {"reason": reason[:AUDIT_EXCERPT]},
    )
    return current
