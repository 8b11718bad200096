from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actors import actor_field
from .links import SourceLink


class SourceLinkModeration(SourceLink):
    """The moderation queue: its own admin and its own permissions."""

    class Meta:
        proxy = True
        verbose_name = _("link in the moderation queue")
        verbose_name_plural = _("moderation queue")


class SourceLinkDecision(models.Model):
    """One moderation decision: who, when, what, why."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    link = models.ForeignKey(
        SourceLink, on_delete=models.CASCADE, related_name="decisions"
    )
    url = models.URLField("URL", max_length=2000, help_text=_("The URL decided on."))
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = actor_field(editable=True)
    by_rule = models.BooleanField(
        default=False, help_text=_("Decided by the trusted-source rule, not a person.")
    )
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        get_latest_by = "decided_at"
        indexes = [
            models.Index(fields=["link", "-decided_at"], name="decision_link_idx")
        ]

    def __str__(self):
        return self.get_action_display()

    @classmethod
    def action_for(cls, status: str) -> str:
        approved = status == SourceLink.Status.APPROVED
        return cls.Action.APPROVED if approved else cls.Action.REJECTED
