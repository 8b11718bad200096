"""The article form's widgets: the body's rich-text editor (django-prose-editor,
served from static/), the featured image's file input and the publication time."""

from django.contrib.admin.widgets import AdminFileWidget, AdminSplitDateTime
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_prose_editor.widgets import AdminProseEditorWidget

from .images import upload_limit

# Only what articles.sanitize.clean_html() keeps; tests/test_richtext.py checks that
# the editor's own allow-list for these extensions stays inside the sanitiser's.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "CodeBlock": True,
    "Heading": {"levels": [2, 3, 4]},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
    "HTML": True,
}


class ArticleBodyWidget(AdminProseEditorWidget):
    """The rich-text editor, growing with its text (static/css/article_form.css).

    static/js/article_form.js names the editable area after the field's label,
    and adds the image upload and the media library below it.
    """

    def __init__(self, attrs=None):
        super().__init__(
            attrs=attrs,
            config={"extensions": BODY_EXTENSIONS},
            preset="configurable",
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Where static/js/article_form.js uploads images and lists the library.
        context["widget"]["attrs"].update(
            {
                "data-upload-url": reverse("admin:articles_mediaimage_upload"),
                "data-choose-url": reverse("admin:articles_mediaimage_choose"),
                # An upload over the request limit would get a bare 413.
                "data-max-bytes": upload_limit(),
                "data-too-large": _(
                    "This image is larger than %(limit)s. Choose a smaller one."
                )
                % {"limit": filesizeformat(upload_limit())},
            }
        )
        return context


class ArticleImageWidget(AdminFileWidget):
    """A file input that refuses an image over the upload limit before sending.

    A request over the server's limit is answered with a 413 page and the form
    is gone, so static/js/upload_limit.js checks the size the input names in
    ``data-max-bytes`` and keeps the form from being sent.
    """

    class Media:
        js = ["js/upload_limit.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        limit = upload_limit()
        context["widget"]["attrs"].update(
            {
                "data-max-bytes": limit,
                # {size} is filled in by the script.
                "data-too-large": _(
                    "This image is {size}; the limit is %(limit)s. Choose a "
                    "smaller one. The form was not sent, so nothing you typed "
                    "is lost."
                )
                % {"limit": filesizeformat(limit)},
            }
        )
        return context


class PublicationTimeWidget(AdminSplitDateTime):
    """The admin's date and time inputs, each with a name of its own.

    The field's label points at neither input (it labels the pair), so each gets
    an aria-label: screen readers say which is which.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        date, time = self.widgets
        date.attrs["aria-label"] = gettext_lazy("Publication date (YYYY-MM-DD)")
        time.attrs["aria-label"] = gettext_lazy("Publication time (HH:MM:SS)")
