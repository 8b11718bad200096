from django.conf import settings
from django.db import models


def actor_field(*, editable: bool = False) -> models.ForeignKey:
    """Return a "who did it" user field: kept (as NULL) when the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=editable,
        related_name="+",
    )
