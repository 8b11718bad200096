"""The rules of linked translations, checked on the article form.

A story's versions are an original and the articles naming it in
``Article.translation_of``; one version per language. The database refuses an
article naming itself and two translations of one original in the same language;
the rules that span rows (the original's own language, no translation of a
translation) are checked here, from ``Article.clean()``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def translation_problems(article) -> None:
    """Raise a ValidationError naming what is wrong with article's link, if anything."""
    original = article.translation_of
    articles = type(article).objects
    own = articles.filter(translation_of=article.pk) if article.pk else articles.none()
    if original is None:
        if article.language_id and own.filter(language=article.language_id).exists():
            raise ValidationError(
                {
                    "language": _(
                        "A translation of this article is in this language already: "
                        "a story has one version per language."
                    )
                }
            )
        return
    if article.pk is not None and original.pk == article.pk:
        problem = _("An article cannot be a translation of itself.")
    elif original.translation_of_id is not None:
        problem = _(
            "“%(title)s” is itself a translation: choose its original, “%(original)s”."
        ) % {"title": original.title, "original": original.translation_of.title}
    elif own.exists():
        problem = _(
            "This article is the original of other translations: it cannot be a "
            "translation too. Link those translations to the other original first."
        )
    elif original.language_id == article.language_id:
        problem = _(
            "“%(title)s” is in the same language: a story has one version per language."
        ) % {"title": original.title}
    else:
        return
    raise ValidationError({"translation_of": problem})
