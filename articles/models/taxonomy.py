import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..urls_absolute import archive_url
from ..urls_hygiene import host_matches, url_host

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Language(models.Model):
    code = models.CharField(
        max_length=20, unique=True, help_text=_("BCP 47 code, e.g. en, zh-hans.")
    )
    name = models.CharField(max_length=100, help_text=_("English name."))
    native_name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Order in the site navigation (lowest first).")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return archive_url("articles:category", self.slug)


class Source(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    homepage = models.URLField(max_length=500, blank=True)
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The language the source usually publishes in."),
    )
    is_trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_(
            "New links to this source's domains are approved without moderation."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return archive_url("articles:source", self.slug)

    @property
    def name_lang(self):
        """The lang of the name when it is written in Chinese characters, else None."""
        if not _HAN.search(self.name):
            return None
        code = self.language.code if self.language_id else ""
        return code if code.startswith("zh") else "zh"

    def covers(self, host: str) -> bool:
        """True if host is on one of the source's domains, or its homepage's site.

        The homepage counts as "www.caixinglobal.com" without its "www.", so a
        source whose domains were never entered is still recognised on its own
        site. Reads ``domains.all()``: prefetch ``source__domains`` for a list.
        """
        if not host:
            return False
        if any(entry.covers(host) for entry in self.domains.all()):
            return True
        site = url_host(self.homepage)
        if site.startswith("www.") and site.count(".") > 1:
            site = site[4:]
        return bool(site) and host_matches(host, site)
