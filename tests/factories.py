import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import (
    Article,
    Category,
    DeniedDomain,
    Language,
    Source,
    SourceDomain,
    SourceLink,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery-staple")


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

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if not create:
            return
        self.categories.set(extracted if extracted is not None else [CategoryFactory()])

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class SourceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceLink

    article = factory.SubFactory(ArticleFactory)
    url = factory.Sequence(lambda n: f"https://news.example.com/story/{n}")
    source = factory.SubFactory(SourceFactory)
    status = SourceLink.Status.APPROVED


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
