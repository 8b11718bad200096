import time

from django.db import migrations

# The search structures depend on the database: a GIN index over the stored
# tsvector on PostgreSQL, an FTS5 virtual table on SQLite. Either is filled by
# `manage.py rebuild_search_index` (and kept current on save afterwards).
FTS5_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_search USING fts5("
    "title, lead, body, extra, uni, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)
GIN_CREATE = (
    "CREATE INDEX IF NOT EXISTS article_search_vector_idx "
    "ON articles_article USING gin (search_vector)"
)


def create_search_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS5_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(GIN_CREATE)


def drop_search_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector_idx")


def start_site_stamp(apps, schema_editor):
    """Start the site's stamp at the time the database is made, so that pages and
    entries cached for an earlier database (in a Redis that outlived it) never match
    this one."""
    Stamp = apps.get_model("articles", "Stamp")
    Stamp.objects.update_or_create(
        key="site", defaults={"version": time.time_ns()}
    )


class Migration(migrations.Migration):
    """The full-text index that the models cannot declare, and the first stamp."""

    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(create_search_structures, drop_search_structures),
        migrations.RunPython(start_site_stamp, migrations.RunPython.noop),
    ]
