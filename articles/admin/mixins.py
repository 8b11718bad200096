from django.db import models


class HttpsURLMixin:
    """URLs typed without a scheme are taken as https://, not http://."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
