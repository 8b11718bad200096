from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def split_names(text: str) -> list[str]:
    """The names of a group: one a line, blank lines and repeats left out."""
    names = (" ".join(line.split()) for line in text.splitlines())
    return [name for name in dict.fromkeys(names) if name]


class SearchSynonymQuerySet(models.QuerySet):
    def groups(self) -> list[tuple[str, ...]]:
        """Every group's names, in one query (search expands a query with them)."""
        return [
            tuple(split_names(terms)) for terms in self.values_list("terms", flat=True)
        ]


class SearchSynonym(models.Model):
    """Names search treats as one: a place or institution in each language and script.

    A query naming any of them finds stories that use any other (深圳 finds
    "Shenzhen"). Editors keep the list in the admin; saving one retires cached
    search pages (the ``search`` stamp).
    """

    name = models.CharField(max_length=100, unique=True)
    terms = models.TextField(
        help_text=_(
            "One name a line, e.g. Shenzhen, 深圳. Traditional and Simplified "
            "characters match each other anyway; case does not matter."
        )
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SearchSynonymQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("search synonym group")

    def __str__(self):
        return self.name

    def clean(self):
        names = split_names(self.terms)
        if len(names) < 2:
            raise ValidationError({"terms": _("Give at least two names, one a line.")})
        if any(len(name) > 100 for name in names):
            raise ValidationError({"terms": _("A name is at most 100 characters.")})
