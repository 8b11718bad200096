"""Workflow list actions for the article admin, each run through a service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..permissions import can_publish, can_purge
from ..services import (
    article_publish,
    article_purge,
    article_restore,
    article_submit,
    article_trash,
    article_unpublish,
)


class TrashFilter(admin.SimpleListFilter):
    """Hide the trash unless asked for it."""

    title = _("trash")
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("yes", _("In trash")), ("all", _("All"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Not in trash"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.in_trash()
        if self.value() == "all":
            return queryset
        return queryset.not_in_trash()


class WorkflowActionsMixin:
    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_purge_permission(self, request):
        return can_purge(request.user)

    def run_service(self, request, queryset, service, done):
        count = 0
        for article in queryset:
            try:
                service(article=article, actor=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    _("You may not do that to “%(title)s”.") % {"title": article},
                    messages.ERROR,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    def purge_confirmation(self, request, queryset):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Purge articles for good?"),
            "opts": self.opts,
            "articles": queryset,
            "trashed": [a for a in queryset if a.is_trashed],
            "not_trashed": [a for a in queryset if not a.is_trashed],
            "action_checkbox_name": "_selected_action",
        }
        return TemplateResponse(
            request, "admin/articles/article/purge_confirmation.html", context
        )

    @admin.action(
        description=_("Submit selected drafts for review"), permissions=["change"]
    )
    def submit_for_review(self, request, queryset):
        self.run_service(
            request,
            queryset,
            article_submit,
            lambda n: (
                ngettext("%d article submitted.", "%d articles submitted.", n) % n
            ),
        )

    @admin.action(
        description=_("Publish (or schedule) selected"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        self.run_service(
            request,
            queryset,
            article_publish,
            lambda n: (
                ngettext(
                    "%d article published or scheduled.",
                    "%d articles published or scheduled.",
                    n,
                )
                % n
            ),
        )

    @admin.action(
        description=_("Unpublish selected (back to draft)"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        self.run_service(
            request,
            queryset,
            article_unpublish,
            lambda n: (
                ngettext("%d article unpublished.", "%d articles unpublished.", n) % n
            ),
        )

    @admin.action(description=_("Move selected to the trash"), permissions=["delete"])
    def move_to_trash(self, request, queryset):
        self.run_service(
            request,
            queryset,
            article_trash,
            lambda n: (
                ngettext(
                    "%d article moved to the trash.",
                    "%d articles moved to the trash.",
                    n,
                )
                % n
            ),
        )

    @admin.action(
        description=_("Restore selected from the trash"), permissions=["publish"]
    )
    def restore_from_trash(self, request, queryset):
        self.run_service(
            request,
            queryset,
            article_restore,
            lambda n: ngettext("%d article restored.", "%d articles restored.", n) % n,
        )

    @admin.action(
        description=_("Purge selected from the trash…"), permissions=["purge"]
    )
    def purge(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            return self.purge_confirmation(request, queryset)
        self.run_service(
            request,
            queryset,
            article_purge,
            lambda n: (
                ngettext(
                    "%d article deleted for good.", "%d articles deleted for good.", n
                )
                % n
            ),
        )
