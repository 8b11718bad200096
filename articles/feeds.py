"""RSS 2.0 and Atom feeds of the site, a category, a tag and an author (WordPress
paths), and of the corrections log.

Each item names its authors by their display names: one ``dc:creator`` each in RSS,
one ``<author>`` (name and profile URL) each in Atom.

A feed follows its page's language: ``/zh-hant/feed/`` has translated titles and
lists the same stories, Chinese ones in the reader's script (articles/chinese.py).
"""

import copy
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from taggit.models import Tag

from . import chinese
from .freshness import CORRECTIONS, HOME, Freshness, article_key, list_key
from .models import Article, ArticleNote, Author, Category
from .templating import date, linebreaks
from .urls_absolute import absolute_url
from .views.archives import find_by_slug

DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class ContentEncodedRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full article as content:encoded."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": DUBLIN_CORE,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content_encoded"])


class ContentAtomFeed(Atom1Feed):
    """Atom with the full article as <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        handler.addQuickElement("content", item["content_encoded"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = ContentEncodedRssFeed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        """The feed for one request: a copy that knows the request's Freshness, so
        that its items' conversions are kept per article version (items() has no
        request; the instance is shared by every request)."""
        feed = copy.copy(self)
        feed.freshness = Freshness.of(request)
        return super(LatestArticlesFeed, feed).__call__(request, *args, **kwargs)

    def title(self, obj=None):
        # English: the site's name; Chinese feeds name their script.
        return pgettext("site feed title", "%(site)s") % {"site": settings.SITE_NAME}

    def description(self, obj=None):
        return _("Technology news from China's Greater Bay Area.")

    def link(self, obj=None):
        return absolute_url(reverse("articles:index"))

    def feed_url(self, obj=None):
        return absolute_url(reverse("articles:feed"))

    def get_object(self, request, *args, **kwargs):
        """The feed's category or tag (None for the site's feed).

        Cached on the request: the conditional-GET check reads it first. The stamps
        of the archive and of the items listed are read before the items are.
        """
        if not hasattr(request, "_feed_object"):
            obj = self.find_object(**kwargs)
            freshness = Freshness.of(request)
            freshness.depend_on(self.list_key(obj))
            request.feed_items = list(
                self.visible(obj).values_list("pk", "updated_at", "published_at")[
                    : settings.FEED_ITEMS
                ]
            )
            freshness.depend_on(*(article_key(pk) for pk, *_ in request.feed_items))
            request._feed_object = obj
        return request._feed_object

    def find_object(self, **kwargs):
        return None

    def list_key(self, obj) -> str:
        return HOME

    def filter_articles(self, articles, obj):
        return articles

    def visible(self, obj=None):
        """The articles this feed lists, newest first, before slicing."""
        return self.filter_articles(Article.objects.published(), obj)

    def items(self, obj=None):
        # An item shows the body and what an entry shows, not the notes; Chinese
        # stories in the reader's script.
        language = get_language()
        return [
            chinese.converted(
                article, chinese.cached_conversion(self.freshness, article, language)
            )
            for article in self.visible(obj).for_listing()[: settings.FEED_ITEMS]
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers treat the description as HTML; the lead is plain text whose
        # blank lines separate paragraphs, as on the site's pages.
        return linebreaks(item.lead)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        # Independent of the slug and date, so an edited URL is not a new item.
        return f"{settings.SITE_URL}/?p={item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    # Not item_author_name: Django's feeds name one author; ours name each.

    def item_categories(self, item):
        return [c.name for c in item.listed_categories] + [
            t.name for t in item.listed_tags
        ]

    def item_enclosure_url(self, item):
        return absolute_url(item.image.url) if item.image else None

    def item_enclosure_length(self, item):
        # Recorded with the renditions, so a feed asks the storage nothing; older
        # images have it once `manage.py make_renditions` has run.
        recorded = (item.image_renditions or {}).get("bytes")
        if recorded is not None:
            return recorded
        try:
            return item.image.size
        except OSError:
            return 0

    def item_enclosure_mime_type(self, item):
        return mimetypes.guess_type(item.image.name)[0] or "image/jpeg"

    def item_extra_kwargs(self, item):
        # The body is cleaned by sanitize.clean_html on every save.
        return {
            "authors": [
                (author.name, absolute_url(author.get_absolute_url()))
                for author in item.listed_authors
            ],
            "content_encoded": render_to_string(
                "articles/feed_content.html",
                {
                    "article": item,
                    "image_url": absolute_url(item.image.url) if item.image else "",
                },
            ),
        }


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = ContentAtomFeed
    subtitle = LatestArticlesFeed.description

    def feed_url(self, obj=None):
        return absolute_url(reverse("articles:feed-atom"))


class SubjectFeed(LatestArticlesFeed):
    """The feed of one category, tag or author: the archive named kind.

    Subclasses give the model, the kind (also the archive's URL name) and how
    articles are filtered; the Atom twins add feed_type, subtitle and url_name.
    """

    model = None
    kind = ""
    url_name = "feed"

    def find_object(self, slug):
        return find_by_slug(self.model.objects.all(), slug)

    def list_key(self, obj):
        return list_key(self.kind, obj.pk)

    def title(self, obj):
        return _("%(site)s » %(name)s") % {"site": settings.SITE_NAME, "name": obj.name}

    def link(self, obj):
        return absolute_url(reverse(f"articles:{self.kind}", args=[obj.slug]))

    def feed_url(self, obj):
        name = f"articles:{self.kind}-{self.url_name}"
        return absolute_url(reverse(name, args=[obj.slug]))


class CategoryFeed(SubjectFeed):
    model, kind = Category, "category"

    def description(self, obj):
        return obj.description or super().description(obj)

    def filter_articles(self, articles, obj):
        return articles.in_category(obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = ContentAtomFeed
    subtitle = CategoryFeed.description
    url_name = "feed-atom"


class TagFeed(SubjectFeed):
    model, kind = Tag, "tag"

    def filter_articles(self, articles, obj):
        return articles.filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = ContentAtomFeed
    subtitle = TagFeed.description
    url_name = "feed-atom"


class AuthorFeed(SubjectFeed):
    model, kind = Author, "author"

    def description(self, obj):
        return obj.bio or super().description(obj)

    def filter_articles(self, articles, obj):
        return articles.by_author(obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = ContentAtomFeed
    subtitle = AuthorFeed.description
    url_name = "feed-atom"


class CorrectionsFeed(Feed):
    """The newest corrections of the log at /corrections/, each linking to its note
    under the article; a withdrawal updates its item."""

    feed_type = Rss201rev2Feed
    description_template = None
    item_guid_is_permalink = False

    def title(self):
        return _("%(site)s » Corrections") % {"site": settings.SITE_NAME}

    def description(self):
        return _("Corrections to stories published on %(site)s, newest first.") % {
            "site": settings.SITE_NAME
        }

    def link(self):
        return absolute_url(reverse("articles:corrections"))

    def feed_url(self):
        return absolute_url(reverse("articles:corrections-feed"))

    def get_object(self, request, *args, **kwargs):
        """None; reads the log's stamp, then the items' articles' stamps.

        Leaves (id, last change, noted_at) of each item on the request for the
        conditional-GET check (articles.views.discovery.FeedState).
        """
        if not hasattr(request, "feed_items"):
            freshness = Freshness.of(request)
            freshness.depend_on(CORRECTIONS)
            rows = list(
                self.visible().values_list(
                    "pk",
                    "article_id",
                    "noted_at",
                    "withdrawn_at",
                    "article__updated_at",
                )[: settings.FEED_ITEMS]
            )
            freshness.depend_on(*(article_key(row[1]) for row in rows))
            request.feed_items = [
                (pk, max(noted, withdrawn or noted, edited), noted)
                for pk, _article, noted, withdrawn, edited in rows
            ]
        return None

    def visible(self):
        return ArticleNote.objects.public().corrections()

    def items(self):
        return self.visible().for_log()[: settings.FEED_ITEMS]

    def item_title(self, item):
        title = chinese.title_for(item.article, get_language())
        return _("Correction: %(title)s") % {"title": title}

    def item_description(self, item):
        text = linebreaks(item.text)
        if not item.is_withdrawn:
            return text
        withdrawn = _("Withdrawn on %(date)s: %(reason)s") % {
            "date": date(item.withdrawn_at, "DATE_FORMAT"),
            "reason": item.withdrawal_reason,
        }
        return text + linebreaks(withdrawn)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        # Independent of the article's slug and date, which may change.
        return f"{settings.SITE_URL}/corrections/#note-{item.pk}"

    def item_pubdate(self, item):
        return item.noted_at

    def item_updateddate(self, item):
        return item.changed_at


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    subtitle = CorrectionsFeed.description

    def feed_url(self):
        return absolute_url(reverse("articles:corrections-feed-atom"))
