from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "News"

    def ready(self):
        # tasks registers the Celery tasks that dispatch runs by name.
        from . import invalidation, tasks  # noqa: F401
        from .search import signals

        # Receivers run in the order connected: the search index writes the
        # article's row before invalidation bumps its stamps (Stamp.objects.bump).
        signals.connect()
        invalidation.connect()
