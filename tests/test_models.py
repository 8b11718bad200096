import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, SourceLink

from .factories import (
    ArticleFactory,
    CategoryFactory,
    ChineseFactory,
    LanguageFactory,
    SourceFactory,
    SourceLinkFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def ahead(**kwargs):
    return timezone.now() + datetime.timedelta(**kwargs)


class TestStrAndUrls:
    def test_language(self):
        """A language shows its English name."""
        assert str(ChineseFactory()) == "Chinese"

    def test_category(self):
        """A category shows its name and lives under /category/<slug>/."""
        category = CategoryFactory(name="Innovation", slug="innovation")
        assert str(category) == "Innovation"
        assert category.get_absolute_url() == "/category/innovation/"

    def test_source(self):
        """A source shows its name and lives under /source/<slug>/."""
        source = SourceFactory(name="China News", slug="china-news")
        assert str(source) == "China News"
        assert source.get_absolute_url() == "/source/china-news/"

    def test_source_link(self):
        """A source link shows its URL and points to it."""
        link = SourceLinkFactory(url="https://www.caixinglobal.com/2020/story")
        assert str(link) == "https://www.caixinglobal.com/2020/story"
        assert link.get_absolute_url() == "https://www.caixinglobal.com/2020/story"

    def test_tag(self, article):
        """A tag shows its name."""
        article.tags.add("Shenzhen")
        assert str(Tag.objects.get()) == "Shenzhen"

    def test_article(self):
        """An article shows its title; its URL holds its date and slug."""
        article = ArticleFactory(
            title="Guangdong 2nd in software output",
            published_at=datetime.datetime(2020, 6, 12, 2, 0, tzinfo=UTC),
        )
        assert str(article) == "Guangdong 2nd in software output"
        assert article.get_absolute_url() == (
            "/2020/06/12/guangdong-2nd-in-software-output/"
        )

    @pytest.mark.parametrize(
        ("published_at", "path"),
        [
            # 17:00 UTC is 01:00 the next day in Hong Kong (UTC+8).
            (datetime.datetime(2020, 6, 11, 17, 0, tzinfo=UTC), "/2020/06/12/"),
            (datetime.datetime(2020, 6, 11, 15, 59, tzinfo=UTC), "/2020/06/11/"),
            (datetime.datetime(2020, 12, 31, 16, 0, tzinfo=UTC), "/2021/01/01/"),
        ],
    )
    def test_article_url_uses_the_hong_kong_date(self, settings, published_at, path):
        """The date in the URL is the publication date in the site time zone."""
        assert settings.TIME_ZONE == "Asia/Hong_Kong"
        article = ArticleFactory(slug="story", published_at=published_at)
        assert article.get_absolute_url() == f"{path}story/"

    def test_draft_url_uses_the_creation_date(self):
        """A draft without a publication date takes its URL date from its creation."""
        draft = ArticleFactory(
            slug="draft", status=Article.Status.DRAFT, published_at=None
        )
        day = timezone.localdate(draft.created_at)
        assert draft.get_absolute_url() == f"/{day:%Y/%m/%d}/draft/"


DAY, MINUTE, SECOND = (
    datetime.timedelta(days=1),
    datetime.timedelta(minutes=1),
    datetime.timedelta(seconds=1),
)

# (status, published_at relative to now or None, visible to readers)
VISIBILITY = [
    pytest.param(Article.Status.PUBLISHED, -DAY, True, id="published-past"),
    pytest.param(Article.Status.PUBLISHED, -5 * SECOND, True, id="published-now"),
    pytest.param(Article.Status.PUBLISHED, DAY, False, id="scheduled"),
    pytest.param(Article.Status.PUBLISHED, 5 * MINUTE, False, id="due-soon"),
    pytest.param(Article.Status.DRAFT, -DAY, False, id="draft-past-date"),
    pytest.param(Article.Status.DRAFT, None, False, id="draft-no-date"),
    pytest.param(Article.Status.DRAFT, DAY, False, id="draft-future-date"),
]


def make_article(status, offset):
    published_at = None if offset is None else timezone.now() + offset
    return ArticleFactory(status=status, published_at=published_at)


class TestVisibility:
    @pytest.mark.parametrize(("status", "offset", "visible"), VISIBILITY)
    def test_published_queryset(self, status, offset, visible):
        """published() holds published articles whose time has come, nothing else."""
        article = make_article(status, offset)
        assert (article in Article.objects.published()) is visible

    @pytest.mark.parametrize(("status", "offset", "visible"), VISIBILITY)
    def test_is_published_agrees_with_queryset(self, status, offset, visible):
        """is_published() gives the same answer as published() for each article."""
        article = make_article(status, offset)
        assert article.is_published() is visible
        assert Article.objects.published().filter(pk=article.pk).exists() is visible

    def test_published_lists_only_visible_articles_newest_first(self):
        """published() returns the visible articles, newest first."""
        old = ArticleFactory(published_at=ago(days=3))
        new = ArticleFactory(published_at=ago(hours=1))
        ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        ArticleFactory(published_at=ahead(hours=1))
        assert list(Article.objects.published()) == [new, old]


class TestSave:
    def test_publishing_without_a_date_sets_it_to_now(self):
        """A published article saved without published_at is dated now."""
        before = timezone.now().replace(microsecond=0)
        article = ArticleFactory(published_at=None)
        after = timezone.now()
        article.refresh_from_db()
        assert before <= article.published_at <= after
        assert article.is_published()

    def test_publication_times_are_stored_to_the_whole_second(self):
        """The admin's inputs carry whole seconds, so stored times do too."""
        when = timezone.now() - datetime.timedelta(hours=1)
        article = ArticleFactory(published_at=when)
        article.refresh_from_db()
        assert article.published_at == when.replace(microsecond=0)

    def test_draft_keeps_an_empty_date(self):
        """A draft saved without published_at stays undated."""
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        draft.refresh_from_db()
        assert draft.published_at is None

    def test_given_date_is_kept(self):
        """An explicit publication date is not overwritten."""
        when = ahead(days=2).replace(microsecond=0)
        article = ArticleFactory(published_at=when)
        article.refresh_from_db()
        assert article.published_at == when

    def test_publishing_with_update_fields_sets_the_date(self):
        """Publishing a draft with save(update_fields=["status"]) also dates it."""
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        draft.status = Article.Status.PUBLISHED
        with transaction.atomic():
            draft.save(update_fields=["status"])
        draft.refresh_from_db()
        assert draft.published_at is not None

    def test_body_is_sanitised(self):
        """Saving an article cleans its body HTML."""
        article = ArticleFactory(
            body='<p onclick="x()">Safe</p><script>alert("x")</script>'
        )
        article.refresh_from_db()
        assert article.body == "<p>Safe</p>"

    def test_body_is_sanitised_on_a_partial_save(self, article):
        """save(update_fields=...) still writes the cleaned body."""
        article.title = "New title"
        article.body = "<p>Safe</p><script>alert(1)</script>"
        article.save(update_fields=["title"])
        article.refresh_from_db()
        assert article.title == "New title"
        assert article.body == "<p>Safe</p>"

    def test_has_more_follows_the_body(self):
        """has_more is true only when the body holds more than whitespace."""
        assert ArticleFactory(body="<p>More</p>").has_more
        assert not ArticleFactory(body="").has_more
        assert not ArticleFactory(body="<script>only()</script>").has_more


class TestSlug:
    def test_slug_is_made_from_the_title(self):
        """An empty slug is made from the title."""
        article = ArticleFactory(title="Shenzhen adopts blockchain-based IDs")
        assert article.slug == "shenzhen-adopts-blockchain-based-ids"

    def test_same_title_gets_a_numbered_slug(self):
        """Articles with the same title get -2, -3 slugs."""
        slugs = [ArticleFactory(title="Smart glasses").slug for _ in range(3)]
        assert slugs == ["smart-glasses", "smart-glasses-2", "smart-glasses-3"]

    def test_chinese_title_gives_chinese_slug(self):
        """A Chinese title keeps its characters in the slug."""
        assert ArticleFactory(title="人工智能").slug == "人工智能"

    def test_punctuation_title_gives_non_empty_slug(self):
        """A title with no letters still gets a usable, unique slug."""
        first = ArticleFactory(title="!!!")
        second = ArticleFactory(title="???")
        assert first.slug == "article"
        assert second.slug == "article-2"

    def test_given_slug_is_kept(self):
        """An explicit slug is not replaced."""
        assert ArticleFactory(title="Anything", slug="my-slug").slug == "my-slug"

    def test_slug_is_stable_when_the_title_changes(self, article):
        """Editing the title of a saved article keeps its slug (and so its URL)."""
        slug = article.slug
        article.title = "A completely different title"
        article.save()
        article.refresh_from_db()
        assert article.slug == slug

    def test_resaving_does_not_suffix_its_own_slug(self, article):
        """An article does not clash with itself when saved again."""
        slug = article.slug
        article.slug = ""
        article.save()
        assert article.slug == slug


class TestConstraints:
    def test_published_without_date_is_rejected_by_the_database(self, article):
        """The database refuses a published article with no publication date."""
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=article.pk).update(published_at=None)

    def test_draft_without_date_is_accepted(self, article):
        """A draft may have no publication date."""
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.DRAFT, published_at=None
        )
        article.refresh_from_db()
        assert article.published_at is None

    def test_image_without_alt_is_rejected(self, article):
        """The database refuses an image with no alt text."""
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=article.pk).update(image="articles/2020/06/a.jpg")

    def test_image_without_alt_is_rejected_on_save(self):
        """Saving an article with an image and empty alt text fails."""
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(image="articles/2020/06/a.jpg", image_alt="")

    def test_image_with_alt_is_accepted(self, article):
        """An image with alt text is stored."""
        Article.objects.filter(pk=article.pk).update(
            image="articles/2020/06/a.jpg", image_alt="Shenzhen Bay at night"
        )
        article.refresh_from_db()
        assert article.image.name == "articles/2020/06/a.jpg"

    def test_source_link_url_is_unique_per_article(self, article):
        """An article cannot cite the same URL twice."""
        SourceLinkFactory(article=article, url="https://www.caixinglobal.com/")
        with pytest.raises(IntegrityError), transaction.atomic():
            SourceLinkFactory(article=article, url="https://www.caixinglobal.com/")

    def test_same_url_may_be_cited_by_two_articles(self):
        """Different articles may cite the same URL."""
        SourceLinkFactory(url="https://www.caixinglobal.com/")
        SourceLinkFactory(url="https://www.caixinglobal.com/")
        assert (
            SourceLink.objects.filter(url="https://www.caixinglobal.com/").count() == 2
        )


class TestSourceLinks:
    def test_approved(self, article):
        """approved() returns approved links only."""
        approved = SourceLinkFactory(article=article)
        SourceLinkFactory(article=article, status=SourceLink.Status.PENDING)
        SourceLinkFactory(article=article, status=SourceLink.Status.REJECTED)
        assert list(SourceLink.objects.approved()) == [approved]

    def test_default_status_is_pending(self, article):
        """A new link waits for review."""
        link = SourceLink.objects.create(article=article, url="https://a.example/")
        assert link.status == SourceLink.Status.PENDING
        assert link not in SourceLink.objects.approved()


class TestAttribution:
    """Article language is English unless stated."""

    def test_source_in_the_article_language(self, article):
        """Same language: the label names the source only."""
        source = SourceFactory(name="Caixin", language=LanguageFactory())
        link = SourceLinkFactory(article=article, source=source, language=None)
        assert link.attribution() == (source, None)

    def test_no_source_in_another_language(self, article):
        """No source, other language: the label names the language only."""
        chinese = ChineseFactory()
        link = SourceLinkFactory(article=article, source=None, language=chinese)
        assert link.attribution() == (None, chinese)

    def test_source_in_another_language(self, article):
        """Source and a different language: the label names both."""
        chinese = ChineseFactory()
        source = SourceFactory(name="Caixin", language=LanguageFactory())
        link = SourceLinkFactory(article=article, source=source, language=chinese)
        assert link.attribution() == (source, chinese)

    def test_language_falls_back_to_the_source(self, article):
        """A link without a language takes its source's language."""
        chinese = ChineseFactory()
        source = SourceFactory(name="China News", language=chinese)
        link = SourceLinkFactory(article=article, source=source, language=None)
        assert link.link_language == chinese
        assert link.attribution() == (source, chinese)

    def test_link_language_overrides_the_source(self, article):
        """A link's own language wins over its source's."""
        source = SourceFactory(name="China News", language=ChineseFactory())
        link = SourceLinkFactory(
            article=article, source=source, language=LanguageFactory()
        )
        assert link.attribution() == (source, None)

    def test_nothing_known(self, article):
        """No source and no language: nothing to name."""
        link = SourceLinkFactory(article=article, source=None, language=None)
        assert link.link_language is None
        assert link.attribution() == (None, None)

    def test_chinese_article_citing_chinese_source(self):
        """The comparison is with the article's language, not with English."""
        chinese = ChineseFactory()
        article = ArticleFactory(language=chinese)
        source = SourceFactory(name="China News", language=chinese)
        link = SourceLinkFactory(article=article, source=source, language=None)
        assert link.attribution() == (source, None)


class TestTags:
    def test_tags_are_case_insensitive(self):
        """'AI' and 'ai' on two articles are one tag."""
        first, second = ArticleFactory(), ArticleFactory()
        first.tags.add("AI")
        second.tags.add("ai")
        tag = Tag.objects.get()
        assert tag.name == "AI"
        assert list(second.tags.all()) == [tag]
        assert set(Article.objects.filter(tags=tag)) == {first, second}

    def test_chinese_tag_keeps_a_chinese_slug(self, article):
        """A Chinese tag name gives a Chinese slug."""
        article.tags.add("人工智能")
        assert Tag.objects.get(name="人工智能").slug == "人工智能"


class TestSourceNameLang:
    @pytest.mark.parametrize(
        ("code", "expected"),
        [("zh-hans", "zh-hans"), ("zh-hant", "zh-hant"), ("en", "zh"), (None, "zh")],
    )
    def test_chinese_name(self, code, expected):
        """A name in Chinese characters is marked Chinese, as precisely as known."""
        language = LanguageFactory(code=code) if code else None
        source = SourceFactory(name="中国新闻网", slug="chinanews", language=language)
        assert source.name_lang == expected

    @pytest.mark.parametrize("name", ["Caixin", "China News", "South China 2020"])
    def test_latin_name(self, name):
        """A name without Chinese characters needs no lang attribute."""
        assert SourceFactory(name=name, language=ChineseFactory()).name_lang is None
