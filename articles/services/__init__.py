"""Writes that touch several models: keyword-only, atomic, permission-checked."""

from .audit import audit_record, audit_records
from .demo import demo_load
from .link_checks import source_links_check
from .link_health import source_link_record_check, source_links_claim
from .links import (
    ModerationRefused,
    ModerationResult,
    source_link_approve,
    source_link_archive,
    source_link_reject,
    source_link_save,
    source_links_approve,
    source_links_approve_imported,
    source_links_reject,
    source_links_submit,
)
from .media import media_image_upload
from .notes import article_note_add, article_note_withdraw
from .preview import preview_link_create, preview_link_open, preview_link_revoke
from .revisions import article_record_revision, article_revision_restore
from .trash import article_purge, article_restore, article_trash
from .wordpress import (
    ImageSource,
    ImportReport,
    language_code,
    wordpress_prepare,
    wordpress_write,
)
from .workflow import (
    article_publish,
    article_save,
    article_submit,
    article_unpublish,
    articles_changed,
)

__all__ = [
    "article_note_add",
    "article_note_withdraw",
    "article_publish",
    "article_purge",
    "article_record_revision",
    "article_restore",
    "article_revision_restore",
    "article_save",
    "article_submit",
    "article_trash",
    "article_unpublish",
    "articles_changed",
    "audit_record",
    "audit_records",
    "demo_load",
    "ImageSource",
    "ImportReport",
    "language_code",
    "media_image_upload",
    "ModerationRefused",
    "ModerationResult",
    "preview_link_create",
    "preview_link_open",
    "preview_link_revoke",
    "source_link_approve",
    "source_link_archive",
    "source_link_record_check",
    "source_link_reject",
    "source_link_save",
    "source_links_approve",
    "source_links_approve_imported",
    "source_links_check",
    "source_links_claim",
    "source_links_reject",
    "source_links_submit",
    "wordpress_prepare",
    "wordpress_write",
]
