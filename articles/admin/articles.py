import json

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Article, Language
from ..permissions import can_edit, can_publish, can_purge, can_trash
from ..services import (
    article_publish,
    article_purge,
    article_record_revision,
    article_restore,
    article_save,
    article_submit,
    article_trash,
    article_unpublish,
)
from .forms import ArticleAdminForm
from .history import RevisionHistoryMixin
from .links import SourceLinkInline


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


@admin.register(Article)
class ArticleAdmin(RevisionHistoryMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "published_at", "category_list", "author"]
    list_filter = [
        TrashFilter,
        "status",
        "categories",
        "language",
        "source_links__source",
    ]
    list_select_related = ["author"]
    search_fields = ["title", "lead", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories"]
    inlines = [SourceLinkInline]
    delete_confirmation_template = "admin/articles/article/trash_confirmation.html"
    actions = [
        "submit_for_review",
        "publish",
        "unpublish",
        "move_to_trash",
        "restore_from_trash",
        "purge",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "base_version"]}),
        (
            _("Publishing"),
            {"fields": ["status", "published_at", "author", "language"]},
        ),
        (_("Filing"), {"fields": ["categories", "tags"]}),
        (_("Featured image"), {"fields": ["image", "image_alt"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        return obj.state_label()

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        english = Language.objects.filter(code="en").first()
        if english:
            initial.setdefault("language", english.pk)
        return initial

    def get_readonly_fields(self, request, obj=None):
        if can_publish(request.user):
            return []
        return ["published_at", "author"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_trash(request.user, obj))

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_purge_permission(self, request):
        return can_purge(request.user)

    def save_model(self, request, obj, form, change):
        previous = Article.objects.get(pk=obj.pk) if change else None
        article_save(article=obj, actor=request.user, previous=previous)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        message = self.construct_change_message(request, form, formsets, not change)
        comment = LogEntry(change_message=json.dumps(message)).get_change_message()
        article_record_revision(
            article=form.instance,
            actor=request.user,
            comment=comment or _("Saved without changes."),
        )

    def get_deleted_objects(self, objs, request):
        # Moving to the trash deletes nothing, so related rows need no permission.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        article_trash(article=obj, actor=request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            _("“%(title)s” was moved to the trash; editors can restore it.")
            % {"title": obj_display},
            messages.SUCCESS,
        )
        url = reverse("admin:articles_article_changelist")
        return HttpResponseRedirect(
            add_preserved_filters(
                {
                    "preserved_filters": self.get_preserved_filters(request),
                    "opts": self.opts,
                },
                url,
            )
        )

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
