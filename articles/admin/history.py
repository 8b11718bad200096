"""Revision history, diff and restore views for the article admin."""

import difflib

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from ..models import Article, Category, SourceLink
from ..permissions import can_edit
from ..services import article_revision_restore

DIFF_FIELDS = [
    ("title", gettext_lazy("Title")),
    ("slug", gettext_lazy("Slug")),
    ("lead", gettext_lazy("Lead")),
    ("body", gettext_lazy("Body")),
    ("status", gettext_lazy("Status")),
    ("published_at", gettext_lazy("Publication time")),
    ("categories", gettext_lazy("Categories")),
    ("tag_names", gettext_lazy("Tags")),
    ("source_links", gettext_lazy("Source links")),
]


def revision_text(version: Version | None) -> dict[str, str]:
    """The fields of a stored revision as plain text, one diffable line per item."""
    if version is None:
        return dict.fromkeys((name for name, _label in DIFF_FIELDS), "")
    fields = version.field_dict
    names = dict(
        Category.objects.filter(pk__in=fields["categories"]).values_list("pk", "name")
    )
    links = Version.objects.get_for_model(SourceLink).filter(
        revision_id=version.revision_id
    )
    return {
        "title": fields["title"],
        "slug": fields["slug"],
        "lead": fields["lead"],
        # One tag a line keeps a change to one paragraph readable.
        "body": fields["body"].replace("><", ">\n<"),
        "status": str(Article.Status(fields["status"]).label),
        "published_at": str(fields["published_at"] or ""),
        "categories": "\n".join(
            sorted(names.get(pk, f"#{pk}") for pk in fields["categories"])
        ),
        "tag_names": fields["tag_names"],
        "source_links": "\n".join(
            sorted(
                f"{link.field_dict['url']} ({link.field_dict['status']})"
                for link in links
            )
        ),
    }


def diff_rows(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) pairs, kind being "add", "del" or "same"; escaped by templates."""
    kinds = {"+ ": "add", "- ": "del", "  ": "same"}
    return [
        (kinds[line[:2]], line[2:])
        for line in difflib.ndiff(old.splitlines(), new.splitlines())
        if line[:2] in kinds
    ]


class RevisionHistoryMixin:
    object_history_template = "admin/articles/article/revision_history.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/",
                self.admin_site.admin_view(self.revision_view),
                name="{}_{}_revision".format(*info),
            ),
            *super().get_urls(),
        ]

    def versions_of(self, article):
        return (
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(title)s") % {"title": article},
            "opts": self.opts,
            "object": article,
            "versions": self.versions_of(article),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def revision_view(self, request, object_id, version_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = list(self.versions_of(article))
        version = next((v for v in versions if v.pk == version_id), None)
        if version is None:
            raise Http404
        if request.method == "POST":
            return self.restore_revision(request, article, version)
        older = versions[versions.index(version) + 1 :]
        old, new = revision_text(older[0] if older else None), revision_text(version)
        changes = [
            (label, diff_rows(old[name], new[name]))
            for name, label in DIFF_FIELDS
            if old[name] != new[name]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revision of %(title)s") % {"title": article},
            "opts": self.opts,
            "object": article,
            "version": version,
            "previous": older[0] if older else None,
            "changes": changes,
            "can_restore": can_edit(request.user, article) and versions[0] != version,
        }
        return TemplateResponse(
            request, "admin/articles/article/revision_diff.html", context
        )

    def restore_revision(self, request, article, version):
        try:
            article_revision_restore(
                article=article, version=version, actor=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("The revision was restored and saved as a new revision."),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:articles_article_history", args=[article.pk])
        )
