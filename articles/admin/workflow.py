import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Article, AuditEntry, PreviewLink, PreviewLinkUse
from ..services import preview_link_create, preview_link_revoke


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "object_repr", "change"]
    list_filter = ["action", "created_at", "actor", "content_type"]
    list_select_related = ["actor"]
    search_fields = ["object_repr", "actor_name", "before", "after"]
    date_hierarchy = "created_at"

    @admin.display(description=_("before → after"))
    def change(self, obj):
        return f"{obj.before} → {obj.after}" if obj.before or obj.after else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PreviewLinkUseInline(admin.TabularInline):
    model = PreviewLinkUse
    fields = ["used_at", "ip_address", "user_agent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def default_expiry():
    return timezone.now() + datetime.timedelta(days=7)


class PreviewLinkForm(forms.ModelForm):
    class Meta:
        model = PreviewLink
        fields = ["article", "note", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "article" in self.fields:
            self.fields["article"].queryset = Article.objects.previewable()
            self.fields["article"].help_text = _(
                "Drafts, articles in review and scheduled articles."
            )
        self.fields["expires_at"].help_text = _(
            "In %(zone)s time. After it the link shows nothing."
        ) % {"zone": timezone.get_current_timezone_name()}

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise ValidationError(_("Choose a time in the future."))
        return expires_at


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    form = PreviewLinkForm
    list_display = ["article", "note", "created_by", "expires_at", "state", "use_count"]
    list_filter = ["expires_at", "revoked_at"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__title", "note"]
    raw_id_fields = ["article"]
    inlines = [PreviewLinkUseInline]
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("uses"))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "article", "url", "created_by", "created_at", "revoked_at", "revoked_by",
        ]  # fmt: skip

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["article", "note", "expires_at"]
        return [
            "article", "url", "note", "expires_at", "created_by", "created_at",
            "revoked_at", "revoked_by",
        ]  # fmt: skip

    def get_changeform_initial_data(self, request):
        return {
            "expires_at": default_expiry(),
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("link to share"))
    def url(self, obj):
        if not obj.is_active():
            return _("(no longer usable)")
        return settings.SITE_URL + obj.get_absolute_url()

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.revoked_at:
            return _("Revoked")
        return _("Active") if obj.is_active() else _("Expired")

    @admin.display(description=_("uses"), ordering="use_count")
    def use_count(self, obj):
        return obj.use_count

    def has_delete_permission(self, request, obj=None):
        # Links are revoked, not deleted, so their use log survives.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        link = preview_link_create(
            article=obj.article,
            actor=request.user,
            expires_at=obj.expires_at,
            note=obj.note,
        )
        obj.pk, obj.token, obj.created_by = link.pk, link.token, link.created_by
        obj._state.adding = False

    @admin.action(description=_("Revoke selected links"), permissions=["change"])
    def revoke(self, request, queryset):
        try:
            for link in queryset:
                preview_link_revoke(link=link, actor=request.user)
        except PermissionDenied:
            self.message_user(request, _("You may not revoke links."), messages.ERROR)
        else:
            self.message_user(request, _("Links revoked."), messages.SUCCESS)
