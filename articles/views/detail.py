from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView

from ..cache import is_anonymous_reader
from ..models import Article
from ..text import excerpt
from .archives import absolute_url, local_day_start


class ArticleDetailView(DetailView):
    model = Article
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.for_detail()
        if not is_anonymous_reader(self.request) and self.request.user.is_staff:
            return articles
        return articles.published()

    def get_object(self, queryset=None):
        year, month, day = (self.kwargs[k] for k in ("year", "month", "day"))
        self.url_date = local_day_start(year, month, day).date()
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if (
            self.url_date
            != timezone.localtime(
                self.object.published_at or self.object.created_at
            ).date()
        ):
            return redirect(canonical, permanent=True)
        context = self.get_context_data(
            object=self.object,
            is_preview=not self.object.is_published(),
            canonical_url=absolute_url(canonical),
            page_title=self.object.title,
            meta_description=excerpt(self.object.lead),
            page_lang=self.object.language.code,
        )
        response = self.render_to_response(context)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response
