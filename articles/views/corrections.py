from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import ListView

from .. import chinese
from ..freshness import CORRECTIONS, article_key
from ..models import ArticleNote
from ..urls_absolute import absolute_url, reverse_once
from .archives import ArticleListMixin


class CorrectionsView(ArticleListMixin, ListView):
    """The public log of corrections to published articles, newest first.

    Paged like the archives; a page names the log's stamp, then the stamps of the
    articles it links to, before it loads them.
    """

    model = ArticleNote
    context_object_name = "notes"
    template_name = "articles/corrections.html"

    def list_key(self):
        return CORRECTIONS

    def get_queryset(self):
        """(note id, article id) pairs, newest first; a page loads only its own."""
        return (
            ArticleNote.objects.public()
            .corrections()
            .order_by("-noted_at", "-pk")
            .values_list("pk", "article_id")
        )

    def load_page(self, rows) -> list[ArticleNote]:
        self.freshness.depend_on(*(article_key(article) for _note, article in rows))
        notes = ArticleNote.objects.for_log().in_order([note for note, _a in rows])
        language = get_language()
        for note in notes:  # the article's title in the reader's script
            note.article = chinese.with_title(note.article, language)
        return notes

    def archive_title(self):
        return _("Corrections")

    def meta_description(self):
        return _("Corrections to stories published on %(site)s, newest first.") % {
            "site": settings.SITE_NAME
        }

    def feed_links(self):
        title = _("%(site)s » Corrections") % {"site": settings.SITE_NAME}
        rss = reverse_once("articles:corrections-feed")
        atom = reverse_once("articles:corrections-feed-atom")
        return [
            (title, "application/rss+xml", absolute_url(rss)),
            (title, "application/atom+xml", absolute_url(atom)),
        ]
