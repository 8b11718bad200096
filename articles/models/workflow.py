import secrets

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actors import actor_field


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for review")
        PUBLISHED = "published", _("published")
        SCHEDULED = "scheduled", _("scheduled")
        UNPUBLISHED = "unpublished", _("unpublished")
        TRASHED = "trashed", _("moved to trash")
        RESTORED = "restored", _("restored from trash")
        PURGED = "purged", _("purged")
        REVISION_RESTORED = "revision_restored", _("restored a revision")
        PREVIEW_CREATED = "preview_created", _("created a preview link")
        PREVIEW_REVOKED = "preview_revoked", _("revoked a preview link")
        LINK_APPROVED = "link_approved", _("approved a source link")
        LINK_REJECTED = "link_rejected", _("rejected a source link")
        NOTE_ADDED = "note_added", _("added a correction or update")
        NOTE_WITHDRAWN = "note_withdrawn", _("withdrew a correction or update")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = actor_field(editable=True)
    # Kept so that the entry still names a deleted account.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["action", "-created_at"], name="audit_action_idx"),
        ]

    def __str__(self):
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}"


def new_preview_token() -> str:
    return secrets.token_urlsafe(32)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self) -> "PreviewLinkQuerySet":
        """Links that still open their article: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="preview_links"
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_preview_token, editable=False
    )
    note = models.CharField(
        max_length=200, blank=True, help_text=_("Who the link is for.")
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = actor_field()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = actor_field()

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return self.note or str(self.article)

    def get_absolute_url(self):
        return reverse("articles:preview", kwargs={"token": self.token})

    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class PreviewLinkUse(models.Model):
    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="uses")
    used_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-used_at", "-pk"]

    def __str__(self):
        return str(self.used_at)
