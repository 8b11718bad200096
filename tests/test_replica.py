"""Anonymous readers read from a streaming replica; nothing else does.

The servers run against a real PostgreSQL replica (tests/replica.py). Pausing its
replay holds it at an old state, which shows where each request read from: a change
the replica has not replayed is visible only on the primary.
"""

import contextlib
import os

import pytest
from django.test import RequestFactory
from django.urls import resolve
from markupsafe import escape

from articles.models import Article, Stamp
from gbanews.replica import (
    REPLICA,
    ReplicaRouter,
    is_replica_eligible,
    reads_from_replica,
)

from .browsing import Browser
from .replica import on_database, replay_paused, streaming_replica, wait_until_replayed
from .servers import (
    Site,
    flush_redis,
    free_port,
    manage,
    running_servers,
    shared_database,
    shell_json,
    site_env,
)

SERVERS = 2
PASSWORD = "replica-test-password-0123"
ARTICLES = """
import json
from articles.models import Article
print(json.dumps({
    article.slug: {"pk": article.pk, "title": article.title,
                   "url": article.get_absolute_url()}
    for article in Article.objects.published()
}))
"""
EDITOR = f"""
from django.contrib.auth import get_user_model
get_user_model().objects.create_user(
    "editor", password={PASSWORD!r}, is_staff=True, is_superuser=True
)
"""


class ReplicaSite(Site):
    def __init__(self, env, servers, replica_url):
        super().__init__(env, servers)
        self.replica_url = replica_url

    def replayed(self):
        wait_until_replayed(self.env["DATABASE_URL"], self.replica_url)

    def paused(self):
        """Replay held: the replica keeps what it has now, the primary moves on."""
        self.replayed()
        return replay_paused(self.replica_url)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo site on two servers reading from a replica; an editor account."""
    tmp_path = tmp_path_factory.mktemp("replica")
    primary = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "").strip()
    with contextlib.ExitStack() as stack:
        replica_server = stack.enter_context(streaming_replica(primary))
        database_url = stack.enter_context(shared_database(tmp_path, "_replica"))
        replica_url = on_database(replica_server, database_url)
        if redis_url:
            flush_redis(redis_url)
        env = site_env(database_url, tmp_path / "static", redis_url)
        # The session and CSRF cookies travel over the servers' plain HTTP.
        env.update(DATABASE_REPLICA_URL=replica_url, DJANGO_SECURE_COOKIES="0")
        wait_until_replayed(database_url, replica_url)  # the new database is there
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "-v0")
        manage(env, "shell", "--no-imports", "-c", EDITOR)
        servers = stack.enter_context(running_servers(env, tmp_path, SERVERS))
        site = ReplicaSite(env, servers, replica_url)
        site.replayed()
        yield site


@pytest.fixture(scope="module")
def articles(site):
    """The demo's published articles by slug: pk, title and url."""
    return list(shell_json(site.env, ARTICLES).values())


def editor_on(server) -> Browser:
    editor = Browser(server.url)
    editor.log_in("editor", PASSWORD)
    return editor


def lacking(site, path, text) -> list[str]:
    """Describe each anonymous response, from every worker, of path without text."""
    return [
        response.describe()
        for response in site.everywhere(path)
        if response.status != 200 or escape(text) not in response.body
    ]


def untracked_title(site, pk, title):
    """Change a title behind the stamps' back (a QuerySet.update() with no
    content_changed): every cached page stays, and the replica is used."""
    site.shell(
        "from articles.models import Article\n"
        f"Article.objects.filter(pk={pk}).update(title={title!r})\n"
    )


@pytest.mark.processes
@pytest.mark.replica
def test_anonymous_readers_read_the_replica_and_the_admin_the_primary(site, articles):
    article = articles[0]
    new = "A title only the primary has"
    with site.paused():
        untracked_title(site, article["pk"], new)
        anonymous = site.servers[0].fetch(article["url"])
        change = f"/admin/articles/article/{article['pk']}/change/"
        editor = editor_on(site.servers[1]).get(change)

    assert anonymous.status == 200
    assert escape(article["title"]) in anonymous.body
    assert escape(new) not in anonymous.body
    assert editor.status == 200 and escape(new) in editor.text


@pytest.mark.processes
@pytest.mark.replica
def test_preview_links_read_the_primary(site):
    """A draft made while the replica holds still opens through its preview link."""
    token = shell_json(
        site.env,
        "import datetime, json\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from articles.models import Article, Language\n"
        "from articles.services import preview_link_create\n"
        "article = Article.objects.create(title='A draft for the desk',"
        " lead='Lead.', language=Language.objects.first())\n"
        "link = preview_link_create(article=article,"
        " actor=get_user_model().objects.get(username='editor'),"
        " expires_at=timezone.now() + datetime.timedelta(hours=1))\n"
        "print(json.dumps(link.token))\n",
    )
    site.replayed()
    with site.paused():
        site.shell(
            "from articles.models import Article\n"
            "Article.objects.filter(title='A draft for the desk')"
            ".update(title='A draft the desk changed')\n"
        )
        preview = site.servers[0].fetch(f"/preview/{token}/")

    assert preview.status == 200
    assert "A draft the desk changed" in preview.body


@pytest.mark.processes
@pytest.mark.replica
def test_published_article_shows_everywhere_at_once_while_replay_is_paused(
    site, articles
):
    """The page cache never stores what the lagging replica has under the primary's
    new versions: the replica is not used until it has the write."""
    article = articles[1]
    title = "Published while the replica held still"
    site.warm("/", article["url"])
    with site.paused():
        site.shell(
            "from articles.models import Article\n"
            f"article = Article.objects.get(pk={article['pk']})\n"
            f"article.title = {title!r}\n"
            "article.save()\n"
        )
        editor = editor_on(site.servers[0]).get(article["url"])
        while_paused = lacking(site, "/", title) + lacking(site, article["url"], title)
    after = lacking(site, "/", title) + lacking(site, article["url"], title)

    assert editor.status == 200 and escape(title) in editor.text
    assert while_paused == [], "\n".join(while_paused)
    assert after == [], "\n".join(after)


@pytest.mark.processes
@pytest.mark.replica
def test_replica_is_used_again_once_it_has_caught_up(site, articles):
    article = articles[2]
    site.replayed()
    new = "Another title only the primary has"
    with site.paused():
        untracked_title(site, article["pk"], new)
        anonymous = site.servers[1].fetch(article["url"])

    assert anonymous.status == 200
    assert escape(new) not in anonymous.body


@pytest.mark.processes
@pytest.mark.replica
def test_anonymous_posts_write_to_the_primary(site):
    """A failed login is recorded (django-axes) and a good one makes a session."""
    visitor = Browser(site.servers[0].url)
    failed = visitor.submit(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "not the password"},
        form_id="login-form",
    )
    assert failed.status == 200 and "Please enter the correct username" in failed.text
    visitor.log_in("editor", PASSWORD)  # fails the test unless it redirects
    assert any(cookie.name == "sessionid" for cookie in visitor.cookies)


@pytest.mark.processes
@pytest.mark.replica
def test_pages_are_served_from_the_primary_while_the_replica_is_down(site, tmp_path):
    port = free_port()
    env = {
        **site.env,
        "DATABASE_REPLICA_URL": on_database(
            f"postgres://postgres@127.0.0.1:{port}/", site.replica_url
        ),
    }
    with running_servers(env, tmp_path, 1) as (server,):
        # Searches no one has made yet: not in the page cache.
        words = ["shenzhen", "huawei", "blockchain"]
        responses = [server.fetch(f"/search/?q={word}") for word in words]

    assert [response.status for response in responses] == [200] * 3
    assert all("<article" in response.body for response in responses)


class TestRouter:
    def test_reads_go_to_the_primary_outside_a_marked_request(self):
        router = ReplicaRouter()
        assert not reads_from_replica()
        assert router.db_for_read(Article) == "default"
        assert router.db_for_write(Article) == "default"

    def test_only_the_primary_is_migrated(self):
        router = ReplicaRouter()
        assert router.allow_migrate("default", "articles")
        assert not router.allow_migrate(REPLICA, "articles")

    def test_objects_of_both_may_be_related(self):
        assert ReplicaRouter().allow_relation(Article(), Stamp())


@pytest.mark.parametrize(
    "method, path, cookies, eligible",
    [
        ("GET", "/", {}, True),
        ("HEAD", "/category/innovation/", {}, True),
        ("GET", "/search/?q=shenzhen", {"csrftoken": "x"}, True),
        ("POST", "/search/", {}, False),
        ("GET", "/", {"sessionid": "x"}, False),
        ("GET", "/admin/login/", {}, False),
        ("GET", "/preview/abc/", {}, False),
        ("GET", "/healthz", {}, False),
    ],
)
def test_only_anonymous_readers_of_public_pages_are_eligible(
    method, path, cookies, eligible
):
    request = RequestFactory().generic(method, path)
    request.COOKIES.update(cookies)
    request.resolver_match = resolve(request.path_info)
    assert is_replica_eligible(request) is eligible


def test_unresolved_requests_are_not_eligible():
    request = RequestFactory().get("/")
    request.resolver_match = None
    assert not is_replica_eligible(request)
