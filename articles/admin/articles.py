import json

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import images, reads
from ..models import Article, Language, SourceLink
from ..permissions import can_edit, can_publish, can_trash
from ..services import (
    article_record_revision,
    article_save,
    article_trash,
    source_link_save,
)
from .actions import TrashFilter, WorkflowActionsMixin
from .authors import ArticleAuthorInline, default_bylines
from .desk import DeskMixin
from .forms import ArticleAdminForm
from .history import RevisionHistoryMixin
from .links import SourceLinkInline
from .mixins import ImageNotStoredMixin
from .notes import ArticleNotesMixin
from .translations import TranslationsAdminMixin


class ArticleChangeList(ChangeList):
    """The article list, whose rows alone show categories and reads: each
    article's reads over the windows of the "most read" lists (sortable, so
    annotated before the list's ordering), not on every admin page of articles."""

    def get_queryset(self, request, exclude_parameters=None):
        now = timezone.now()
        since = {f"reads_{w}": reads.window_start(w, now) for w in reads.WINDOWS}
        root = self.root_queryset
        self.root_queryset = root.prefetch_related("categories").with_reads(**since)
        try:
            return super().get_queryset(request, exclude_parameters)
        finally:
            self.root_queryset = root


@admin.register(Article)
class ArticleAdmin(
    TranslationsAdminMixin,
    ArticleNotesMixin,
    DeskMixin,
    ImageNotStoredMixin,
    WorkflowActionsMixin,
    RevisionHistoryMixin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    # The Preview button (admin/articles/article/change_form.html) shows the page.
    view_on_site = False
    list_display = [
        "title",
        "state",
        "published_at",
        "category_list",
        "author",
        "translations_column",
        "reads_today",
        "reads_week",
    ]
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
    autocomplete_fields = ["categories", "translation_of"]
    inlines = [ArticleAuthorInline, SourceLinkInline]
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
        (
            _("Featured image"),
            {"fields": ["image", "image_alt", "image_caption", "image_credit"]},
        ),
        (
            _("Translations"),
            {"fields": ["translation_of", "translation_group"]},
        ),
        (
            _("Chinese script conversion"),
            {"fields": ["conversion_fixes"], "classes": ["collapse"]},
        ),
    ]

    class Media:
        css = {"all": ["css/article_form.css"]}
        js = ["js/article_form.js"]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    @admin.display(description=_("reads, 24 h"), ordering="reads_today")
    def reads_today(self, obj):
        return obj.reads_today

    @admin.display(description=_("reads, 7 days"), ordering="reads_week")
    def reads_week(self, obj):
        return obj.reads_week

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        return obj.state_label()

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    def save_formset(self, request, form, formset, change):
        if formset.model is not SourceLink:
            super().save_formset(request, form, formset, change)
            return
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            link.delete()
        for link in links:
            source_link_save(link=link, actor=request.user)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        english = Language.objects.filter(code="en").first()
        if english:
            initial.setdefault("language", english.pk)
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # Only on the empty form: a submitted row left as it was must still save.
        if isinstance(inline, ArticleAuthorInline) and obj.pk is None:
            if request.method == "GET":
                kwargs["initial"] = default_bylines(request.user)
        return kwargs

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if can_publish(request.user):
            return readonly
        return [*readonly, "published_at", "author"]

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

    def save_model(self, request, obj, form, change):
        # Written by save_related, which also sees the inlines and so knows
        # whether the save changes anything at all.
        pass

    def save_related(self, request, form, formsets, change):
        """Save the article, its relations and a revision, unless nothing changed.

        A save that changes nothing writes nothing: no new version, no new
        ``updated_at``, no revision and no audit entry.
        """
        changed = form.has_changed() or any(f.has_changed() for f in formsets)
        if change and not changed:
            for formset in formsets:
                # Saves nothing; lists the (no) saved rows the admin's log reads.
                self.save_formset(request, form, formset, change)
            return
        previous = Article.objects.get(pk=form.instance.pk) if change else None
        try:
            article_save(article=form.instance, actor=request.user, previous=previous)
            super().save_related(request, form, formsets, change)
            message = self.construct_change_message(request, form, formsets, not change)
            comment = LogEntry(change_message=json.dumps(message)).get_change_message()
            article_record_revision(
                article=form.instance, actor=request.user, comment=comment
            )
        except Exception:
            # The transaction rolls back, so no row will name an image stored here.
            before = previous.image_renditions if previous else {}
            images.delete_files(
                images.new_files(form.instance, before), form.instance.image.storage
            )
            raise

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
