"""The article form's Preview and Share preview link buttons."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..services import preview_link_create
from .workflow import default_expiry


def may_share(user, article) -> bool:
    """Whether user may make a preview link for article (not yet published)."""
    return user.has_perm("articles.add_previewlink") and not article.is_published()


class DeskMixin:
    """Preview (the page readers will see, shown to staff) and share-link buttons."""

    def get_urls(self):
        share = self.admin_site.admin_view(require_POST(self.share_preview_view))
        return [
            path(
                "<path:object_id>/share-preview/",
                share,
                name="articles_article_share_preview",
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        """The change form's buttons, from the article the form shows. After a
        refused save that instance holds the unsaved edits: then the stored one."""
        if (
            obj is not None
            and obj.pk is not None
            and context["adminform"].form.is_bound
        ):
            obj = self.get_object(request, str(obj.pk))
        desk = {}
        if obj is not None and obj.pk is not None and not obj.is_trashed:
            desk["preview_url"] = obj.get_absolute_url()
            editable = self.has_change_permission(request, obj)
            if editable and may_share(request.user, obj):
                desk["share_url"] = reverse(
                    "admin:articles_article_share_preview", args=[obj.pk]
                )
        context["desk"] = desk
        return super().render_change_form(request, context, add, change, form_url, obj)

    def share_preview_view(self, request, object_id):
        """Create a preview link for the article; answer with its address.

        A script asking for JSON gets {"url", "expires_at"} (or {"error"} with
        400); a plain form post is sent back to the article with the link in a
        message.
        """
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        wants_json = request.accepts("application/json") and not request.accepts(
            "text/html"
        )
        try:
            link = preview_link_create(
                article=article,
                actor=request.user,
                expires_at=default_expiry(),
                note=_("Shared from the article form"),
            )
        except ValidationError as error:
            message = " ".join(error.messages)
            if wants_json:
                return JsonResponse({"error": message}, status=400)
            messages.error(request, message)
        else:
            url = settings.SITE_URL + link.get_absolute_url()
            expires = f"{timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}"
            if wants_json:
                return JsonResponse({"url": url, "expires_at": expires})
            messages.success(
                request,
                _("Preview link, usable until %(when)s: %(url)s")
                % {"when": expires, "url": url},
            )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )
