"""Old WordPress permalinks: 301 to the imported article, if readers may see it.

``/?p=<id>`` (WordPress's plain links, and every post's GUID) is answered by the
post's id. Any other old URL is looked up only when the site has no page there
(a 404), as Django's own redirects app does, so it never shadows a page. The
``/<year>/<month>/<day>/<slug>/`` form is the article URL itself and needs no
record. Redirects are not cached: an unpublished article stops being a target at
once.
"""

from django.shortcuts import redirect

from .models import WordPressPost

_MAX_ID = 2**63 - 1


def _post_id(request) -> int | None:
    if request.path not in ("/", "/index.php"):
        return None
    value = request.GET.get("p", "")
    if not value.isascii() or not value.isdigit() or int(value) > _MAX_ID:
        return None
    return int(value)


class OldPermalinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in ("GET", "HEAD")
        post_id = _post_id(request) if reading else None
        if post_id is not None:
            article = WordPressPost.objects.redirect_target(wordpress_id=post_id)
            if article is not None:
                return redirect(article.get_absolute_url(), permanent=True)
        response = self.get_response(request)
        if reading and response.status_code == 404:
            article = WordPressPost.objects.redirect_target(path=request.path)
            if article is not None:
                return redirect(article.get_absolute_url(), permanent=True)
        return response
