from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import SourceLink, SourceLinkDecision, SourceLinkModeration
from ..services import ModerationRefused, source_links_approve, source_links_reject
from .links import LinkHealthMixin, SourceLinkForm


class StatusFilter(admin.SimpleListFilter):
    """Status, showing pending links until another choice is made."""

    title = _("status")
    parameter_name = "status"
    default = SourceLink.Status.PENDING

    def lookups(self, request, model_admin):
        return [*SourceLink.Status.choices, ("all", _("All"))]

    def choices(self, changelist):
        current = self.value() or self.default
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default
        return queryset if value == "all" else queryset.filter(status=value)


class HealthFilter(admin.SimpleListFilter):
    title = _("health")
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("broken", _("Broken")),
            ("failing", _("Failing, not yet broken")),
            ("ok", _("OK")),
            ("unchecked", _("Not checked")),
        ]

    def queryset(self, request, queryset):
        return {
            "broken": lambda: queryset.filter(is_broken=True),
            "failing": lambda: queryset.filter(
                is_broken=False, consecutive_failures__gt=0
            ),
            "ok": lambda: queryset.filter(
                last_checked_at__isnull=False, consecutive_failures=0
            ),
            "unchecked": lambda: queryset.filter(last_checked_at__isnull=True),
        }.get(self.value(), lambda: queryset)()


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text=_("Recorded with the decision and shown to the link's author."),
    )


class DecisionInline(admin.TabularInline):
    model = SourceLinkDecision
    fields = ["decided_at", "action", "actor", "by_rule", "reason", "url"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The history belongs to the queue: whoever may view the queue sees it.
        return request.user.has_perm("articles.view_sourcelinkmoderation")


TITLES = {
    SourceLink.Status.PENDING: _("Links awaiting review"),
    SourceLink.Status.APPROVED: _("Approved links"),
    SourceLink.Status.REJECTED: _("Rejected links"),
    "all": _("All source links"),
}


@admin.register(SourceLinkModeration)
class SourceLinkModerationAdmin(LinkHealthMixin, admin.ModelAdmin):
    """The queue: opens on pending links; moderators approve or reject in bulk.

    The list keeps to what a decision needs, narrow enough for a 1,280-pixel
    screen beside the filters (its page has no navigation sidebar); language,
    archive and the moderator are on each link's page.
    """

    form = SourceLinkForm
    list_display = [
        "address",
        "article_title",
        "readers_see",
        "status",
        "submitted_by",
        "health",
        "created",
    ]
    list_filter = [StatusFilter, HealthFilter, "approved_by_rule", "source"]
    list_select_related = ["article", "source", "submitted_by"]
    search_fields = ["url", "article__title", "source__name"]
    search_help_text = _("Search by URL, article title or source name.")
    actions = ["approve_selected", "reject_selected"]
    fields = [
        "visit",
        "article_title",
        "source",
        "readers_see",
        "language",
        "status",
        "submitted_by",
        "moderated_by",
        "moderated_at",
        "approved_by_rule",
        "rejection_reason",
        "health",
        "last_checked_at",
        "final_url",
        "last_check_error",
        "archive",
        "archive_attempted_at",
        "archive_url",
    ]
    readonly_fields = [name for name in fields if name != "archive_url"]
    inlines = [DecisionInline]

    class Media:
        css = {"all": ["css/moderation.css"]}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="URL", ordering="url")
    def address(self, link):
        """The URL without its scheme, cut short; the link's page has all of it."""
        return Truncator(link.url.split("://", 1)[-1]).chars(60)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, link):
        return link.article.title

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, link):
        return date_format(timezone.localtime(link.created_at), "j M Y, H:i")

    @admin.display(description="URL")
    def visit(self, link):
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            link.url,
            link.url,
        )

    def changelist_view(self, request, extra_context=None):
        counts = SourceLink.objects.aggregate(
            **{
                str(value): Count("pk", filter=Q(status=value))
                for value in SourceLink.Status.values
            },
            broken=Count("pk", filter=Q(is_broken=True)),
        )
        status_counts = [
            (label, counts[str(value)]) for value, label in SourceLink.Status.choices
        ]
        status = request.GET.get(StatusFilter.parameter_name, StatusFilter.default)
        extra_context = {
            "title": TITLES.get(status, capfirst(self.opts.verbose_name_plural)),
            # "Select all 120 links", not "Select all 120 moderation queue".
            "module_name": _("links"),
            **(extra_context or {}),
            "status_counts": status_counts,
            "broken_count": counts["broken"],
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"title": _("Review a source link"), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def _report(self, request, result, done):
        """Say what an action did; ``done(n)`` words the count of changed links."""
        if result.changed:
            self.message_user(request, done(len(result.changed)), messages.SUCCESS)
        if result.unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d link already had that status.",
                    "%(count)d links already had that status.",
                    len(result.unchanged),
                )
                % {"count": len(result.unchanged)},
                messages.INFO,
            )
        for link, reason in result.refused:
            self.message_user(
                request,
                _("Not approved: %(url)s — %(reason)s")
                % {"url": link.url, "reason": reason},
                messages.ERROR,
            )

    @admin.action(description=_("Approve selected links"), permissions=["change"])
    def approve_selected(self, request, queryset):
        """Approve, first asking about links whose host is not their source's site.

        The confirmation names the links it was shown for; a link that stops
        matching its source after the page was shown is asked about again.
        """
        links = list(queryset.select_related("article", "source").with_source_domains())
        mismatched = [
            link
            for link in links
            if link.status != SourceLink.Status.APPROVED and not link.matches_source()
        ]
        if request.POST.get("approve") == "matching":
            queryset = queryset.exclude(pk__in=[link.pk for link in mismatched])
        elif {str(link.pk) for link in mismatched} - set(
            request.POST.getlist("confirmed")
        ):
            return self.approve_confirmation(request, links, mismatched)
        result = source_links_approve(links=queryset, actor=request.user)
        self._report(
            request,
            result,
            lambda n: (
                ngettext("Approved %(count)d link.", "Approved %(count)d links.", n)
                % {"count": n}
            ),
        )
        if not (result.changed or result.unchanged or result.refused):
            self.message_user(request, _("No link was approved."), messages.WARNING)

    def approve_confirmation(self, request, links, mismatched):
        matching = [link for link in links if link not in mismatched]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve links that are not on their source's site?"),
            "opts": self.opts,
            "mismatched": mismatched,
            "matching": matching,
            "selected_ids": [link.pk for link in links],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "admin/articles/sourcelinkmoderation/approve_confirmation.html",
            context,
        )

    @admin.action(
        description=_("Reject selected links (with a reason)…"), permissions=["change"]
    )
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                result = source_links_reject(
                    links=queryset,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ModerationRefused as exc:
                form.add_error("reason", str(exc))
            else:
                self._report(
                    request,
                    result,
                    lambda n: (
                        ngettext(
                            "Rejected %(count)d link.", "Rejected %(count)d links.", n
                        )
                        % {"count": n}
                    ),
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject source links"),
            "opts": self.opts,
            "links": queryset.select_related("article"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected_ids": queryset.values_list("pk", flat=True),
        }
        return TemplateResponse(
            request, "admin/articles/sourcelinkmoderation/reject.html", context
        )
