from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import ArticleImageField
from ..models import Article
from ..permissions import can_publish
from ..widgets import ArticleBodyWidget, ArticleImageWidget, PublicationTimeWidget

Status = Article.Status

CONFLICT = _(
    "Someone else saved this article (now version %(current)s) after you opened "
    "it (version %(yours)s). Nothing was saved, so nothing was overwritten. Your "
    "text is still in the form below: copy it, open the article again and apply "
    "your changes to the newer version."
)

IMAGE_NOT_STORED = _(
    "The image could not be stored: %(reason)s. Nothing was saved. Everything "
    "else you entered is still in the form: save without the image, or tell the "
    "site's administrators and choose the image again once they have fixed the "
    "storage."
)


class ArticleAdminForm(forms.ModelForm):
    # The version the editor started from; a save over a newer one is refused.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set per request by ArticleAdmin.get_form.
    user = None
    image_not_stored = None

    class Meta:
        model = Article
        fields = [
            "title", "slug", "lead", "body", "status", "published_at", "author",
            "language", "categories", "tags", "image", "image_alt",
            "image_caption", "image_credit",
        ]  # fmt: skip
        field_classes = {"image": ArticleImageField}
        widgets = {
            "body": ArticleBodyWidget,
            "image": ArticleImageWidget,
            "published_at": PublicationTimeWidget,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["base_version"] = self.instance.version
        if "status" in self.fields and not self.may_publish():
            self.fields["status"].choices = [
                (s.value, s.label) for s in (Status.DRAFT, Status.IN_REVIEW)
            ]
            self.fields["status"].help_text = _(
                "Choose “In review” to hand the article to an editor."
            )
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = _(
                "In %(zone)s time, stored as UTC. A future time schedules the "
                "article; it appears by itself."
            ) % {"zone": timezone.get_current_timezone_name()}

    def may_publish(self) -> bool:
        return self.user is not None and can_publish(self.user)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.check_version(cleaned.get("base_version"))
        status = cleaned.get("status")
        if status == Status.PUBLISHED and not self.may_publish():
            self.add_error(
                "status",
                _("Only editors publish; choose “In review” to submit the article."),
            )
        if status == Status.PUBLISHED and not cleaned.get("categories"):
            self.add_error(
                "categories", _("Choose at least one category before publishing.")
            )
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", _("Describe the image for readers who cannot see it.")
            )
        if self.image_not_stored is not None:
            self.add_error(
                "image",
                forms.ValidationError(
                    IMAGE_NOT_STORED,
                    code="image_not_stored",
                    params={"reason": self.image_not_stored.reason},
                ),
            )
        return cleaned

    def check_version(self, yours):
        # The row stays locked until the admin's transaction ends, so no other
        # save can slip in between this check and the write.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if yours != current:
            raise forms.ValidationError(
                CONFLICT,
                code="conflict",
                params={"current": current, "yours": yours or "?"},
            )
