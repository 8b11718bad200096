from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Article, Language, SourceLink
from .links import SourceLinkInline


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "lead", "body", "status", "published_at", "author",
            "language", "categories", "tags", "image", "image_alt",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get(
            "categories"
        ):
            self.add_error(
                "categories", _("Choose at least one category before publishing.")
            )
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", _("Describe the image for readers who cannot see it.")
            )
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "published_at", "category_list", "author"]
    list_filter = ["status", "categories", "language", "source_links__source"]
    list_select_related = ["author"]
    search_fields = ["title", "lead", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories"]
    inlines = [SourceLinkInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (
            _("Publishing"),
            {"fields": ["status", "published_at", "author", "language"]},
        ),
        (_("Filing"), {"fields": ["categories", "tags"]}),
        (_("Featured image"), {"fields": ["image", "image_alt"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    def save_formset(self, request, form, formset, change):
        if formset.model is SourceLink:
            for link_form in formset.forms:
                if link_form.instance.pk is None:
                    link_form.instance.submitted_by = request.user
        super().save_formset(request, form, formset, change)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        english = Language.objects.filter(code="en").first()
        if english:
            initial.setdefault("language", english.pk)
        return initial
