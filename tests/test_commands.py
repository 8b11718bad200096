import re
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image
from taggit.models import Tag, TaggedItem

from articles import images
from articles.demo import content, stories
from articles.demo.seed import SEED_FILE, load_seed
from articles.models import (
    Article,
    AuditEntry,
    Author,
    Category,
    Language,
    Source,
    SourceLink,
)

pytestmark = pytest.mark.django_db

ENDINGS = ("Continue reading", "Read more")
MODELS = [Article, Category, Language, Source, SourceLink, Tag, TaggedItem]


def run(*args, **kwargs):
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def seed_articles():
    """The articles loaded from the seed (the demo's own stories are beside them)."""
    return Article.objects.filter(slug__in=[post["slug"] for post in content.POSTS])


def seed_paragraphs():
    """Every paragraph line of the archive text, without titles or link lines."""
    lines = [line.strip() for line in SEED_FILE.read_text("utf-8").splitlines()]
    lines = [line for line in lines if line]
    assert lines[0] == "Category Archives: Innovation"
    assert lines[-1] == "China News"
    paragraphs, expect_title = [], True
    for line in lines[1:-1]:
        if expect_title:
            expect_title = False
        elif line.startswith(ENDINGS):
            expect_title = True
        else:
            paragraphs.append(line)
    return paragraphs


class TestLoadDemo:
    @pytest.fixture
    def output(self):
        return run("load_demo")

    def test_reports_what_it_loaded(self, output):
        """The first run says how many articles it loaded: seed and stories."""
        assert len(stories.STORIES) == 17
        assert "Loaded 27 demo articles." in output

    def test_loads_the_ten_seed_posts_newest_first(self, output):
        """The archive holds the seed's posts, in the seed's (newest first) order."""
        seed_titles = [post.title for post in load_seed()]
        assert len(seed_titles) == 10
        assert list(seed_articles().values_list("title", flat=True)) == seed_titles
        published = seed_articles() & Article.objects.published()
        assert list(published.values_list("title", flat=True)) == seed_titles

    def test_every_article_is_published_in_2020_in_innovation(self, output):
        """Each demo article is a published 2020 English article in Innovation."""
        innovation = Category.objects.get(slug="innovation")
        for article in seed_articles():
            assert article.status == Article.Status.PUBLISHED
            assert timezone.localtime(article.published_at).year == 2020
            assert list(article.categories.all()) == [innovation]
            assert article.language.code == "en"
            assert article.is_published()

    def test_every_article_has_the_demo_staff_writer(self, output):
        """The demo posts are signed by a named writer with a Chinese name and bio."""
        for article in seed_articles().for_listing():
            assert [a.name for a in article.listed_authors] == ["Lin Mei"]
        author = Author.objects.get(slug="lin-mei")
        assert author.name_zh == "林美"
        assert author.bio

    def test_sources_exist(self, output):
        """The seed's two publications are sources."""
        assert set(Source.objects.values_list("slug", flat=True)) == {
            "caixin",
            "china-news",
        }

    def test_every_link_is_approved(self, output):
        """The demo's source links are all approved: one per "Read more" post of
        the seed, and those of three stories."""
        links = SourceLink.objects.all()
        assert links.filter(article__in=seed_articles()).count() == 6
        assert links.count() == 9
        assert all(link.status == SourceLink.Status.APPROVED for link in links)
        assert SourceLink.objects.approved().count() == links.count()

    def test_every_link_approval_is_recorded(self, output):
        """Each approval has its decision and audit entry, naming the demo archive."""
        for link in SourceLink.objects.all():
            decision = link.decisions.get()
            assert (decision.action, decision.actor) == ("approved", None)
            assert "demo archive" in decision.reason
            entry = AuditEntry.objects.get(
                content_type__model="sourcelink", object_id=link.pk
            )
            assert entry.action == AuditEntry.Action.LINK_APPROVED
            assert entry.actor_name == "demo archive"

    def test_read_more_posts_link_to_their_source(self, output):
        """The seed's named sources are credited on their posts."""
        seed = SourceLink.objects.filter(article__in=seed_articles())
        caixin = seed.get(source__slug="caixin")
        china_news = seed.get(source__slug="china-news")
        assert caixin.article.title == "Guangdong 2nd in software output"
        assert china_news.article.title == "GBA agricultural product system set up"

    def test_continue_reading_posts_have_a_body(self, output):
        """Posts the old site continued have a body; "Read more" posts have none."""
        posts = {post.title: post for post in load_seed()}
        with_body = [a for a in seed_articles() if a.body.strip()]
        without_body = [a for a in seed_articles() if not a.body]
        assert len(with_body) == 4
        assert len(without_body) == 6
        assert all(posts[a.title].continues for a in with_body)
        assert not any(posts[a.title].continues for a in without_body)
        assert all(a.has_more for a in with_body)

    def test_every_seed_paragraph_is_in_a_lead(self, output):
        """Each paragraph of the verbatim archive appears in some article's lead."""
        leads = list(Article.objects.values_list("lead", flat=True))
        paragraphs = seed_paragraphs()
        assert len(paragraphs) == 27
        missing = [p for p in paragraphs if not any(p in lead for lead in leads)]
        assert missing == []

    def test_leads_hold_no_link_lines(self, output):
        """No "Continue reading" or "Read more" line ends up in a lead."""
        for lead in Article.objects.values_list("lead", flat=True):
            assert lead
            assert "Continue reading" not in lead
            assert "Read more" not in lead
            assert "Category Archives" not in lead

    def test_second_run_changes_nothing(self, output):
        """Running again creates no row, updates no article and says so."""
        before = counts()
        stamps = dict(Article.objects.values_list("pk", "updated_at"))
        again = run("load_demo")
        assert counts() == before
        assert dict(Article.objects.values_list("pk", "updated_at")) == stamps
        assert "Demo content is already loaded; nothing changed." in again
        assert "Loaded" not in again


class TestDemoStories:
    """The demo's own stories: every section has some, a few with pictures."""

    @pytest.fixture
    def output(self):
        return run("load_demo")

    def test_every_category_has_published_stories(self, output, client):
        for category in Category.objects.all():
            response = client.get(category.get_absolute_url())
            assert response.status_code == HTTPStatus.OK
            assert len(response.context_data["articles"]) >= 4, category.slug
        assert Category.objects.count() == 5

    def test_the_innovation_archive_is_the_seed_then_a_second_page(
        self, output, client
    ):
        first = client.get("/category/innovation/")
        titles = [entry.title for entry in first.context_data["articles"]]
        assert titles == [post.title for post in load_seed()]
        second = client.get("/category/innovation/page/2/")
        assert second.status_code == HTTPStatus.OK
        assert [entry.title for entry in second.context_data["articles"]] == [
            "Foshan factories turn to the industrial internet",
            "广州实验室加快病毒样本测序",
        ]

    def test_some_stories_have_pictures_with_alt_text(self, output):
        pictured = Article.objects.exclude(image="")
        assert pictured.count() == 7
        for article in pictured:
            assert article.image_alt
            with article.image.open("rb") as file, Image.open(file) as image:
                assert (image.format, image.size) == ("JPEG", (1280, 720))
            assert article.image_renditions["width"] == 1280
        assert not seed_articles().exclude(image="").exists()

    def test_some_stories_are_in_chinese(self, output):
        chinese = Article.objects.filter(language__code="zh-hans")
        assert chinese.count() == 3
        assert all(re.search(r"[\u4e00-\u9fff]", a.title) for a in chinese)
        traditional = Article.objects.get(language__code="zh-hant")
        assert "銀行" in traditional.title

    def test_two_chinese_stories_are_linked_translations(self, output, client):
        linked = Article.objects.filter(translation_of__isnull=False)
        assert {(a.language.code, a.translation_of.language.code) for a in linked} == {
            ("zh-hans", "en"),
            ("zh-hant", "en"),
        }
        for article in linked:
            page = client.get(article.get_absolute_url()).content.decode()
            assert ">Also in English</a>" in page
            page = client.get(article.translation_of.get_absolute_url()).content
            assert ">另有中文版</a>" in page.decode()

    def test_the_front_page_leads_with_a_picture_and_shows_every_section(
        self, output, client
    ):
        response = client.get("/")
        front = response.context_data["front"]
        lead = Article.objects.get(pk=front.lead.pk)
        assert lead.image and lead == Article.objects.exclude(image="").first()
        assert [s.category.slug for s in front.sections] == [
            "innovation",
            "policy",
            "startups",
            "finance",
            "cities",
        ]
        assert front.more
        assert client.get("/page/2/").status_code == HTTPStatus.OK

    def test_a_second_run_leaves_the_pictures_as_they_are(self, output, settings):
        files = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*"))
        assert "Demo content is already loaded" in run("load_demo")
        assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*")) == files


@pytest.mark.django_db(transaction=True)
def test_load_demo_makes_the_pictures_renditions(settings):
    """Committed, the load queues each picture's renditions; the command waits."""
    run("load_demo")
    pictured = Article.objects.exclude(image="")
    assert pictured.count() == 7
    for article in pictured:
        meta = article.image_renditions
        assert meta["widths"] == [320, 640, 960, 1280], article.slug
        for name in images.stored_names(meta):
            assert (Path(settings.MEDIA_ROOT) / name).is_file(), name


PASSWORD = re.compile(r"Created '(\w+)' with password: (\S+) ")


class TestCreateDemoAccounts:
    def test_refuses_without_debug(self, settings):
        """With DEBUG off the command fails and creates no one."""
        settings.DEBUG = False
        with pytest.raises(CommandError, match="DJANGO_DEBUG"):
            run("create_demo_accounts")
        assert not get_user_model().objects.exists()

    @pytest.fixture
    def passwords(self, settings):
        settings.DEBUG = True
        return dict(PASSWORD.findall(run("create_demo_accounts")))

    def test_creates_admin_and_editor(self, passwords):
        """admin is a superuser; editor is staff with article permissions only."""
        users = get_user_model().objects
        admin, editor = users.get(username="admin"), users.get(username="editor")
        assert admin.is_staff and admin.is_superuser
        assert editor.is_staff and not editor.is_superuser
        assert editor.has_perm("articles.change_article")
        assert editor.has_perm("taggit.change_tag")
        assert not editor.has_perm("auth.change_user")

    def test_printed_passwords_work(self, passwords):
        """Each printed password logs its account in."""
        assert set(passwords) == {"admin", "editor"}
        for username, password in passwords.items():
            user = get_user_model().objects.get(username=username)
            assert user.check_password(password)
            assert len(password) >= 12

    def test_passwords_are_random(self, passwords):
        """Two accounts never share a password, nor do two fresh runs."""
        assert passwords["admin"] != passwords["editor"]
        get_user_model().objects.all().delete()
        again = dict(PASSWORD.findall(run("create_demo_accounts")))
        assert again["admin"] != passwords["admin"]
        assert again["editor"] != passwords["editor"]

    def test_second_run_keeps_passwords_and_prints_none(self, passwords):
        """A second run leaves both passwords as they were and prints no password."""
        users = get_user_model().objects
        hashes = dict(users.values_list("username", "password"))
        output = run("create_demo_accounts")
        assert dict(users.values_list("username", "password")) == hashes
        assert users.count() == 2
        assert "password:" not in output
        for password in passwords.values():
            assert password not in output
        assert "Account 'admin' exists; password unchanged." in output
        assert "Account 'editor' exists; password unchanged." in output
