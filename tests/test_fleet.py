"""The whole fleet on one machine, driven over HTTP only (`make fleet`).

PostgreSQL primary and streaming replica, Redis (cache and broker), an S3 server, a
queue worker with its scheduler, and two gunicorn servers, A and B, each with two
workers. An editor and a moderator use server A through the admin, as in a browser;
readers use server B. Nothing is written to the database except through those
requests: the test only prepares the site and its accounts with manage.py, as an
operator would.
"""

import contextlib
import datetime
import os
import re
import threading
import time
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
from markupsafe import escape

from .browsing import Browser
from .factories import image_bytes
from .replica import (
    on_database,
    replay_paused,
    streaming_replica,
    wait_until_replayed,
)
from .s3server import seaweedfs
from .servers import (
    flush_redis,
    manage,
    running_servers,
    shared_database,
    shell_json,
    site_env,
)
from .worker import broker_url, queue_env, require_broker, running_worker

pytestmark = pytest.mark.fleet

ARCHIVER_SECONDS = 10
PASSWORD = "fleet-test-password-7c1d"
SITE_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Hong_Kong")
ACCOUNTS = f"""
import json
from django.contrib.auth.models import Group, User
from articles.models import Category, Language, Source
ids = {{}}
for name, group in [("fleet-editor", "Editors"), ("fleet-moderator", "Moderators")]:
    user = User.objects.create_user(name, password={PASSWORD!r}, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
print(json.dumps({{
    "innovation": Category.objects.get(slug="innovation").pk,
    "english": Language.objects.get(code="en").pk,
    "caixin": Source.objects.get(slug="caixin").pk,
}}))
"""


class SlowArchiver(BaseHTTPRequestHandler):
    """A Save-Page-Now endpoint that takes ARCHIVER_SECONDS to answer."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        time.sleep(ARCHIVER_SECONDS)
        target = self.path[len("/save/") :]
        self.send_response(302)
        self.send_header("Location", f"/web/20261130000000/{target}")
        self.send_header("Content-Length", "0")
        self.end_headers()


@contextlib.contextmanager
def slow_archiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowArchiver)
    server.daemon_threads = True
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/save/"
    finally:
        server.shutdown()
        server.server_close()


def wait_for(check, seconds: float, what: str, log=lambda: ""):
    deadline = time.monotonic() + seconds
    while True:
        outcome = check()
        if outcome:
            return outcome
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s\n{log()[-4000:]}")
        time.sleep(0.25)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    database = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "").strip()
    # `make fleet` sets both; the suite's SQLite run leaves the fleet out.
    if not (database.startswith("postgres") and redis_url):
        pytest.skip("The fleet runs on PostgreSQL and Redis: make fleet.")
    tmp_path = tmp_path_factory.mktemp("fleet")
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(shared_database(tmp_path, "_fleet"))
        replica_server = stack.enter_context(streaming_replica(database))
        replica_url = on_database(replica_server, database_url)
        flush_redis(redis_url)
        archiver, endpoint = stack.enter_context(slow_archiver())
        bucket = stack.enter_context(seaweedfs(tmp_path / "s3"))
        env = site_env(database_url, tmp_path / "static", redis_url)
        env.update(bucket.env())
        env["DATABASE_REPLICA_URL"] = replica_url
        broker = broker_url()
        require_broker(broker)
        env.update(queue_env(broker))
        # Plain HTTP on 127.0.0.1, no TLS proxy in front: cookies without Secure.
        env.update(
            ARCHIVER_ENDPOINT=endpoint, ARCHIVER_TIMEOUT="30", DJANGO_SECURE_COOKIES="0"
        )
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "-v0")
        ids = shell_json(env, ACCOUNTS)
        worker = stack.enter_context(
            running_worker(env, tmp_path / "worker.log", beat=True)
        )
        a, b = stack.enter_context(running_servers(env, tmp_path, 2))
        yield {
            "a": a,
            "b": b,
            "ids": ids,
            "archiver": archiver,
            "worker": worker,
            "bucket": bucket,
            "database": database_url,
            "replica": replica_url,
            "env": env,
        }


def image_urls(html: str) -> list[str]:
    """Every address an <img> or <source> of the page's article asks for."""
    urls = re.findall(r'<img[^>]* src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [part.strip().split(" ")[0] for part in srcset.split(",")]
    return [url.replace("&amp;", "&") for url in urls]


TITLE = "Fleet test: Qianhai opens a data exchange"


@pytest.fixture(scope="module")
def publication(fleet):
    """An editor publishes an article with a featured image and a link on server A.

    Server B has the Innovation archive in its page cache beforehand, so a stale
    copy would be served if B missed the publication.
    """
    a, b, ids = fleet["a"], fleet["b"], fleet["ids"]
    reader = Browser(b.url)
    assert reader.get("/category/innovation/").status == 200
    assert reader.get("/category/innovation/").headers["X-Page-Cache"] == "hit"

    editor = Browser(a.url)
    editor.log_in("fleet-editor", PASSWORD)
    when = datetime.datetime.now(SITE_TIME_ZONE) - datetime.timedelta(minutes=5)
    saved = editor.submit(
        "/admin/articles/article/add/",
        {
            "title": TITLE,
            "slug": "fleet-qianhai-data-exchange",
            "lead": "Shenzhen's Qianhai zone opened a cross-border data exchange.",
            "body": "<p>The exchange serves firms in Hong Kong and Macau.</p>",
            "status": "published",
            "published_at_0": when.strftime("%Y-%m-%d"),
            "published_at_1": when.strftime("%H:%M:%S"),
            "language": ids["english"],
            "categories": [ids["innovation"]],
            "image_alt": "The Qianhai skyline",
            "source_links-0-url": "https://www.caixinglobal.com/2026-11-30/qianhai/",
            "source_links-0-source": ids["caixin"],
            "source_links-0-language": ids["english"],
        },
        form_id="article_form",
        files={"image": ("qianhai.jpg", image_bytes(1600, 900), "image/jpeg")},
    )
    assert saved.status == 302, saved.text[:3000]
    return {"path": when.strftime("/%Y/%m/%d/fleet-qianhai-data-exchange/")}


def test_an_article_published_on_a_shows_on_b_with_its_image(fleet, publication):
    reader = Browser(fleet["b"].url)
    article = reader.get(publication["path"])
    assert article.status == 200, article.text[:2000]
    assert escape(TITLE) in article.text
    archive = reader.get("/category/innovation/")
    assert escape(TITLE) in archive.text

    urls = image_urls(article.text)
    assert urls, "the article page shows no image"
    in_bucket = fleet["bucket"].public_url
    assert all(url.startswith(in_bucket) for url in urls), urls
    for url in urls:
        image = reader.get(url)
        assert image.status == 200, url
        assert image.headers["Content-Type"].startswith("image/"), url


def stamps(database_url: str) -> list:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT * FROM articles_stamp ORDER BY key").fetchall()


def set_title(database_url: str, slug: str, title: str) -> None:
    """Write on the primary behind the stamps' back: no version moves."""
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE articles_article SET title = %s WHERE slug = %s", [title, slug]
        )


def test_readers_on_b_are_served_from_the_replica(fleet, publication):
    """A change the replica has not replayed is not what B's readers see.

    The replica is held with the primary's stamps replayed, then the title changes
    on the primary only. If the worker wrote in the meantime, the stamps differ and
    B rightly reads the primary: that try proves nothing, and the next one reads a
    page B has not cached either.
    """
    database, replica = fleet["database"], fleet["replica"]
    slug = "fleet-qianhai-data-exchange"
    day = publication["path"].rsplit("/", 2)[0] + "/"
    month = day.rsplit("/", 2)[0] + "/"
    year = month.rsplit("/", 2)[0] + "/"
    for uncached in (month, year, day):
        wait_until_replayed(database, replica)
        with replay_paused(replica):
            level = stamps(database) == stamps(replica)
            set_title(database, slug, "A title only the primary has")
            page = Browser(fleet["b"].url).get(uncached)
            level = level and stamps(database) == stamps(replica)
        set_title(database, slug, TITLE)
        if level:
            break
    assert level, "the worker never stopped writing"
    assert page.status == 200
    assert page.headers["X-Page-Cache"] != "hit"
    assert escape(TITLE) in page.text
    assert "A title only the primary has" not in page.text


def test_approving_a_link_answers_before_the_archiver_does(fleet, publication):
    a = fleet["a"]
    moderator = Browser(a.url)
    moderator.log_in("fleet-moderator", PASSWORD)
    queue = moderator.get("/admin/articles/sourcelinkmoderation/?status=pending")
    assert queue.status == 200
    pending = re.findall(r'name="_selected_action" value="(\d+)"', queue.text)
    assert pending, "no link waits for moderation"
    approved = moderator.submit(
        "/admin/articles/sourcelinkmoderation/?status=pending",
        {"action": "approve_selected", "_selected_action": pending, "index": "0"},
        form_id="changelist-form",
    )
    assert approved.status == 302, approved.text[:2000]
    assert approved.seconds < 1, f"approval took {approved.seconds:.2f} s"

    # The worker asks the archiver afterwards, and the archived copy is recorded.
    def archived():
        page = moderator.get(f"/admin/articles/sourcelink/{pending[0]}/change/")
        return "/web/20261130000000/" in page.text

    wait_for(
        archived,
        ARCHIVER_SECONDS + 30,
        "the archived copy of the approved link",
        log=fleet["worker"].log,
    )
    assert len(fleet["archiver"].requests) == 1  # asked once, by the worker
