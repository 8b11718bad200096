"""Archive entries rendered once per version of the article they show.

An archive page is its entries plus a little navigation. Each entry's HTML is cached
under the versions it was built from (the site's, for category, tag and source names,
and the article's own), so a page of ten entries costs one cache read when nothing
changed, and an edit re-renders only the edited article's entry. The front page's
compact headlines are kept the same way.
"""

from typing import NamedTuple

from markupsafe import Markup

from . import chinese, shared_cache
from .freshness import Freshness, article_key
from .models import Article
from .templating import fragment

ENTRY_SECONDS = 24 * 3600


class Entry(NamedTuple):
    """An archive entry: the article it shows and its HTML (from our template)."""

    pk: int
    title: str
    html: str
    # Whether the article has a featured image (the front page leads with one).
    image: bool = False

    def __html__(self) -> Markup:
        return Markup(self.html)


def render_entries(
    freshness: Freshness, ids, page_lang: str, kind: str = "entry"
) -> list[Entry]:
    """The entries of the published articles among ids, in the order of ids.

    kind "entry" is the archive entry (includes/entry.html), "headline" the
    front page's compact item (includes/headline.html).
    """
    ids = list(dict.fromkeys(ids))
    versions = freshness.depend_on(*(article_key(pk) for pk in ids))
    # The first entry's image loads at once; the others when scrolled to.
    loading = {pk: "eager" if n == 0 else "lazy" for n, pk in enumerate(ids)}
    if kind == "headline":
        loading = dict.fromkeys(ids, "lazy")
    keys = {
        pk: f"articles:{kind}:{freshness.site}:{pk}:{versions[article_key(pk)]}:"
        f"{page_lang}:{loading[pk]}"
        for pk in ids
    }
    stored = shared_cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in stored]
    if missing:
        fresh = {}
        articles = Article.objects.published().filter(pk__in=missing)
        if kind == "headline":
            articles = articles.for_headlines()
        else:
            articles = articles.for_listing()
        for article in articles:
            # Chinese articles in the reader's script; kept with the entry's HTML.
            article = chinese.converted(
                article, chinese.conversion_for(article, page_lang, body=False)
            )
            context = {
                "article": article,
                "page_lang": page_lang,
                "loading": loading[article.pk],
            }
            html = fragment(f"includes/{kind}.html", context)
            fresh[keys[article.pk]] = Entry(
                article.pk, article.title, html, bool(article.image)
            )
        shared_cache.set_many(fresh, ENTRY_SECONDS)
        stored.update(fresh)
    return [stored[keys[pk]] for pk in ids if keys[pk] in stored]
