from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from ..urls_hygiene import host_matches, normalise_domain
from .taxonomy import Source


class DomainQuerySet(models.QuerySet):
    def covering(self, host: str) -> "DomainQuerySet":
        """Entries whose domain is the host or a parent of it, most specific first."""
        if not host:
            return self.none()
        labels = host.split(".")
        candidates = [".".join(labels[i:]) for i in range(len(labels))]
        return self.filter(domain__in=candidates).order_by(Length("domain").desc())


class DomainMixin(models.Model):
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text=_("A domain such as example.com; its subdomains are included."),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = normalise_domain(self.domain)
        super().save(*args, **kwargs)

    def clean(self):
        try:
            self.domain = normalise_domain(self.domain)
        except ValidationError as exc:
            raise ValidationError({"domain": exc.messages}) from exc

    def covers(self, host: str) -> bool:
        return host_matches(host, self.domain)


class SourceDomain(DomainMixin):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="domains")

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]


class DeniedDomain(DomainMixin):
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
