from django.contrib import admin

from ..models import SearchSynonym
from ..models.synonyms import split_names


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Names search treats as one (深圳 and Shenzhen); editors extend the list."""

    list_display = ["name", "names", "updated_at"]
    search_fields = ["name", "terms"]

    @admin.display(description="names")
    def names(self, synonym):
        return " · ".join(split_names(synonym.terms))
