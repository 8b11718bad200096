"""The media library: images uploaded into article bodies, to be picked again.

The body editor (static/js/article_form.js) uploads through ``upload/`` and
lists the library through ``choose/``; both answer JSON.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .. import images
from ..forms import ArticleImageField
from ..models import MediaImage
from ..services import media_image_upload
from ..widgets import ArticleImageWidget
from .mixins import ImageNotStoredMixin

# Images the picker lists at once; a search narrows them.
CHOOSER_PAGE = 24


class MediaImageForm(forms.ModelForm):
    # Set by MediaImageAdmin when the storage refused the file.
    image_not_stored = None

    class Meta:
        model = MediaImage
        fields = ["file", "alt", "caption", "credit"]
        field_classes = {"file": ArticleImageField}
        widgets = {"file": ArticleImageWidget}
        help_texts = {
            "alt": gettext_lazy(
                "Required: what the image shows, for readers who cannot see it."
            )
        }

    def clean(self):
        cleaned = super().clean()
        if self.image_not_stored is not None:
            self.add_error("file", not_stored_message(self.image_not_stored))
        return cleaned


def not_stored_message(failure) -> str:
    return _(
        "The image could not be stored: %(reason)s. Nothing was saved; tell the "
        "site's administrators."
    ) % {"reason": failure.reason}


def image_json(image: MediaImage) -> dict:
    """What the editor needs to insert an image: the original's URL and its text."""
    return {
        "id": image.pk,
        "src": image.file.url,
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
    }


@admin.register(MediaImage)
class MediaImageAdmin(ImageNotStoredMixin, admin.ModelAdmin):
    form = MediaImageForm
    list_display = ["thumbnail", "alt", "caption", "credit", "size", "created"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit"]
    date_hierarchy = "created"
    readonly_fields = ["thumbnail", "size", "uploaded_by", "created"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "alt", "caption", "credit"]
        # The file stays: bodies show it by its address.
        return ["thumbnail", "alt", "caption", "credit", "size", "uploaded_by"]

    def has_delete_permission(self, request, obj=None):
        # Article bodies name library images by their address; a deleted one
        # would leave a hole in every article that shows it.
        return False

    @admin.display(description=gettext_lazy("image"))
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="{}" width="120" class="library-thumbnail">',
            image.file.url,
            image.alt,
        )

    @admin.display(description=gettext_lazy("size"))
    def size(self, image):
        stored = image.renditions.get("bytes")
        pixels = f"{image.width} × {image.height}"
        return f"{pixels}, {filesizeformat(stored)}" if stored else pixels

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["alt", "caption", "credit"])
            return
        stored = media_image_upload(
            file=form.cleaned_data["file"],
            alt=obj.alt,
            caption=obj.caption,
            credit=obj.credit,
            actor=request.user,
        )
        obj.pk, obj.file = stored.pk, stored.file

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "upload/",
                wrap(require_POST(self.upload_view)),
                name="articles_mediaimage_upload",
            ),
            path(
                "choose/",
                wrap(require_GET(self.choose_view)),
                name="articles_mediaimage_choose",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        """Store an image sent by the body editor; JSON of it, or the form's errors."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MediaImageForm(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        try:
            image = media_image_upload(
                file=form.cleaned_data["file"],
                alt=form.cleaned_data["alt"],
                caption=form.cleaned_data["caption"],
                credit=form.cleaned_data["credit"],
                actor=request.user,
            )
        except images.ImageNotStored as failure:
            error = {"message": not_stored_message(failure), "code": "not_stored"}
            return JsonResponse({"errors": {"file": [error]}}, status=400)
        return JsonResponse(image_json(image), status=201)

    def choose_view(self, request):
        """The newest library images, or those whose text matches ?q=, as JSON."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = MediaImage.objects.all()
        query = request.GET.get("q", "").strip()[:100]
        if query:
            found, _distinct = self.get_search_results(request, found, query)
        return JsonResponse(
            {"images": [image_json(image) for image in found[:CHOOSER_PAGE]]}
        )
