import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SourceLink

from .factories import (
    ArticleFactory,
    CategoryFactory,
    ChineseFactory,
    SourceFactory,
    SourceLinkFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def listed(response) -> list[int]:
    """The ids of the articles an archive page lists, in order."""
    return [entry.pk for entry in response.context_data["articles"]]


class TestCategoryArchive:
    def test_lists_published_articles_newest_first(self, client, category):
        old = ArticleFactory(
            title="Older story", categories=[category], published_at=days_ago(3)
        )
        new = ArticleFactory(
            title="Newer story", categories=[category], published_at=days_ago(1)
        )
        response = client.get("/category/innovation/")
        assert response.status_code == HTTPStatus.OK
        assert listed(response) == [new.pk, old.pk]
        html = response.content.decode()
        assert "Category Archives: Innovation" in html
        assert html.index("Newer story") < html.index("Older story")

    def test_hides_drafts_scheduled_and_other_categories(self, client, category):
        ArticleFactory(title="Visible", categories=[category])
        ArticleFactory(
            title="A draft", categories=[category], status=Article.Status.DRAFT
        )
        ArticleFactory(
            title="Scheduled",
            categories=[category],
            published_at=timezone.now() + datetime.timedelta(hours=1),
        )
        ArticleFactory(title="Elsewhere", categories=[CategoryFactory()])
        html = client.get("/category/innovation/").content.decode()
        assert "Visible" in html
        for hidden in ("A draft", "Scheduled", "Elsewhere"):
            assert hidden not in html

    def test_entry_shows_title_date_categories_lead_and_tags(self, client, category):
        article = ArticleFactory(
            title="Huawei building AI research platform",
            lead="Huawei Technologies has launched the second phase.",
            categories=[category],
            tags=["AI", "人工智能"],
            published_at=timezone.make_aware(datetime.datetime(2020, 5, 8, 10)),
        )
        html = client.get("/category/innovation/").content.decode()
        assert f'href="{article.get_absolute_url()}"' in html
        assert "May 8, 2020" in html
        assert "Huawei Technologies has launched the second phase." in html
        assert 'href="/category/innovation/"' in html
        assert 'href="/tag/ai/"' in html
        assert 'href="/tag/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"' in html

    def test_continue_reading_only_when_there_is_a_body(self, client, category):
        ArticleFactory(
            title="Long story", body="<p>More text.</p>", categories=[category]
        )
        ArticleFactory(title="Short item", body="", categories=[category])
        html = client.get("/category/innovation/").content.decode()
        assert "Continue reading" in html
        assert 'Continue reading <span class="more-title">Long story</span>' in html
        assert "Short item</span>" not in html

    def test_empty_category_is_a_normal_page(self, client, category):
        response = client.get("/category/innovation/")
        assert response.status_code == HTTPStatus.OK
        assert "No stories have been published here yet." in response.content.decode()

    def test_unknown_category_is_404(self, client):
        assert (
            client.get("/category/no-such-thing/").status_code == HTTPStatus.NOT_FOUND
        )


class TestPagination:
    @pytest.fixture
    def twelve(self, category):
        return [
            ArticleFactory(
                title=f"Story {i:02d}", categories=[category], published_at=days_ago(i)
            )
            for i in range(1, 13)
        ]

    def test_ten_per_page_and_page_two(self, client, twelve):
        first = client.get("/category/innovation/")
        assert len(first.context_data["articles"]) == 10
        assert "Page 1 of 2" in first.content.decode()
        assert (
            '<link rel="next" '
            'href="https://gba.example.com/category/innovation/page/2/">'
            in first.content.decode()
        )
        second = client.get("/category/innovation/page/2/")
        assert second.status_code == HTTPStatus.OK
        assert [a.title for a in second.context_data["articles"]] == [
            "Story 11",
            "Story 12",
        ]
        html = second.content.decode()
        assert (
            '<link rel="prev" href="https://gba.example.com/category/innovation/">'
            in html
        )
        assert 'href="https://gba.example.com/category/innovation/page/2/"' in html

    def test_page_size_is_a_setting(self, client, twelve, settings):
        settings.ARTICLES_PER_PAGE = 5
        response = client.get("/category/innovation/page/3/")
        assert len(response.context_data["articles"]) == 2

    def test_page_one_redirects_to_bare_url(self, client, twelve):
        response = client.get("/category/innovation/page/1/")
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == "/category/innovation/"
        assert client.get("/page/1/")["Location"] == "/"

    @pytest.mark.parametrize(
        "page", ["3", "0", "999999999999", "-1", "abc", "2.5", "%00"]
    )
    def test_bad_page_numbers_are_404(self, client, twelve, page):
        assert (
            client.get(f"/category/innovation/page/{page}/").status_code
            == HTTPStatus.NOT_FOUND
        )

    def test_query_string_page_is_ignored(self, client, twelve):
        response = client.get("/category/innovation/?page=abc")
        assert response.status_code == HTTPStatus.OK
        assert response.context_data["page_obj"].number == 1


class TestReadMoreLabels:
    @pytest.fixture
    def article(self, category):
        return ArticleFactory(title="Linked story", categories=[category])

    def render(self, client):
        return client.get("/category/innovation/").content.decode()

    def test_source_in_same_language(self, client, article):
        SourceLinkFactory(
            article=article, source=SourceFactory(name="Caixin", slug="caixin")
        )
        html = self.render(client)
        assert 'Read more on <span class="source-name">Caixin</span></a>' in html
        assert "(in " not in html

    def test_no_source_other_language(self, client, article):
        SourceLinkFactory(article=article, source=None, language=ChineseFactory())
        html = self.render(client)
        # SourceLinkFactory's links are on news.example.com.
        assert (
            '>Read more on <span class="source-name">news.example.com</span>'
            " (in Chinese)</a>" in html
        )
        assert 'hreflang="zh-hans"' in html
        assert 'rel="noopener noreferrer external"' in html

    def test_source_and_other_language_combined(self, client, article):
        source = SourceFactory(
            name="China News", slug="china-news", language=ChineseFactory()
        )
        SourceLinkFactory(article=article, source=source)
        html = self.render(client)
        assert (
            'Read more on <span class="source-name">China News</span> (in Chinese)</a>'
            in html
        )

    def test_chinese_source_name_carries_its_lang(self, client, article):
        source = SourceFactory(
            name="南方日报", slug="nanfang", language=ChineseFactory()
        )
        SourceLinkFactory(article=article, source=source)
        assert (
            '<span class="source-name" lang="zh-hans">南方日报</span>'
            in self.render(client)
        )

    @pytest.mark.parametrize(
        "status", [SourceLink.Status.PENDING, SourceLink.Status.REJECTED]
    )
    def test_unapproved_links_are_not_shown(self, client, article, status):
        link = SourceLinkFactory(
            article=article, status=status, url="https://hidden.example.com/x"
        )
        html = self.render(client)
        assert link.url not in html
        assert "read-more-link" not in html
        assert link.url not in client.get(article.get_absolute_url()).content.decode()


class TestArticleDetail:
    def test_shows_full_article(self, client, category):
        article = ArticleFactory(
            title="AI robot has IP rights",
            lead="Tencent has won a landmark case.",
            body="<h2>The case</h2><p>Dreamwriter wrote it.</p>",
            categories=[category],
            tags=["Tencent"],
        )
        response = client.get(article.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert '<h1 class="entry-title">AI robot has IP rights</h1>' in html
        assert "<h2>The case</h2><p>Dreamwriter wrote it.</p>" in html
        assert "<title>AI robot has IP rights | " in html
        assert (
            '<meta name="description" content="Tencent has won a landmark case.">'
            in html
        )
        assert (
            f'<link rel="canonical" href="https://gba.example.com{article.get_absolute_url()}">'
            in html
        )

    def test_hostile_body_renders_cleaned(self, client, category):
        article = ArticleFactory(
            categories=[category],
            body=(
                '<p onclick="x()">ok</p><script>alert(1)</script>'
                '<a href="javascript:x">l</a>'
            ),
        )
        html = client.get(article.get_absolute_url()).content.decode()
        assert '<div class="entry-body"><p>ok</p><a>l</a></div>' in html
        assert "alert(1)" not in html

    def test_url_uses_site_time_zone_date(self, client, category):
        article = ArticleFactory(
            slug="late-story",
            categories=[category],
            published_at=datetime.datetime(2020, 6, 11, 17, 0, tzinfo=datetime.UTC),
        )
        assert article.get_absolute_url() == "/2020/06/12/late-story/"
        assert client.get("/2020/06/12/late-story/").status_code == HTTPStatus.OK

    def test_wrong_date_redirects_to_canonical(self, client, article):
        response = client.get("/2001/01/01/" + article.slug + "/")
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == article.get_absolute_url()

    @pytest.mark.parametrize("date", ["2020/13/01", "2020/02/30", "0000/01/01"])
    def test_impossible_date_is_404(self, client, article, date):
        assert (
            client.get(f"/{date}/{article.slug}/").status_code == HTTPStatus.NOT_FOUND
        )

    def test_unknown_slug_is_404(self, client):
        assert (
            client.get("/2020/01/01/nothing-here/").status_code == HTTPStatus.NOT_FOUND
        )

    @pytest.mark.parametrize("kind", ["draft", "scheduled"])
    def test_unpublished_is_404_for_readers_and_preview_for_staff(
        self, client, editor, category, kind
    ):
        if kind == "draft":
            article = ArticleFactory(
                status=Article.Status.DRAFT, published_at=None, categories=[category]
            )
        else:
            article = ArticleFactory(
                published_at=timezone.now() + datetime.timedelta(days=2),
                categories=[category],
            )
        assert (
            client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        )
        client.force_login(editor)
        response = client.get(article.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert "Preview — not published" in response.content.decode()
        assert "no-cache" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex, nofollow">' in (
            response.content.decode()
        )

    def test_published_article_has_no_preview_banner_for_staff(
        self, client, editor, article
    ):
        client.force_login(editor)
        assert (
            "Preview — not published"
            not in client.get(article.get_absolute_url()).content.decode()
        )

    def test_chinese_article_sets_html_lang_and_unicode_slug(self, client, category):
        article = ArticleFactory(
            title="深圳推出区块链身份证",
            language=ChineseFactory(),
            categories=[category],
        )
        assert article.slug == "深圳推出区块链身份证"
        for url in (
            article.get_absolute_url(),
            article.get_absolute_url().encode().decode(),
        ):
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK
            assert '<html lang="zh-hans">' in response.content.decode()

    def test_chinese_article_in_english_archive_carries_lang(self, client, category):
        ArticleFactory(
            title="深圳新闻", language=ChineseFactory(), categories=[category]
        )
        assert (
            '<article class="entry" lang="zh-hans">'
            in client.get("/category/innovation/").content.decode()
        )


class TestOtherArchives:
    def test_home_lists_all_categories(self, client):
        a = ArticleFactory(title="From innovation")
        b = ArticleFactory(title="From policy")
        response = client.get("/")
        assert response.status_code == HTTPStatus.OK
        front = response.context_data["front"]
        assert {front.lead.pk, *(entry.pk for entry in front.latest)} == {a.pk, b.pk}
        assert "<title>GBA Tech News</title>" in response.content.decode()

    def test_tag_archive_resolves_encoded_and_raw_unicode(self, client, article):
        article.tags.add("人工智能")
        for url in ("/tag/人工智能/", "/tag/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"):
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK
            assert "Tag Archives: 人工智能" in response.content.decode()
            assert listed(response) == [article.pk]
        assert client.get("/tag/no-such-tag/").status_code == HTTPStatus.NOT_FOUND

    def test_source_archive_lists_only_approved_citations(self, client, category):
        source = SourceFactory(name="Caixin", slug="caixin")
        cited = ArticleFactory(title="Cited story", categories=[category])
        pending = ArticleFactory(title="Pending story", categories=[category])
        SourceLinkFactory(article=cited, source=source)
        SourceLinkFactory(
            article=cited, source=source, url="https://caixin.example.com/2"
        )
        SourceLinkFactory(
            article=pending, source=source, status=SourceLink.Status.PENDING
        )
        response = client.get("/source/caixin/")
        assert response.status_code == HTTPStatus.OK
        assert listed(response) == [cited.pk]
        assert "Source Archives: Caixin" in response.content.decode()
        assert client.get("/source/nobody/").status_code == HTTPStatus.NOT_FOUND

    def test_year_and_month_archives_use_local_dates(self, client, category):
        # 2019-12-31 17:00 UTC is 2020-01-01 01:00 in Hong Kong.
        new_year = ArticleFactory(
            categories=[category],
            published_at=datetime.datetime(2019, 12, 31, 17, tzinfo=datetime.UTC),
        )
        ArticleFactory(
            categories=[category],
            published_at=datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC),
        )
        assert listed(client.get("/2020/")) == [new_year.pk]
        assert listed(client.get("/2020/01/")) == [new_year.pk]
        assert (
            "Monthly Archives: January 2020" in client.get("/2020/01/").content.decode()
        )
        assert client.get("/2019/12/").status_code == HTTPStatus.NOT_FOUND

    @pytest.mark.parametrize(
        "url", ["/1999/", "/2020/00/", "/2020/13/", "/9999/12/", "/0000/", "/20201/"]
    )
    def test_empty_or_impossible_dates_are_404(self, client, article, url):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND

    @pytest.mark.parametrize(
        "url",
        [
            "/category/innovation/",
            "/tag/shenzhen/",
            "/source/caixin/",
            "/2020/",
            "/2020/05/",
        ],
    )
    def test_every_archive_has_title_description_and_canonical(
        self, client, category, url
    ):
        article = ArticleFactory(
            categories=[category],
            tags=["Shenzhen"],
            published_at=timezone.make_aware(datetime.datetime(2020, 5, 20, 9)),
        )
        SourceLinkFactory(
            article=article, source=SourceFactory(name="Caixin", slug="caixin")
        )
        html = client.get(url).content.decode()
        assert "<title>" in html
        assert '<meta name="description" content="' in html
        assert f'<link rel="canonical" href="https://gba.example.com{url}">' in html


def test_url_names_are_namespaced(article):
    assert (
        reverse("articles:category", kwargs={"slug": "innovation"})
        == "/category/innovation/"
    )
    assert reverse(
        "articles:category-page", kwargs={"slug": "innovation", "page": 2}
    ) == ("/category/innovation/page/2/")
    assert (
        reverse("articles:tag", kwargs={"slug": "人工智能"})
        == "/tag/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"
    )
    assert reverse("articles:year", kwargs={"year": 2020}) == "/2020/"
    assert reverse("articles:month", kwargs={"year": 2020, "month": 5}) == "/2020/05/"
    assert reverse("articles:index") == "/"


PUBLIC_PAGES = [
    "/",
    "/category/innovation/",
    "/tag/shenzhen/",
    "/source/caixin/",
    "/2020/",
    "/2020/05/",
]


class TestOnlyApprovedLinksReachReaders:
    @pytest.fixture
    def article(self, category):
        article = ArticleFactory(
            title="Linked story",
            categories=[category],
            tags=["Shenzhen"],
            published_at=timezone.make_aware(datetime.datetime(2020, 5, 20, 9)),
        )
        caixin = SourceFactory(name="Caixin", slug="caixin")
        SourceLinkFactory(article=article, source=caixin, url="https://shown.example/")
        SourceLinkFactory(
            article=article,
            source=caixin,
            url="https://pending.example/",
            status=SourceLink.Status.PENDING,
        )
        SourceLinkFactory(
            article=article,
            source=SourceFactory(name="Rejected Daily", slug="rejected-daily"),
            url="https://rejected.example/",
            status=SourceLink.Status.REJECTED,
        )
        return article

    @pytest.mark.parametrize("url", [*PUBLIC_PAGES, "article"])
    def test_pending_and_rejected_links_are_invisible(self, client, article, url):
        page = article.get_absolute_url() if url == "article" else url
        html = client.get(page).content.decode()
        assert "Linked story" in html
        assert 'href="https://shown.example/"' in html
        for hidden in ("pending.example", "rejected.example", "Rejected Daily"):
            assert hidden not in html

    def test_a_source_cited_only_by_rejected_links_lists_nothing(self, client, article):
        response = client.get("/source/rejected-daily/")
        assert listed(response) == []


class TestBrokenLinks:
    @pytest.fixture
    def link(self, category):
        article = ArticleFactory(title="Linked story", categories=[category])
        link = SourceLinkFactory(
            article=article,
            source=SourceFactory(name="Caixin", slug="caixin"),
            url="https://dead.example/story",
        )
        SourceLink.objects.filter(pk=link.pk).update(is_broken=True, http_status=404)
        return link

    def pages(self, client, link):
        return [
            client.get(url).content.decode()
            for url in ("/category/innovation/", link.article.get_absolute_url())
        ]

    def test_broken_link_keeps_attribution_without_the_dead_link(self, client, link):
        for html in self.pages(client, link):
            assert "dead.example" not in html
            assert 'Source: <span class="source-name">Caixin</span>' in html

    def test_broken_link_without_source_names_the_host(self, client, link):
        SourceLink.objects.filter(pk=link.pk).update(source=None)
        for html in self.pages(client, link):
            assert 'href="https://dead.example/story"' not in html
            assert 'Source: <span class="source-name">dead.example</span>' in html

    def test_broken_link_with_an_archive_points_at_the_copy(self, client, link):
        archive = "https://web.archive.org/web/2020/https://dead.example/story"
        SourceLink.objects.filter(pk=link.pk).update(archive_url=archive)
        for html in self.pages(client, link):
            assert f'href="{archive}"' in html
            assert (
                'Read more on <span class="source-name">Caixin</span> '
                "(archived copy)</a>"
            ) in html
            assert 'href="https://dead.example/story"' not in html

    def test_setting_shows_broken_links_anyway(self, client, settings, link):
        settings.SOURCE_LINKS_SHOW_BROKEN = True
        for html in self.pages(client, link):
            assert 'href="https://dead.example/story"' in html
            assert "(archived copy)" not in html


class TestArchivesFollowTheNewsroom:
    """Archive pages and their counts follow trash and moderation decisions."""

    def test_trashed_article_leaves_archives_and_counts(
        self, client, category, desk_editor, django_capture_on_commit_callbacks
    ):
        from articles.services import article_trash

        kept = ArticleFactory(title="Kept", categories=[category], tags=["Shenzhen"])
        gone = ArticleFactory(title="Gone", categories=[category], tags=["Shenzhen"])
        with django_capture_on_commit_callbacks(execute=True):
            article_trash(article=gone, actor=desk_editor)
        for url in ("/category/innovation/", "/tag/shenzhen/"):
            response = client.get(url)
            assert listed(response) == [kept.pk], url
            assert response.context_data["paginator"].count == 1, url
        front = client.get("/").context_data["front"]
        assert (front.lead.pk, front.latest, front.more) == (kept.pk, [], False)
        assert [s.headlines for s in front.sections] == []
        assert client.get(gone.get_absolute_url()).status_code == 404

    def test_approved_link_puts_article_on_the_source_archive(
        self, client, category, moderator, django_capture_on_commit_callbacks
    ):
        from articles.services import source_link_approve

        source = SourceFactory(name="Caixin", slug="caixin")
        article = ArticleFactory(title="Cited", categories=[category])
        link = SourceLinkFactory(
            article=article, source=source, status=SourceLink.Status.PENDING
        )
        assert listed(client.get("/source/caixin/")) == []
        with django_capture_on_commit_callbacks(execute=True):
            source_link_approve(link=link, actor=moderator)
        response = client.get("/source/caixin/")
        assert listed(response) == [article.pk]
        assert "Read more on" in client.get("/category/innovation/").content.decode()
