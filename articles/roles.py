"""The newsroom's groups and their permissions.

Migrations call ``sync_role_groups`` to create the groups and set each one's
permissions to exactly this list; a later migration calls it again after a change
here, so the groups never drift from the code.
"""

ALL = ("add", "change", "delete", "view")

ROLES: dict[str, list[tuple[str, str, str]]] = {
    # (app label, model, codename) triples.
    "Authors": [
        ("articles", "article", "add_article"),
        ("articles", "article", "change_article"),
        ("articles", "article", "delete_article"),
        ("articles", "article", "view_article"),
        ("articles", "category", "view_category"),
        ("articles", "language", "view_language"),
        ("articles", "source", "view_source"),
        ("articles", "sourcelink", "add_sourcelink"),
        ("articles", "sourcelink", "change_sourcelink"),
        ("articles", "sourcelink", "view_sourcelink"),
        # Bylines: an author orders the writers of their own articles.
        ("articles", "author", "view_author"),
        *(("articles", "articleauthor", f"{verb}_articleauthor") for verb in ALL),
        # The media library: upload into a body, pick an image again.
        ("articles", "mediaimage", "add_mediaimage"),
        ("articles", "mediaimage", "change_mediaimage"),
        ("articles", "mediaimage", "view_mediaimage"),
    ],
    "Editors": [
        *(
            ("articles", model, f"{verb}_{model}")
            for model in [
                "article",
                "category",
                "language",
                "source",
                "sourcelink",
                "sourcedomain",
                "denieddomain",
                "author",
                "authorlink",
                "articleauthor",
                "searchsynonym",
                "mediaimage",
            ]
            for verb in ALL
        ),
        ("articles", "article", "publish_article"),
        ("articles", "article", "purge_article"),
        ("articles", "previewlink", "add_previewlink"),
        ("articles", "previewlink", "change_previewlink"),
        ("articles", "previewlink", "view_previewlink"),
        ("articles", "auditentry", "view_auditentry"),
        # Notes are added and withdrawn, never deleted.
        ("articles", "articlenote", "add_articlenote"),
        ("articles", "articlenote", "change_articlenote"),
        ("articles", "articlenote", "view_articlenote"),
        ("articles", "sourcelinkmoderation", "change_sourcelinkmoderation"),
        ("articles", "sourcelinkmoderation", "view_sourcelinkmoderation"),
        *(("taggit", "tag", f"{verb}_tag") for verb in ALL),
    ],
    # The queue's own permissions: changing a SourceLink is also what authors
    # need to edit their links, so it cannot be what lets someone moderate.
    "Moderators": [
        ("articles", "sourcelinkmoderation", "change_sourcelinkmoderation"),
        ("articles", "sourcelinkmoderation", "view_sourcelinkmoderation"),
        ("articles", "sourcelink", "view_sourcelink"),
        ("articles", "source", "view_source"),
        ("articles", "denieddomain", "view_denieddomain"),
    ],
}


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for label in {app for perms in ROLES.values() for app, _m, _c in perms}:
        app_config = apps.get_app_config(label)
        # Permissions of models added in the same run are otherwise only
        # created after the last migration.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, triples in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        # An earlier migration in the chain runs before some models exist; it
        # grants what exists then, and the last sync migration grants the rest.
        permissions = [
            permission
            for app, model, codename in triples
            for permission in Permission.objects.filter(
                content_type__app_label=app,
                content_type__model=model,
                codename=codename,
            )
        ]
        group.permissions.set(permissions)
