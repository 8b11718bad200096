from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "News"

    def ready(self):
        from . import invalidation
        from .search import signals

        invalidation.connect()
        signals.connect()
