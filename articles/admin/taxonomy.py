from django.contrib import admin

from ..models import Category, Language, Source, SourceDomain
from .mixins import HttpsURLMixin


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "native_name", "code"]
    search_fields = ["name", "native_name", "code"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class SourceDomainInline(admin.TabularInline):
    model = SourceDomain
    extra = 1


@admin.register(Source)
class SourceAdmin(HttpsURLMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "homepage", "language", "is_trusted"]
    list_filter = ["is_trusted"]
    list_select_related = ["language"]
    search_fields = ["name", "slug", "homepage", "domains__domain"]
    inlines = [SourceDomainInline]
    prepopulated_fields = {"slug": ["name"]}
