import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleNote,
    Author,
    Category,
    DeniedDomain,
    Language,
    PreviewLink,
    Source,
    SourceDomain,
    SourceLink,
)
from articles.services import source_link_approve, source_link_reject, source_link_save


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery-staple")


class StaffFactory(UserFactory):
    """A staff account in the named role groups (Authors, Editors, Moderators),
    or holding exactly the named permissions (``permissions=[codename, ...]``)."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        if create and extracted:
            found = list(Permission.objects.filter(codename__in=extracted))
            assert len(found) == len(extracted), "unknown permission codename"
            self.user_permissions.add(*found)


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ["code"]

    code = "en"
    name = "English"
    native_name = "English"


class ChineseFactory(LanguageFactory):
    code = "zh-hans"
    name = "Chinese"
    native_name = "简体中文"


class TraditionalChineseFactory(LanguageFactory):
    code = "zh-hant"
    name = "Traditional Chinese"
    native_name = "繁體中文"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda c: c.name.lower().replace(" ", "-"))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.LazyAttribute(lambda s: s.name.lower().replace(" ", "-"))
    homepage = factory.LazyAttribute(lambda s: f"https://{s.slug}.example.com/")
    language = factory.SubFactory(LanguageFactory)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Writer {n}")
    slug = factory.LazyAttribute(lambda a: a.name.lower().replace(" ", "-"))


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, one day old, in one category."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Shenzhen story number {n}")
    lead = factory.LazyAttribute(lambda a: f"The lead of {a.title}.")
    body = ""
    language = factory.SubFactory(LanguageFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )

    class Params:
        with_image = factory.Trait(
            image=factory.django.ImageField(
                filename="harbour.jpg", format="JPEG", width=64, height=48
            ),
            image_alt="Victoria Harbour at night",
        )

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if not create:
            return
        self.categories.set(extracted if extracted is not None else [CategoryFactory()])

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """authors=[first, second, …]: the byline, in that order."""
        for position, author in enumerate(extracted or [], start=1) if create else ():
            ArticleAuthor.objects.create(article=self, author=author, position=position)


class SourceLinkFactory(factory.django.DjangoModelFactory):
    """A link entered as the admin enters it, then decided on by a moderator.

    ``status`` (approved unless given) is reached the way the site reaches it:
    the trusted-source rule or a moderator's decision, each with its
    SourceLinkDecision and audit entry. A rejection gives ``rejection_reason``.
    What a decision leaves for its commit (``content_changed``: derived entries,
    search index, caches) runs only under ``django_capture_on_commit_callbacks``.
    """

    class Meta:
        model = SourceLink

    article = factory.SubFactory(ArticleFactory)
    url = factory.Sequence(lambda n: f"https://news.example.com/story/{n}")
    source = factory.SubFactory(SourceFactory)
    status = SourceLink.Status.APPROVED

    @classmethod
    def _create(cls, model_class, *args, status, rejection_reason="", **kwargs):
        link = source_link_save(
            link=model_class(*args, **kwargs), actor=kwargs.get("submitted_by")
        )
        if link.status != status:
            link = cls._decide(link, status, rejection_reason)
        return link

    @staticmethod
    def _decide(link, status, rejection_reason):
        moderator = StaffFactory(
            username="factory-moderator",
            permissions=["view_sourcelinkmoderation", "change_sourcelinkmoderation"],
        )
        if status == SourceLink.Status.APPROVED:
            return source_link_approve(link=link, actor=moderator)
        if status == SourceLink.Status.REJECTED:
            reason = rejection_reason or "Not the story's source."
            return source_link_reject(link=link, actor=moderator, reason=reason)
        raise ValueError(f"{link} is {link.status}, not {status}.")


class DraftFactory(ArticleFactory):
    status = Article.Status.DRAFT
    published_at = None


class PreviewLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreviewLink

    article = factory.SubFactory(DraftFactory)
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=7)
    )


def image_bytes(width=64, height=48, format="JPEG", mode="RGB", **save_args):
    """Encode a real image with Pillow (a gradient, so it compresses like a photo)."""
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    out = io.BytesIO()
    image.save(out, format, **save_args)
    return out.getvalue()


def image_upload(name="photo.jpg", content=None, **image_args):
    """A file as the admin receives it from a browser."""
    if content is None:
        content = image_bytes(**image_args)
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


class SourceDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDomain
        django_get_or_create = ["domain"]

    source = factory.SubFactory(SourceFactory)
    domain = factory.LazyAttribute(lambda d: f"{d.source.slug}.example.com")


class DeniedDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeniedDomain
        django_get_or_create = ["domain"]

    domain = "spam.example.net"
    reason = "Content farm"


class ArticleNoteFactory(factory.django.DjangoModelFactory):
    """A correction (``kind="update"`` for an update) under a published article,
    noted now unless ``noted_at`` is given."""

    class Meta:
        model = ArticleNote

    article = factory.SubFactory(ArticleFactory)
    kind = ArticleNote.Kind.CORRECTION
    text = factory.Sequence(lambda n: f"An earlier version gave the wrong figure {n}.")
