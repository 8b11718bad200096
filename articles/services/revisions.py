import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from ..models import Article, AuditEntry, Category, Language, Source, SourceLink
from ..permissions import can_edit
from .audit import audit_record
from .links import source_link_save


@transaction.atomic
def article_record_revision(*, article: Article, actor, comment: str) -> None:
    """Store the article's current state, tags and links as a new revision."""
    article.tag_names = article.tag_names_from_tags()
    Article.objects.filter(pk=article.pk).update(tag_names=article.tag_names)
    with reversion.create_revision():
        if actor is not None and actor.pk is not None:
            reversion.set_user(actor)
        reversion.set_comment(comment)
        reversion.add_to_revision(article)


def _restore_links(article: Article, version: Version, actor) -> None:
    """Bring back the revision's links; moderation decisions are not rolled back.

    A link that is back is a new submission (pending, unless the trusted-source
    rule approves it); a link still there keeps its status.
    """
    stored = [
        v.field_dict
        for v in Version.objects.get_for_model(SourceLink).filter(
            revision_id=version.revision_id
        )
    ]
    urls = [fields["url"] for fields in stored]
    article.source_links.exclude(url__in=urls).delete()
    existing = {link.url: link for link in article.source_links.all()}
    sources = set(Source.objects.values_list("pk", flat=True))
    languages = set(Language.objects.values_list("pk", flat=True))
    for fields in stored:
        link = existing.get(fields["url"]) or SourceLink(
            article=article, url=fields["url"]
        )
        link.source_id = fields["source_id"] if fields["source_id"] in sources else None
        link.language_id = (
            fields["language_id"] if fields["language_id"] in languages else None
        )
        source_link_save(link=link, actor=actor)


@transaction.atomic
def article_revision_restore(*, article: Article, version: Version, actor) -> Article:
    """Bring back a revision's content; the restore is itself a new revision.

    Title, lead, body, categories, tags and source links come back. Status and
    publication time stay as they are: publishing is its own audited step.
    """
    if not can_edit(actor, article):
        raise PermissionDenied
    if version.content_type.model_class() is not Article or version.object_id != str(
        article.pk
    ):
        raise ValidationError(_("That revision belongs to another article."))
    fields = version.field_dict
    article.title = fields["title"]
    article.lead = fields["lead"]
    article.body = fields["body"]
    if Language.objects.filter(pk=fields["language_id"]).exists():
        article.language_id = fields["language_id"]
    article.save()
    article.categories.set(Category.objects.filter(pk__in=fields["categories"]))
    article.tags.set([name for name in fields["tag_names"].splitlines() if name])
    _restore_links(article, version, actor)
    when = timezone.localtime(version.revision.date_created)
    label = _("revision of %(when)s") % {"when": f"{when:%Y-%m-%d %H:%M:%S}"}
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REVISION_RESTORED,
        obj=article,
        before=label,
    )
    article_record_revision(
        article=article,
        actor=actor,
        comment=_("Restored the %(label)s.") % {"label": label},
    )
    return article
