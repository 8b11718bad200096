import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from taggit.models import Tag, TaggedItem

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
        """The first run says how many articles it loaded."""
        assert "Loaded 10 demo articles." in output

    def test_loads_the_ten_seed_posts_newest_first(self, output):
        """The archive holds the seed's posts, in the seed's (newest first) order."""
        seed_titles = [post.title for post in load_seed()]
        assert len(seed_titles) == 10
        assert list(Article.objects.values_list("title", flat=True)) == seed_titles
        assert list(Article.objects.published().values_list("title", flat=True)) == (
            seed_titles
        )

    def test_every_article_is_published_in_2020_in_innovation(self, output):
        """Each demo article is a published 2020 English article in Innovation."""
        innovation = Category.objects.get(slug="innovation")
        for article in Article.objects.all():
            assert article.status == Article.Status.PUBLISHED
            assert timezone.localtime(article.published_at).year == 2020
            assert list(article.categories.all()) == [innovation]
            assert article.language.code == "en"
            assert article.is_published()

    def test_every_article_has_the_demo_staff_writer(self, output):
        """The demo posts are signed by a named writer with a Chinese name and bio."""
        for article in Article.objects.for_listing():
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
        """The demo's source links are all approved, one per "Read more" post."""
        links = SourceLink.objects.all()
        assert links.count() == 6
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
        caixin = SourceLink.objects.get(source__slug="caixin")
        china_news = SourceLink.objects.get(source__slug="china-news")
        assert caixin.article.title == "Guangdong 2nd in software output"
        assert china_news.article.title == "GBA agricultural product system set up"

    def test_continue_reading_posts_have_a_body(self, output):
        """Posts the old site continued have a body; "Read more" posts have none."""
        posts = {post.title: post for post in load_seed()}
        with_body = [a for a in Article.objects.all() if a.body.strip()]
        without_body = [a for a in Article.objects.all() if not a.body]
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
