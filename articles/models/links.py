from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import NormalisedURLField
from ..urls_hygiene import normalise_url, url_host
from .actors import actor_field
from .taxonomy import Language, Source

HEALTH_FIELDS = {
    "last_checked_at": None,
    "http_status": None,
    "final_url": "",
    "last_check_error": "",
    "consecutive_failures": 0,
    "is_broken": False,
}


class SourceLinkQuerySet(models.QuerySet):
    def approved(self) -> "SourceLinkQuerySet":
        return self.filter(status=SourceLink.Status.APPROVED)

    def pending(self) -> "SourceLinkQuerySet":
        return self.filter(status=SourceLink.Status.PENDING)

    def broken(self) -> "SourceLinkQuerySet":
        return self.filter(is_broken=True)

    def due_for_check(self, *, checked_before, now) -> "SourceLinkQuerySet":
        """Approved links not checked since checked_before and not leased by a run."""
        return self.approved().filter(
            Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=checked_before),
            Q(check_lease_until__isnull=True) | Q(check_lease_until__lt=now),
        )


class SourceLink(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="source_links"
    )
    url = NormalisedURLField(
        "URL",
        help_text=_("Tracking parameters (utm_*, fbclid…) and #fragments are removed."),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
        help_text=_("Left empty, it is filled from the sources' domains."),
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Language of the linked page; empty means the source's language."),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = actor_field()
    moderated_by = actor_field()
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejection_reason = models.TextField(blank=True, editable=False)
    approved_by_rule = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Approved on creation because its source is trusted."),
    )
    archive_url = NormalisedURLField(
        _("archive URL"),
        blank=True,
        strip_tracking=False,
        help_text=_("An archived copy, shown to readers if the link breaks."),
    )
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    http_status = models.PositiveSmallIntegerField(
        _("HTTP status"), null=True, blank=True, editable=False
    )
    final_url = models.URLField(
        _("final URL"), max_length=2000, blank=True, editable=False
    )
    last_check_error = models.CharField(max_length=300, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    is_broken = models.BooleanField(_("broken"), default=False, editable=False)
    check_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    check_claim = models.UUIDField(null=True, blank=True, editable=False)

    objects = SourceLinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "url"],
                name="sourcelink_unique_url_per_article",
                violation_error_message=_(
                    "This article already links to this URL (tracking parameters "
                    "and #fragments are ignored when comparing)."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "source"], name="sourcelink_status_idx"),
            models.Index(
                fields=["status", "last_checked_at"], name="sourcelink_check_idx"
            ),
        ]

    def __str__(self):
        return self.url

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        decided_by_rule = False
        if update_fields is None or "url" in update_fields:
            self.url = normalise_url(self.url)
            if self.archive_url:
                self.archive_url = normalise_url(
                    self.archive_url, strip_tracking_params=False
                )
        resubmitted = self._state.adding or self.url != getattr(
            self, "_loaded_url", self.url
        )
        if resubmitted and update_fields is None:
            decided_by_rule = self._apply_submission_rules()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if decided_by_rule:
                from .moderation import SourceLinkDecision

                SourceLinkDecision.record(link=self, actor=None, by_rule=True)
        self._loaded_url = self.url

    def get_absolute_url(self):
        return self.url

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_url = instance.__dict__.get("url")
        return instance

    @property
    def host(self) -> str:
        return url_host(self.url)

    def _apply_submission_rules(self) -> bool:
        """Fill the source, reset health, apply the trusted-source rule.

        Return True if the trusted-source rule approved the link.
        """
        from .domains import DeniedDomain, SourceDomain

        host = self.host
        match = SourceDomain.objects.covering(host).select_related("source").first()
        if self.source_id is None and match is not None:
            self.source = match.source
        if not self._state.adding:
            for name, value in HEALTH_FIELDS.items():
                setattr(self, name, value)
            self.status = self.Status.PENDING
            self.moderated_by, self.moderated_at = None, None
            self.approved_by_rule, self.rejection_reason = False, ""
        trusted = (
            match is not None
            and match.source.is_trusted
            and match.source_id == self.source_id
            and not DeniedDomain.objects.covering(host).exists()
        )
        if trusted:
            self.status = self.Status.APPROVED
            self.approved_by_rule = True
            self.moderated_by, self.moderated_at = None, timezone.now()
        return trusted

    @property
    def link_language(self):
        """Language of the linked page: its own, else its source's."""
        if self.language_id:
            return self.language
        return self.source.language if self.source_id else None

    def public_target(self) -> tuple[str, bool]:
        """Return (URL to send readers to, whether it is the archived copy).

        A link flagged broken sends readers to its archived copy, or nowhere (an
        empty URL), unless SOURCE_LINKS_SHOW_BROKEN keeps it.
        """
        if self.is_broken and not settings.SOURCE_LINKS_SHOW_BROKEN:
            return self.archive_url, bool(self.archive_url)
        return self.url, False

    def attribution(self):
        """Return (source, language) for the "Read more" label.

        The language is given only when it differs from the article's, as in
        "Read more on Caixin (in Chinese)".
        """
        language = self.link_language
        if language is not None and language.pk == self.article.language_id:
            language = None
        return self.source, language
