"""Authors: profiles, bylines, their archive and feeds, and no login name in public."""

import datetime
import re
from http import HTTPStatus
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    AuthorEntry,
    AuthorLink,
    Stamp,
)

from .factories import (
    ArticleFactory,
    AuthorFactory,
    LanguageFactory,
    SourceFactory,
    SourceLinkFactory,
    StaffFactory,
    UserFactory,
    image_bytes,
)
from .pages import json_ld
from .test_queries import MAX_ARCHIVE_QUERIES

pytestmark = pytest.mark.django_db

SITE = "https://gba.example.com"


@pytest.fixture
def writer(db):
    author = AuthorFactory(
        name="Chan Siu Ming",
        slug="chan-siu-ming",
        name_zh="陳小明",
        bio="Covers chips and ports.\n\nBased in Shenzhen.",
    )
    AuthorLink.objects.create(
        author=author, label="Website", url="https://chan.example.com/", position=1
    )
    return author


class TestProfile:
    def test_shows_name_chinese_name_bio_and_links(self, client, writer, category):
        ArticleFactory(title="Ports story", authors=[writer], categories=[category])
        response = client.get("/author/chan-siu-ming/")
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert "Articles by Chan Siu Ming" in html
        assert '<p class="author-name-zh" lang="zh">陳小明</p>' in html
        assert "<p>Covers chips and ports.</p>" in html
        assert (
            '<a href="https://chan.example.com/" rel="me noopener">Website</a>' in html
        )
        assert "Ports story" in html
        assert f'href="{SITE}/author/chan-siu-ming/feed/"' in html

    def test_lists_only_the_authors_published_articles(self, client, writer):
        mine = ArticleFactory(title="Mine", authors=[writer])
        ArticleFactory(title="Someone else's")
        ArticleFactory(title="My draft", authors=[writer], status=Article.Status.DRAFT)
        response = client.get("/author/chan-siu-ming/")
        assert [entry.pk for entry in response.context_data["articles"]] == [mine.pk]

    def test_pages(self, client, settings, writer):
        settings.ARTICLES_PER_PAGE = 2
        now = timezone.now()
        titles = [f"Story {i}" for i in range(5)]
        for i, title in enumerate(titles):
            ArticleFactory(
                title=title,
                authors=[writer],
                published_at=now - datetime.timedelta(hours=i + 1),
            )
        first = client.get(reverse("articles:author", args=["chan-siu-ming"]))
        third = client.get(reverse("articles:author-page", args=["chan-siu-ming", 3]))
        assert [e.title for e in first.context_data["articles"]] == titles[:2]
        assert [e.title for e in third.context_data["articles"]] == titles[4:]
        assert client.get("/author/chan-siu-ming/page/4/").status_code == 404
        assert client.get("/author/chan-siu-ming/page/1/").status_code == 301

    def test_unknown_author_is_404(self, client):
        assert client.get("/author/nobody/").status_code == HTTPStatus.NOT_FOUND
        assert client.get("/author/nobody/feed/").status_code == HTTPStatus.NOT_FOUND

    def test_queries_do_not_grow_with_page_size(self, client, settings, writer):
        settings.ARTICLES_PER_PAGE = 50
        source = SourceFactory(name="Caixin", slug="caixin")
        counts = []
        for n in (1, 49):
            for _ in range(n):
                article = ArticleFactory(
                    authors=[writer, AuthorFactory()], tags=["Shenzhen"]
                )
                SourceLinkFactory(article=article, source=source)
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/author/chan-siu-ming/")
            assert len(response.context_data["articles"]) == len(counts) * 49 + 1
            counts.append(len(queries))
        # The profile's links are the one query beyond another archive's.
        assert counts[0] == counts[1] <= MAX_ARCHIVE_QUERIES + 1


class TestBylines:
    def test_two_authors_in_order_on_entries_and_the_article(self, client, writer):
        second = AuthorFactory(name="Wong Ka Yan", slug="wong-ka-yan")
        article = ArticleFactory(
            title="Joint story",
            authors=[second, writer],
            author=UserFactory(username="loginname"),
        )
        byline = (
            '<p class="entry-byline">By <a href="/author/wong-ka-yan/" rel="author">'
            'Wong Ka Yan</a> and <a href="/author/chan-siu-ming/" rel="author">'
            "Chan Siu Ming</a></p>"
        )
        for url in ("/", article.get_absolute_url(), "/author/wong-ka-yan/"):
            html = client.get(url).content.decode()
            assert byline in html, url
            assert "loginname" not in html, url

    def test_json_ld_names_each_author_as_a_person(self, client, writer):
        second = AuthorFactory(name="Wong Ka Yan", slug="wong-ka-yan")
        article = ArticleFactory(authors=[writer, second])
        [data] = json_ld(client.get(article.get_absolute_url()).content.decode())
        assert data["author"] == [
            {
                "@type": "Person",
                "name": "Chan Siu Ming",
                "url": f"{SITE}/author/chan-siu-ming/",
            },
            {
                "@type": "Person",
                "name": "Wong Ka Yan",
                "url": f"{SITE}/author/wong-ka-yan/",
            },
        ]

    def test_feeds_name_the_authors(self, client, writer):
        second = AuthorFactory(name="Wong Ka Yan", slug="wong-ka-yan")
        ArticleFactory(authors=[writer, second])
        rss = client.get("/author/chan-siu-ming/feed/").content
        root = ElementTree.fromstring(rss)
        creators = root.findall(
            "channel/item/{http://purl.org/dc/elements/1.1/}creator"
        )
        assert [c.text for c in creators] == ["Chan Siu Ming", "Wong Ka Yan"]
        atom = feedparser.parse(client.get("/author/chan-siu-ming/feed/atom/").content)
        assert not atom.bozo
        assert atom.feed.title == "GBA Tech News » Chan Siu Ming"
        [entry] = atom.entries
        assert [(a.name, a.href) for a in entry.authors] == [
            ("Chan Siu Ming", f"{SITE}/author/chan-siu-ming/"),
            ("Wong Ka Yan", f"{SITE}/author/wong-ka-yan/"),
        ]

    def test_author_feed_lists_only_their_articles(self, client, writer):
        ArticleFactory(title="Mine", authors=[writer])
        ArticleFactory(title="Not mine")
        parsed = feedparser.parse(client.get("/author/chan-siu-ming/feed/").content)
        assert [entry.title for entry in parsed.entries] == ["Mine"]

    def test_sitemap_lists_authors_with_published_articles(self, client, writer):
        ArticleFactory(authors=[writer])
        AuthorFactory(name="No Articles", slug="no-articles")
        xml = client.get("/sitemap-authors.xml").content.decode()
        assert f"<loc>{SITE}/author/chan-siu-ming/</loc>" in xml
        assert "no-articles" not in xml


class TestInvalidation:
    def test_renaming_an_author_retires_pages_showing_their_byline(
        self, client, page_cache, writer
    ):
        shown = ArticleFactory(authors=[writer], tags=["chips"])
        # Older: the front page leads with shown, in full with its byline.
        other = ArticleFactory(
            tags=["ferries"],
            published_at=shown.published_at - datetime.timedelta(hours=1),
        )
        showing = [
            "/",
            "/tag/chips/",
            shown.get_absolute_url(),
            "/author/chan-siu-ming/",
        ]
        unrelated = ["/tag/ferries/", other.get_absolute_url()]
        for url in showing + unrelated:
            client.get(url)
            assert client.get(url)["X-Page-Cache"] == "hit", url
        writer.name = "Chan Siu-ming"
        writer.save()
        for url in showing:
            response = client.get(url)
            assert response["X-Page-Cache"] == "miss", url
            assert "Chan Siu-ming" in response.content.decode(), url
        for url in unrelated:
            assert client.get(url)["X-Page-Cache"] == "hit", url

    def test_adding_an_author_to_an_article_lists_it_in_their_archive(
        self, client, page_cache, writer
    ):
        article = ArticleFactory(title="Later credit")
        assert (
            "Later credit" not in client.get("/author/chan-siu-ming/").content.decode()
        )
        client.get("/")
        home = client.get("/")
        assert home["X-Page-Cache"] == "hit"
        assert "Chan Siu Ming" not in home.content.decode()
        ArticleAuthor.objects.create(article=article, author=writer)
        assert "Later credit" in client.get("/author/chan-siu-ming/").content.decode()
        assert "Chan Siu Ming" in client.get("/").content.decode()


class TestAdmin:
    def author_form(self, **overrides):
        return {
            "name": "Ada Lee",
            "name_zh": "李艾達",
            "slug": "ada-lee",
            "bio": "Writes.",
            "user": "",
            "links-TOTAL_FORMS": "1",
            "links-INITIAL_FORMS": "0",
            "links-0-label": "Mastodon",
            "links-0-url": "social.example.com/@ada?utm_source=x",
            "links-0-position": "1",
            **overrides,
        }

    def test_photo_that_is_not_an_image_is_refused(self, client, editor):
        client.force_login(editor)
        fake = SimpleUploadedFile("ada.jpg", b"<?php echo 1; ?>", "image/jpeg")
        response = client.post(
            reverse("admin:articles_author_add"), self.author_form(photo=fake)
        )
        assert response.status_code == HTTPStatus.OK
        assert "not an image that can be read" in response.content.decode()
        assert not Author.objects.exists()

    def test_photo_is_stored_square_and_links_normalised(self, client, editor):
        client.force_login(editor)
        photo = SimpleUploadedFile(
            "ada.png", image_bytes(900, 600, format="PNG"), "image/png"
        )
        response = client.post(
            reverse("admin:articles_author_add"), self.author_form(photo=photo)
        )
        assert response.status_code == HTTPStatus.FOUND
        author = Author.objects.get()
        with Image.open(author.photo) as stored:
            assert stored.size == (400, 400)
        assert author.links.get().url == "https://social.example.com/@ada"

    def test_new_article_defaults_to_the_editors_own_author(self, client, editor):
        mine = AuthorFactory(name="Editor Person", slug="editor-person", user=editor)
        client.force_login(editor)
        response = client.get(reverse("admin:articles_article_add"))
        formset = next(
            f
            for f in response.context["inline_admin_formsets"]
            if f.opts.model is ArticleAuthor
        )
        assert formset.formset.forms[0].initial["author"] == mine.pk


def test_migration_gives_articles_authors_without_login_names(transactional_db):
    executor = MigrationExecutor(connection)
    before, after = (
        [("articles", "0004_source_link_archive_status")],
        [("articles", "0005_authors")],
    )
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        User = apps.get_model("auth", "User")
        Language = apps.get_model("articles", "Language")
        OldArticle = apps.get_model("articles", "Article")
        english = Language.objects.create(code="en", name="English", native_name="En")
        named = User.objects.create(
            username="mwong", first_name="Mei", last_name="Wong"
        )
        bare = User.objects.create(username="secret-login-name-7f3a")
        bare2 = User.objects.create(username="another-login")
        now = timezone.now()
        made = {}
        for slug, user in (("a", named), ("b", bare), ("c", bare2), ("d", None)):
            made[slug] = OldArticle.objects.create(
                title=slug,
                slug=slug,
                lead="x",
                language=english,
                author=user,
                status="published",
                published_at=now,
            ).pk
        latest = apps.get_model("articles", "Stamp").objects.filter(key="latest")
        latest_before = latest.values_list("version", flat=True).first() or 0
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        # Every cached page is retired: its first check is against "latest".
        assert Stamp.objects.get(key="latest").version > latest_before
        names = dict(ArticleAuthor.objects.values_list("article_id", "author__name"))
        assert names == {
            made["a"]: "Mei Wong",
            made["b"]: "Staff writer",
            made["c"]: "Staff writer",
        }
        assert Author.objects.get(name="Mei Wong").user_id == named.pk
        assert Author.objects.count() == 2
        assert not Author.objects.filter(name__contains="login").exists()
        assert not Author.objects.filter(slug__contains="login").exists()
        # The archive entries exist at once: no rebuild needed.
        staff = Author.objects.get(name="Staff writer")
        bylines = ArticleAuthor.objects.filter(author=staff)
        assert set(bylines.values_list("article_id", flat=True)) == {
            made["b"],
            made["c"],
        }
        assert AuthorEntry.objects.filter(author=staff).count() == 2
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )


SECRET_NAMES = ["secret-login-name-7f3a", "secret-editor-login-9c1e"]


def public_urls(client, articles, authors) -> list[str]:
    urls = ["/", "/feed/", "/feed/atom/", "/robots.txt", "/search/?q=Shenzhen"]
    urls += ["/category/innovation/", "/category/innovation/feed/"]
    urls += ["/category/innovation/feed/atom/", "/tag/shenzhen/", "/tag/shenzhen/feed/"]
    urls += ["/tag/shenzhen/feed/atom/", "/source/caixin/", "/news-sitemap.xml"]
    for author in authors:
        base = author.get_absolute_url()
        urls += [base, f"{base}feed/", f"{base}feed/atom/"]
    for article in articles:
        date = timezone.localtime(article.published_at)
        urls += [
            article.get_absolute_url(),
            f"/{date.year}/",
            f"/{date.year}/{date.month:02d}/",
        ]
    index = client.get("/sitemap.xml").content.decode()
    urls.append("/sitemap.xml")
    urls += [urlsplit(loc).path for loc in re.findall(r"<loc>(.*?)</loc>", index)]
    return urls


def test_no_username_appears_on_any_public_page(client, category):
    """Accounts with distinctive login names write, edit and publish; no public
    page, feed or sitemap shows the login names."""
    writer = StaffFactory(username=SECRET_NAMES[0], groups=["Authors"])
    editor = UserFactory(
        username=SECRET_NAMES[1],
        first_name="Secret",
        last_name="Editor",
        is_staff=True,
        is_superuser=True,
    )
    own = AuthorFactory(name="Desk Editor", slug="desk-editor", user=editor)
    drafted = ArticleFactory(
        title="Shenzhen draft",
        author=writer,
        status=Article.Status.DRAFT,
        published_at=None,
        categories=[category],
        tags=["Shenzhen"],
    )
    SourceLinkFactory(
        article=drafted, source=SourceFactory(name="Caixin", slug="caixin")
    )
    client.force_login(editor)
    add = client.get(reverse("admin:articles_article_add"))
    assert add.status_code == HTTPStatus.OK
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Shenzhen desk story",
            "slug": "",
            "lead": "Written in the admin.",
            "body": "<p>Body.</p>",
            "status": Article.Status.PUBLISHED,
            "published_at_0": "2020-06-01",
            "published_at_1": "09:30:00",
            "author": editor.pk,
            "language": drafted.language_id,
            "categories": [category.pk],
            "tags": "Shenzhen",
            "image_alt": "",
            "source_links-TOTAL_FORMS": "0",
            "source_links-INITIAL_FORMS": "0",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-0-author": own.pk,
            "bylines-0-position": "1",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    # The editor publishes the writer's draft (it has no byline of its own).
    drafted.status = Article.Status.PUBLISHED
    drafted.published_at = timezone.now() - datetime.timedelta(hours=1)
    drafted.save()
    client.logout()
    desk = Article.objects.for_listing().get(title="Shenzhen desk story")
    assert [a.name for a in desk.listed_authors] == ["Desk Editor"]
    urls = public_urls(client, [desk, drafted], [own])
    assert len(urls) > 25
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body = response.content.decode()
        for secret in SECRET_NAMES:
            assert secret not in body, (url, secret)


@pytest.mark.parametrize("role", ["Authors", "Editors"])
def test_writers_and_editors_set_bylines_in_the_admin(client, category, role):
    """Not only superusers: the role groups may add, order and remove bylines."""
    user = StaffFactory(username=f"{role.lower()}-desk", groups=[role])
    first = AuthorFactory(name="Chan Siu Ming", slug="chan-siu-ming")
    second = AuthorFactory(name="Li Na", slug="li-na")
    client.force_login(user)
    add_url = reverse("admin:articles_article_add")
    page = client.get(add_url).content.decode()
    assert 'name="bylines-TOTAL_FORMS"' in page
    response = client.post(
        add_url,
        {
            "title": f"Byline by {role}",
            "slug": "",
            "lead": "Lead.",
            "body": "<p>Body.</p>",
            "status": Article.Status.DRAFT,
            "published_at_0": "",
            "published_at_1": "",
            "language": LanguageFactory().pk,
            "categories": [category.pk],
            "tags": "",
            "image_alt": "",
            "source_links-TOTAL_FORMS": "0",
            "source_links-INITIAL_FORMS": "0",
            "bylines-TOTAL_FORMS": "2",
            "bylines-INITIAL_FORMS": "0",
            "bylines-0-author": second.pk,
            "bylines-0-position": "1",
            "bylines-1-author": first.pk,
            "bylines-1-position": "2",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    article = Article.objects.get(title=f"Byline by {role}")
    bylines = ArticleAuthor.objects.filter(article=article).order_by("position")
    assert [byline.author.name for byline in bylines] == ["Li Na", "Chan Siu Ming"]
