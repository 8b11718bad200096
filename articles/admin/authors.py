"""Authors' public profiles, and the ordered authors of an article."""

from django import forms
from django.contrib import admin

from ..forms import ArticleImageField
from ..models import ArticleAuthor, Author, AuthorLink
from .mixins import HttpsURLMixin, LabelledRowsMixin


class AuthorAdminForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = ["name", "name_zh", "slug", "bio", "photo", "user"]
        # Decoded in full and refused with a reason, as featured images are.
        field_classes = {"photo": ArticleImageField}


class AuthorLinkInline(LabelledRowsMixin, HttpsURLMixin, admin.TabularInline):
    model = AuthorLink
    extra = 1
    fields = ["label", "url", "position"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "name_zh", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "name_zh", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    inlines = [AuthorLinkInline]


class ArticleAuthorInline(LabelledRowsMixin, admin.TabularInline):
    """The byline, lowest position first; a new article starts with the editor's
    own author (see ArticleAdmin.get_formset_kwargs)."""

    model = ArticleAuthor
    extra = 1
    fields = ["author", "position"]
    autocomplete_fields = ["author"]


def default_bylines(user) -> list[dict]:
    """Initial rows of a new article's byline: the account's own author, if any."""
    author = Author.objects.filter(user=user).only("pk").first()
    return [{"author": author.pk, "position": 1}] if author else []
