"""The migration history is linear and gives the schema the models describe."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_history_is_linear():
    loader = MigrationLoader(connection)
    names = sorted(name for app, name in loader.disk_migrations if app == "articles")
    assert names == [
        "0001_initial",
        "0002_search_and_stamps",
        "0003_role_groups",
        "0004_source_link_archive_status",
        "0005_authors",
        "0006_search_synonyms",
        "0007_corrections",
        "0008_moderation_queue_names",
        "0009_desk",
        "0010_most_read",
        "0011_wordpress",
        "0012_i18n",
        "0013_translations",
    ]
    assert loader.graph.leaf_nodes("articles") == [("articles", "0013_translations")]
    for name in names:
        migration = loader.disk_migrations[("articles", name)]
        local = [dep for dep in migration.dependencies if dep[0] == "articles"]
        assert len(local) <= 1, f"{name} merges branches"


def test_models_need_no_new_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in apps.get_app_config("articles").get_models()
        if m._meta.managed and not m._meta.proxy
    ],
    ids=lambda m: m.__name__,
)
def test_applied_schema_matches_the_model(model):
    """Every concrete field is a column, nullable as declared; every named index
    and constraint of the model exists in the database."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        columns = {
            col.name: col
            for col in connection.introspection.get_table_description(cursor, table)
        }
        constraints = connection.introspection.get_constraints(cursor, table)
    fields = {f.column: f for f in model._meta.local_concrete_fields}
    assert set(columns) == set(fields)
    for column, field in fields.items():
        assert bool(columns[column].null_ok) == field.null, column
    declared = {index.name for index in model._meta.indexes} | {
        constraint.name for constraint in model._meta.constraints
    }
    assert declared <= set(constraints)


def test_article_long_text_columns_come_last():
    """SQLite reads a row's columns in order: a filter column stored after a long
    body is read through the body's overflow pages."""
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(
                cursor, "articles_article"
            )
        ]
    long_text = {"lead", "body", "tag_names", "image_renditions", "search_vector"}
    # Added later (a table is not rebuilt to reorder it): shown or read with the
    # body, which is read in the same row, and never filtered or sorted on.
    display_only = ["image_caption", "image_credit", "conversion_fixes"]
    # Added later and looked up only through an index of its own (a foreign key's),
    # which holds the value: its row is read for display only.
    own_index = ["translation_of_id"]
    first_long = min(columns.index(name) for name in long_text)
    later = display_only + own_index
    assert columns[-1] == "body" or columns[-len(later) :] == later
    after = columns[first_long:]
    assert all(name in long_text or name in later for name in after), columns
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "articles_article"
        )
    for column in own_index:
        assert any(
            c["index"] and c["columns"] == [column] for c in constraints.values()
        ), column
    indexed = {name for index in Article._meta.indexes for name in index.fields} | set(
        Article._meta.ordering
    )
    assert not indexed & set(display_only)
