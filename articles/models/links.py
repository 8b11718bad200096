from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..fields import NormalisedURLField
from ..urls_hygiene import normalise_url, url_host
from .actors import actor_field
from .domains import DeniedDomain, SourceDomain
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

    def with_source_domains(self) -> "SourceLinkQuerySet":
        """Fetch what ``matches_source()`` reads, in one query for a whole list.

        It leaves ``select_related()`` to the caller: the admin's changelist
        applies its ``list_select_related`` only to a queryset without one.
        """
        return self.prefetch_related("source__domains")

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

    class ArchiveStatus(models.TextChoices):
        NONE = "", _("not requested")
        QUEUED = "queued", _("queued")
        ARCHIVED = "archived", _("archived")
        FAILED = "failed", _("failed")

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
    archive_status = models.CharField(
        max_length=10,
        choices=ArchiveStatus.choices,
        default=ArchiveStatus.NONE,
        blank=True,
        editable=False,
    )
    archive_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    archive_attempted_at = models.DateTimeField(null=True, blank=True, editable=False)
    archive_error = models.CharField(max_length=300, blank=True, editable=False)
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
        """Store the normalised URL; a new or changed URL is a new submission.

        A submission gets its source from the sources' domains and starts
        pending, with no decision and no health record: an approval covers the
        URL it was given for. Decisions (a moderator's, the trusted-source
        rule's) are written by ``articles.services.links``, never here.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "url" in update_fields:
            self.url = normalise_url(self.url)
            if self.archive_url:
                self.archive_url = normalise_url(
                    self.archive_url, strip_tracking_params=False
                )
        if update_fields is None and self.is_submission():
            self.start_submission()
        super().save(*args, **kwargs)
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

    @property
    def site_name(self) -> str:
        """The host as readers name a site: "sznews.com" for www.sznews.com."""
        host = self.host
        return host[4:] if host.startswith("www.") and host.count(".") > 1 else host

    def is_submission(self) -> bool:
        """True for a new link or a changed URL: one no decision covers yet."""
        if self._state.adding:
            return True
        loaded = getattr(self, "_loaded_url", None)
        return loaded is not None and normalise_url(self.url) != loaded

    def start_submission(self) -> None:
        """Reset the link to a fresh submission: pending, its source from the
        sources' domains when none is given, no decision, no health record."""
        if self.source_id is None:
            match = SourceDomain.objects.covering(self.host).first()
            self.source_id = match.source_id if match else None
        for name, value in HEALTH_FIELDS.items():
            setattr(self, name, value)
        self.status = self.Status.PENDING
        self.moderated_by, self.moderated_at = None, None
        self.approved_by_rule, self.rejection_reason = False, ""

    def matches_source(self) -> bool:
        """False if the link names a source whose site its host is not on.

        A link with no source matches: readers are given its domain, which is
        true. One whose source does not cover its host would show readers
        "Read more on <Source>" for someone else's page; moderators are warned
        before approving it.
        """
        return self.source_id is None or self.source.covers(self.host)

    def is_vouched_for(self) -> bool:
        """True if the trusted-source rule approves the link.

        Its host must be one of its own source's domains (the most specific
        match), the source trusted, and no denied domain may cover the host.
        """
        host = self.host
        match = SourceDomain.objects.covering(host).select_related("source").first()
        return (
            match is not None
            and match.source.is_trusted
            and match.source_id == self.source_id
            and not DeniedDomain.objects.covering(host).exists()
        )

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
