from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.generic import DetailView
from markupsafe import Markup

from .. import chinese, languages, reads, structured_data, translations
from ..freshness import HOME, Freshness, article_key, is_anonymous_reader, list_key
from ..models import Article, ArticleRedirect
from ..templating import fragment
from ..text import excerpt
from ..urls_absolute import absolute_url
from .archives import local_day_start

RELATED_ARTICLES = 5


def article_element(article, **context) -> Markup:
    """An article page's ``<article>`` element (includes/article_full.html); context
    may give read_beacon, conversion_note and story_links."""
    return fragment("includes/article_full.html", {**context, "article": article})


class ArticleDetailView(DetailView):
    model = Article
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.all()
        if self.for_staff():
            return articles.not_in_trash()
        return articles.published()

    def for_staff(self) -> bool:
        return not is_anonymous_reader(self.request) and self.request.user.is_staff

    def get_object(self, queryset=None):
        """The article at this address, loaded after its stamp is read.

        The id is found first, so that an edit committed while the page renders
        is never stored under the version that came after it. For readers the id
        of a slug is kept while ``list:home`` is current, which publishing,
        unpublishing, scheduling or trashing any article bumps: finding it cost
        a rendered page more than anything else it does (0.25 ms of 1.6,
        docs/performance.md, run 15). An article renamed since is looked up again.
        """
        year, month, day = (self.kwargs[k] for k in ("year", "month", "day"))
        self.url_date = local_day_start(year, month, day).date()
        slug = self.kwargs["slug"]
        articles = self.get_queryset()

        def find() -> int | None:
            return articles.filter(slug=slug).values_list("pk", flat=True).first()

        def load(pk: int | None) -> Article | None:
            # With its categories, tags and links, once per version of the article
            # (and of site, for the names it shows).
            if pk is None:
                return None
            return self.freshness.cached(
                f"detail:{pk}",
                [article_key(pk)],
                lambda: get_object_or_404(articles.for_detail(), pk=pk),
            )

        if self.for_staff():
            article = load(find())
        else:
            article = load(self.freshness.cached(f"article-id:{slug}", [HOME], find))
            if article is not None and article.slug != slug:
                article = load(find())  # renamed since its id was kept
        if article is None:
            raise Http404("No article found at this address.")
        return article

    def related_articles(self) -> list[Article]:
        """Related articles, kept while the archives they come from are unchanged."""
        article = self.object
        lists = [list_key("tag", tag.pk) for tag in article.listed_tags] + [
            list_key("category", category.pk) for category in article.listed_categories
        ]
        # Querysets are built only when the values are not kept: building one
        # costs a cached page more than reading the values.
        ids = self.freshness.cached(
            f"related:{article.pk}",
            [article_key(article.pk), *lists],
            lambda: Article.objects.published().related_ids(
                article, limit=RELATED_ARTICLES
            ),
        )
        return self.freshness.cached(
            f"related-links:{ids}",
            [article_key(pk) for pk in ids],
            lambda: Article.objects.published().for_links().in_order(ids),
        )

    def story_versions(self) -> list[Article]:
        """The story's other published versions (articles/translations.py), kept
        while the article's stamp, which a change to any version bumps, is current.
        An article in no story's group costs no query."""
        article = self.object
        if not (article.translation_of_id or article.has_translations):
            return []
        return self.freshness.cached(
            f"versions:{article.pk}",
            [article_key(article.pk)],
            lambda: list(
                Article.objects.published()
                .versions_of(article)
                .select_related("language")
                .only(*translations.VERSION_FIELDS)
                .order_by("pk")
            ),
        )

    def in_reader_script(self, article):
        """The article in the reader's script (articles/chinese.py), and the note.

        Converted once per version of the article and interface language.
        """
        conversion = chinese.cached_conversion(self.freshness, article, get_language())
        return chinese.converted(article, conversion), chinese.note(conversion)

    def article_html(self, article, *, read_beacon: bool, **context) -> Markup:
        """The page's ``<article>`` element (includes/article_full.html), rendered
        once per version of the article and of site, interface language and way of
        counting reads: a rendered article page spent a tenth of its time on it
        (docs/performance.md, run 15). Everything it shows bumps the article's
        stamp or site's when it changes (articles/invalidation.py)."""
        return self.freshness.cached(
            f"article-html:{article.pk}:{get_language()}:{read_beacon}",
            [article_key(article.pk)],
            lambda: article_element(article, read_beacon=read_beacon, **context),
        )

    def get(self, request, *args, **kwargs):
        self.freshness = Freshness.of(request)
        try:
            self.object = self.get_object()
        except Http404:
            return self.redirect_old_slug()
        canonical = self.object.get_absolute_url()
        if (
            self.url_date
            != timezone.localtime(
                self.object.published_at or self.object.created_at
            ).date()
        ):
            return redirect(canonical, permanent=True)
        others = self.story_versions()
        hreflang_versions = others and translations.alternates(
            self.object, others, languages.versions(self.request)
        )
        written = self.object
        self.object, conversion_note = self.in_reader_script(self.object)
        is_preview = not self.object.is_published()
        # The page sends the read beacon only when reads are counted by it.
        read_beacon = not is_preview and reads.counted_by(reads.BEACON)
        context = self.get_context_data(
            object=self.object,
            is_preview=is_preview,
            read_beacon=read_beacon,
            article_html=self.article_html(
                self.object,
                read_beacon=read_beacon,
                conversion_note=conversion_note,
                story_links=translations.links(others, get_language()),
            ),
            canonical_url=absolute_url(canonical),
            page_title=self.object.title,
            meta_description=excerpt(self.object.lead),
            page_lang=self.object.language.code,
            hreflang_versions=hreflang_versions,
            og_type="article",
            robots="noindex, nofollow" if not self.object.is_published() else "",
            related_articles=[
                chinese.with_title(related, get_language())
                for related in self.related_articles()
            ],
            most_read=reads.sidebar(self.freshness),
        )
        image_url = absolute_url(self.object.image.url) if self.object.image else ""
        context["og_image"] = image_url
        context["structured_data"] = structured_data.add_translations(
            structured_data.news_article(self.object, image_url=image_url),
            written,
            others,
        )
        response = self.render_to_response(context)
        if is_preview:
            add_never_cache_headers(response)
        else:
            # Counted by the page cache middleware, rendered or cached (reads.py).
            reads.mark_view(response, self.object.pk)
        return response

    def redirect_old_slug(self):
        """Send a renamed published article's old URL to its current one, or 404."""
        old = (
            ArticleRedirect.objects.filter(
                old_slug=self.kwargs["slug"],
                article__in=Article.objects.published(),
            )
            .select_related("article")
            .first()
        )
        if old is None:
            raise Http404("No article found at this address.")
        return redirect(old.article.get_absolute_url(), permanent=True)
