from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView

from ..models import Article
from ..services import preview_link_open
from ..text import excerpt
from .archives import absolute_url
from .detail import article_element


class PreviewLinkView(DetailView):
    """An unpublished article shown through a shared secret link, never cached."""

    model = Article
    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_object(self, queryset=None):
        link = preview_link_open(
            token=self.kwargs["token"],
            ip_address=self.request.META.get("REMOTE_ADDR"),
            user_agent=self.request.META.get("HTTP_USER_AGENT", ""),
        )
        if link is None:
            raise Http404
        return Article.objects.for_detail().get(pk=link.article_id)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published():
            response = redirect(self.object.get_absolute_url())
        else:
            response = self.render_to_response(
                self.get_context_data(
                    object=self.object,
                    is_preview=True,
                    article_html=article_element(self.object),
                    canonical_url=absolute_url(self.object.get_absolute_url()),
                    page_title=self.object.title,
                    meta_description=excerpt(self.object.lead),
                    page_lang=self.object.language.code,
                    robots="noindex, nofollow",
                )
            )
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response
