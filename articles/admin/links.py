from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import SourceLink
from .mixins import HttpsURLMixin


class SourceLinkInline(HttpsURLMixin, admin.TabularInline):
    model = SourceLink
    extra = 1
    fields = ["url", "source", "language", "status"]
    autocomplete_fields = ["source"]

    def get_readonly_fields(self, request, obj=None):
        # Only moderators and editors approve; authors' new links wait as pending.
        if request.user.has_perm("articles.change_sourcelink"):
            return []
        return ["status"]


@admin.register(SourceLink)
class SourceLinkAdmin(HttpsURLMixin, admin.ModelAdmin):
    list_display = ["url", "article", "source", "language", "status", "created_at"]
    list_filter = ["status", "source"]
    list_select_related = ["article", "source", "language"]
    search_fields = ["url", "article__title", "source__name"]
    autocomplete_fields = ["article", "source"]
    search_help_text = _("Search by URL, article title or source name.")

    def get_readonly_fields(self, request, obj=None):
        # Moderators judge links; moving one to another article is an edit.
        if request.user.has_perm("articles.change_article"):
            return []
        return ["article", "url"]
