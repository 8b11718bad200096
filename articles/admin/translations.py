"""Linked translations in the article admin: the story's versions, and a warning
when another version was updated after the one on screen."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .notes import local_time

# Loads what story_versions() reads, for the change list and the change form.
STORY_PREFETCH = ["translations__language", "translation_of__translations__language"]


def story_versions(article) -> list:
    """The other versions of article's story, original first (from STORY_PREFETCH)."""
    if article.pk is None:
        return []
    original = article.translation_of
    if original is None:
        return list(article.translations.all())
    siblings = [t for t in original.translations.all() if t.pk != article.pk]
    return [original, *siblings]


def newer_versions(article) -> list:
    """The other versions saved after article."""
    return [
        other
        for other in story_versions(article)
        if article.updated_at and other.updated_at > article.updated_at
    ]


def outdated_warning(other) -> str:
    return _("The %(language)s version was updated on %(date)s, after this one.") % {
        "language": other.language.name,
        "date": local_time(other.updated_at),
    }


class TranslationsAdminMixin:
    """Shows the translation group on the change form and in the change list."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("translation_of__language")
            .prefetch_related(*STORY_PREFETCH)
        )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "translation_group"]

    @admin.display(description=gettext_lazy("translation group"))
    def translation_group(self, obj):
        versions = story_versions(obj)
        if not versions:
            return _("No linked translations.")
        rows = format_html_join(
            "",
            "<li><a href='{}'>{}</a> ({}, {}; {})</li>",
            (
                (
                    reverse("admin:articles_article_change", args=[other.pk]),
                    other.title,
                    other.language.name,
                    _("original")
                    if other.pk == obj.translation_of_id
                    else _("translation"),
                    _("updated %(date)s") % {"date": local_time(other.updated_at)},
                )
                for other in versions
            ),
        )
        warnings = format_html_join(
            "",
            "<li class='translation-outdated'><strong>{}</strong></li>",
            ((outdated_warning(other),) for other in newer_versions(obj)),
        )
        return format_html("<ul>{}{}</ul>", warnings, rows)

    @admin.display(description=gettext_lazy("translations"))
    def translations_column(self, obj):
        versions = story_versions(obj)
        if not versions:
            return ""
        names = ", ".join(other.language.name for other in versions)
        newer = newer_versions(obj)
        if newer:
            return format_html(
                "{} <strong class='translation-outdated'>⚠ {}</strong>",
                names,
                " ".join(outdated_warning(other) for other in newer),
            )
        return names
