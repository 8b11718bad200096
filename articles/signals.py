"""Project signals.

``content_changed`` is sent after writes that Django's model signals do not cover,
such as ``QuerySet.update()`` in bulk admin actions, so that anything derived from
published content (page caches, counts) can refresh itself.
"""

from django.dispatch import Signal

# Sent with sender=<model class> and, optionally, articles=<iterable of article ids>.
content_changed = Signal()
