"""Corrections and updates: added and withdrawn in the admin, never edited."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ..models import Article, ArticleNote
from ..services import article_note_add, article_note_withdraw

NOTE_READONLY = ["article_link", "kind", "text", "noted_at", "noted_by"]
WITHDRAWAL_READONLY = ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]


def local_time(moment) -> str:
    """A time as editors read it: in the site's zone, which is named."""
    when = timezone.localtime(moment)
    return f"{when:%Y-%m-%d %H:%M} {timezone.get_current_timezone_name()}"


class ArticleNoteAddForm(forms.ModelForm):
    class Meta:
        model = ArticleNote
        fields = ["article", "kind", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.published()
        self.fields["article"].help_text = _(
            "A published article. The note is dated now and shown on it at once."
        )
        self.fields["article"].error_messages["invalid_choice"] = _(
            "Corrections and updates are added to published articles only."
        )


class ArticleNoteWithdrawForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Withdraw, because"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Leave empty to keep the note. A withdrawn note is not deleted: the "
            "article keeps showing it, marked withdrawn on today's date with this "
            "reason."
        ),
    )

    class Meta:
        model = ArticleNote
        fields = []


@admin.register(ArticleNote)
class ArticleNoteAdmin(admin.ModelAdmin):
    list_display = ["noted_at", "kind", "article", "excerpt", "noted_by", "state"]
    list_filter = ["kind", "noted_at", ("withdrawn_at", admin.EmptyFieldListFilter)]
    list_select_related = ["article", "noted_by"]
    search_fields = ["article__title", "text", "withdrawal_reason"]
    date_hierarchy = "noted_at"
    raw_id_fields = ["article"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["article", "kind", "text"]
        if obj.is_withdrawn:
            return [*NOTE_READONLY, *WITHDRAWAL_READONLY]
        if self.has_change_permission(request, obj):
            return [*NOTE_READONLY, "reason"]
        return NOTE_READONLY

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*NOTE_READONLY, *WITHDRAWAL_READONLY]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ArticleNoteAddForm
        elif not obj.is_withdrawn:
            kwargs["form"] = ArticleNoteWithdrawForm
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("article"))
    def article_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            obj.article,
        )

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 80 else f"{obj.text[:79]}…"

    @admin.display(description=_("state"), ordering="withdrawn_at")
    def state(self, obj):
        if obj.is_withdrawn:
            return _("Withdrawn on %(when)s") % {"when": local_time(obj.withdrawn_at)}
        return _("Shown")

    def has_change_permission(self, request, obj=None):
        # Only a note still shown can be withdrawn; nothing else about it changes.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_withdrawn)

    def has_delete_permission(self, request, obj=None):
        # Readers were told: a note is withdrawn, on the record, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            reason = form.cleaned_data.get("reason", "").strip()
            if reason:
                note = article_note_withdraw(
                    note=obj, actor=request.user, reason=reason
                )
                obj.withdrawn_at, obj.withdrawn_by = (
                    note.withdrawn_at,
                    note.withdrawn_by,
                )
                obj.withdrawal_reason = note.withdrawal_reason
            return
        note = article_note_add(
            article=obj.article, actor=request.user, kind=obj.kind, text=obj.text
        )
        obj.pk, obj.noted_at, obj.noted_by = note.pk, note.noted_at, note.noted_by
        obj._state.adding = False


class ArticleNotesMixin:
    """The article change form lists its notes and links to adding one."""

    notes_fieldset = (_("Corrections and updates"), {"fields": ["notes_on_article"]})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [*fieldsets, self.notes_fieldset] if obj is not None else fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "notes_on_article"]

    @admin.display(description=_("notes"))
    def notes_on_article(self, obj):
        rows = format_html_join(
            "",
            '<li><a href="{}">{} {}</a>{}: {}</li>',
            (
                (
                    reverse("admin:articles_articlenote_change", args=[note.pk]),
                    note.get_kind_display(),
                    local_time(note.noted_at),
                    _(" (withdrawn)") if note.is_withdrawn else "",
                    note.text,
                )
                for note in obj.notes.all()
            ),
        )
        listed = format_html("<ul>{}</ul>", rows) if rows else _("None yet.")
        if not obj.is_published():
            return format_html(
                "{}<p>{}</p>",
                listed,
                _("Corrections and updates are added once the article is published."),
            )
        add = reverse("admin:articles_articlenote_add")
        return format_html(
            '{}<p><a class="addlink" href="{}?{}">{}</a></p>',
            listed,
            add,
            urlencode({"article": obj.pk}),
            _("Add a correction or update"),
        )
