"""Form fields shared by the admin forms."""

from django import forms

from .images import FORMATS, upload_name, validate_image


class ArticleImageField(forms.ImageField):
    """An image field that decodes the upload in full and names what is wrong."""

    def to_python(self, data):
        # FileField.to_python: emptiness and name checks, without ImageField's
        # single generic "not an image" message.
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        info = validate_image(file)
        file.content_type = FORMATS[info.format][1]
        # The name follows the decoded format, whatever the upload was called.
        file.name = upload_name(file.name, info.format)
        return file

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ",".join(mime for _ext, mime in FORMATS.values())
        return attrs
