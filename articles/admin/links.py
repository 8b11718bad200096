from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import DeniedDomain, SourceLink
from ..services import source_link_save
from ..urls_hygiene import normalise_url
from .mixins import HttpsURLMixin

LINK_READONLY = ["status", "rejection_reason", "health", "archive"]

STORED_URL_REFUSED = _(
    "This link's URL was stored before the current URL rules, which refuse it: "
    "%(reason)s Nothing was saved. Reject the link, or have an editor correct "
    "its URL."
)


class SourceLinkForm(forms.ModelForm):
    """A link form that says why a stored URL it does not show cannot be saved."""

    def clean(self):
        cleaned = super().clean()
        # Saving writes the URL again, and the field refuses what today's rules
        # refuse: say so here rather than fail on the write.
        if "url" not in self.fields and self.instance.pk:
            try:
                normalise_url(self.instance.url)
            except ValidationError as exc:
                raise ValidationError(
                    STORED_URL_REFUSED,
                    code="stored_url",
                    params={"reason": " ".join(exc.messages)},
                ) from exc
        return cleaned


class LinkHealthMixin:
    """Columns shared by the queue, the source-link admin and the article's links.

    Their querysets come through ``with_source_domains()`` for ``readers_see``.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).with_source_domains()

    @admin.display(description=_("readers see"), ordering="source__name")
    def readers_see(self, link):
        """The name readers are given: the source's, else the domain's, said plainly.

        A source whose site the link is not on is flagged: readers would be told
        the page is that source's.
        """
        if link.source_id:
            if link.matches_source():
                return link.source.name
            return format_html(
                '{} <span class="domain-mismatch">{}</span>',
                link.source.name,
                _("⚠ %(domain)s is not its site") % {"domain": link.site_name},
            )
        if not link.url:
            return "—"
        return _("%(domain)s (no source matches this domain)") % {
            "domain": link.site_name
        }

    @admin.display(description=_("health"))
    def health(self, link):
        code = link.http_status or "—"
        if link.is_broken:
            return _("broken (%(code)s)") % {"code": code}
        if link.last_checked_at is None:
            return _("not checked")
        if link.consecutive_failures:
            return _("failing ×%(n)s (%(code)s)") % {
                "n": link.consecutive_failures,
                "code": code,
            }
        return _("OK (%(code)s)") % {"code": code}

    @admin.display(description=_("archive"))
    def archive(self, link):
        """The archiver's last word on the link: queued, archived or failed, and why."""
        status = link.get_archive_status_display()
        if link.archive_status == SourceLink.ArchiveStatus.NONE:
            return "—"
        if not link.archive_error:
            return status
        return _("%(status)s after %(n)s attempt(s): %(error)s") % {
            "status": status,
            "n": link.archive_attempts,
            "error": link.archive_error,
        }


class SourceLinkFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        if "url" in unique_check:
            return _(
                "The same URL is entered twice (tracking parameters and "
                "#fragments are ignored when comparing). Remove one of them."
            )
        return super().get_unique_error_message(unique_check)


class SourceLinkInline(LinkHealthMixin, HttpsURLMixin, admin.StackedInline):
    """Links as authors enter them: they start pending; moderators decide.

    Stacked, each field with its label: as table columns the link's eight
    fields made the article form wider than a laptop's screen.
    """

    model = SourceLink
    formset = SourceLinkFormSet
    extra = 1
    fields = ["url", "source", "language", "archive_url", *LINK_READONLY]
    readonly_fields = LINK_READONLY
    autocomplete_fields = ["source"]


@admin.register(SourceLink)
class SourceLinkAdmin(LinkHealthMixin, HttpsURLMixin, admin.ModelAdmin):
    """Links one by one, by address; not on the admin index.

    Editors and authors enter links in the article form, and moderators work in
    the queue; a second list of the same links would only be a second menu entry
    to choose between.
    """

    form = SourceLinkForm
    list_display = [
        "url",
        "article",
        "readers_see",
        "language",
        "status",
        "health",
        "archive",
    ]
    list_filter = ["status", "is_broken", "archive_status", "source"]
    list_select_related = ["article", "source", "language"]
    search_fields = ["url", "article__title", "source__name"]
    autocomplete_fields = ["article", "source"]
    search_help_text = _("Search by URL, article title or source name.")
    fields = ["article", "url", "source", "language", "archive_url", *LINK_READONLY]
    readonly_fields = LINK_READONLY

    def get_readonly_fields(self, request, obj=None):
        # Moderators judge links; moving one to another article is an edit.
        if obj is None or request.user.has_perm("articles.change_article"):
            return LINK_READONLY
        return [*LINK_READONLY, "article", "url"]

    def get_model_perms(self, request):
        return {}

    def save_model(self, request, obj, form, change):
        source_link_save(link=obj, actor=request.user)


@admin.register(DeniedDomain)
class DeniedDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "reason", "created_at"]
    search_fields = ["domain", "reason"]
