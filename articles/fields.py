"""A URL field that stores source links in their normalised form."""

from django import forms
from django.db import models

from .urls_hygiene import MAX_URL_LENGTH, normalise_url


class NormalisedURLFormField(forms.CharField):
    """Form field whose cleaned value is the normalised URL, or a clear error."""

    widget = forms.URLInput

    def __init__(self, *, strip_tracking=True, assume_scheme="https", **kwargs):
        self.strip_tracking = strip_tracking
        self.assume_scheme = assume_scheme
        kwargs.pop("max_length", None)
        # CharField's strip() would silently remove a trailing newline or tab;
        # normalise_url() drops only spaces and refuses every other character.
        kwargs["strip"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values or not value.strip(" "):
            return self.empty_value
        return normalise_url(
            value,
            strip_tracking_params=self.strip_tracking,
            assume_scheme=self.assume_scheme,
        )


class NormalisedURLField(models.URLField):
    """URLField run through ``normalise_url()`` on clean."""

    default_validators = []

    def __init__(self, *args, strip_tracking=True, **kwargs):
        self.strip_tracking = strip_tracking
        kwargs.setdefault("max_length", MAX_URL_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if not self.strip_tracking:
            kwargs["strip_tracking"] = False
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalise_url(value, strip_tracking_params=self.strip_tracking)

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": NormalisedURLFormField,
                "strip_tracking": self.strip_tracking,
                **kwargs,
            }
        )
