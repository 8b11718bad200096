from django import forms
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from .. import images


class HttpsURLMixin:
    """URLs typed without a scheme are taken as https://, not http://.

    A plain URL input: the admin's own widget writes "Currently: <link> Change:"
    around it, which crowds a form and says nothing the input does not.
    """

    formfield_overrides = {
        models.URLField: {
            "assume_scheme": "https",
            "widget": forms.URLInput(attrs={"class": "vURLField"}),
        }
    }


class LabelledRowsMixin:
    """Name each field of a tabular inline's rows for assistive technology.

    A table's column heading is no label: a row's inputs, and its Delete box,
    get the field's label as aria-label, so a screen reader names them and axe
    finds none unlabelled.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return type(formset.__name__, (LabelledDeleteMixin, formset), {})


class LabelledDeleteMixin:
    """A formset whose rows' Delete boxes (added per row, not declared) are named."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].widget.attrs["aria-label"] = _("Delete")


class ImageNotStoredMixin:
    """A form whose image the storage refused comes back saying why.

    The save's transaction is rolled back and the files written for the image are
    gone. The same request runs again and stops at the form, which shows why on
    the image field (``form.image_not_stored``) and keeps everything else typed:
    the editor decides what to do, and nothing is half saved.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.image_not_stored = getattr(request, "image_not_stored", None)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except images.ImageNotStored as failure:
            request.image_not_stored = failure
            return super().changeform_view(request, object_id, form_url, extra_context)
