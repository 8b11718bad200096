"""Writes that touch several models, one module per area."""

from .demo import demo_load
from .link_health import source_link_record_check, source_links_claim
from .links import (
    ModerationRefused,
    ModerationResult,
    source_link_approve,
    source_link_reject,
    source_links_approve,
    source_links_archive,
    source_links_reject,
)

__all__ = [
    "ModerationRefused",
    "ModerationResult",
    "demo_load",
    "source_link_approve",
    "source_link_record_check",
    "source_link_reject",
    "source_links_approve",
    "source_links_archive",
    "source_links_claim",
    "source_links_reject",
]
