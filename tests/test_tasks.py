"""The task queue with a real Celery worker and beat, on a database shared with a
real gunicorn server (tests/servers.py, tests/worker.py).

A moderator approves links through the admin of the server; the worker archives
them against a local archiver (tests/localhttp.py) that is slow or failing.
"""

import contextlib
import time
from pathlib import Path

import pytest

from .browsing import Browser
from .localhttp import SLOW_ARCHIVE_SECONDS, serving
from .servers import Server, manage, shared_database, shell_json, site_env
from .worker import broker_url, queue_env, require_broker, running_worker

pytestmark = pytest.mark.processes

QUEUE = "/admin/articles/sourcelinkmoderation/"
PASSWORD = "a-moderator-password-for-tests"
SETUP = """
from articles.models import Article, Language
from django.contrib.auth.models import User
User.objects.create_superuser("moderator", "m@example.com", "%s")
english = Language.objects.create(code="en", name="English", native_name="English")
Article.objects.create(title="Queue", lead="L", body="<p>B</p>", language=english)
"""
LINKS = """
import json
from articles.models import SourceLink
print(json.dumps({link.url: [link.archive_url, link.archive_status,
    link.archive_attempts, link.archive_error, str(link.last_checked_at or "")]
    for link in SourceLink.objects.all()}))
"""


@pytest.fixture(scope="module")
def archiver():
    with serving() as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory, archiver):
    """One gunicorn server and one worker with beat, on one database and broker."""
    broker = broker_url()
    require_broker(broker)
    tmp_path = tmp_path_factory.mktemp("tasks")
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(shared_database(tmp_path, "_tasks"))
        env = site_env(database_url, tmp_path / "static")
        env.update(queue_env(broker))
        env.update(
            ARCHIVER_ENDPOINT=archiver.base + "/archive/",
            ARCHIVER_TIMEOUT="10",
            ARCHIVER_ATTEMPTS="3",
            TASK_RETRY_BACKOFF="1",
            SOURCE_LINK_CHECK_EVERY_SECONDS="2",
            SOURCE_LINK_CHECK_ALLOWED_NETWORKS="127.0.0.1/32",
            SOURCE_LINK_CHECK_HOST_INTERVAL="0",
            DJANGO_SECURE_COOKIES="0",
            DJANGO_LOG_LEVEL="INFO",
            DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        )
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "shell", "--no-imports", "-c", SETUP % PASSWORD)
        server = Server(env, tmp_path / "gunicorn.log")
        stack.callback(server.stop)
        worker = stack.enter_context(
            running_worker(env, tmp_path / "worker.log", beat=True)
        )
        server.wait_until_ready()
        yield env, server, worker


def moderator_on(server: Server) -> Browser:
    moderator = Browser(server.url)
    moderator.log_in("moderator", PASSWORD)
    return moderator


def approve(moderator: Browser, pk: int):
    """Approve one link from the queue, as the moderator's browser posts it."""
    return moderator.submit(
        QUEUE,
        {"action": "approve_selected", "_selected_action": pk, "index": "0"},
        form_id="changelist-form",
    )


def add_link(env, url: str) -> int:
    return shell_json(
        env,
        "from articles.models import Article, SourceLink\n"
        "link = SourceLink.objects.create(\n"
        f"    article=Article.objects.get(), url={url!r})\n"
        "print(link.pk)",
    )


def wait_for(env, url: str, done, seconds: float) -> list:
    deadline = time.monotonic() + seconds
    while True:
        state = shell_json(env, LINKS)[url]
        if done(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


def test_approval_returns_at_once_and_the_worker_archives_later(site, archiver):
    env, server, worker = site
    url = f"{archiver.base}/ok/slow-story"
    pk = add_link(env, url)
    moderator = moderator_on(server)
    approved = approve(moderator, pk)
    # The archiver takes 4 s; the approval's POST answers before it.
    assert approved.status == 302, approved.text[:2000]
    took = approved.seconds
    assert took < SLOW_ARCHIVE_SECONDS / 2, f"the approval took {took:.2f} s"
    # Read over HTTP, well within the archiver's 4 s (a manage.py shell may not be).
    change = moderator.get(f"{QUEUE}{pk}/change/").text
    assert '<div class="readonly">queued</div>' in change
    state = wait_for(env, url, lambda s: s[1] != "queued", SLOW_ARCHIVE_SECONDS + 20)
    assert state[:3] == [f"{archiver.base}/web/2026/{url}", "archived", 1], worker.log()


def test_failing_archiver_is_retried_then_recorded_as_failed(site, archiver):
    env, server, worker = site
    url = f"{archiver.base}/ok/failing-story"
    pk = add_link(env, url)
    moderator = moderator_on(server)
    assert approve(moderator, pk).status == 302
    # Three attempts, with backoffs of 0.5-1 s and 1-2 s between them.
    state = wait_for(env, url, lambda s: s[1] == "failed", 30)
    assert state[1:4] == ["failed", 3, "no archived copy (HTTP 503)"], worker.log()
    saves = [hit for hit in archiver.hits if hit[1] == f"/archive/{url}"]
    assert len(saves) == 3
    assert "Retry in" in worker.log()
    change = moderator.get(f"{QUEUE}{pk}/change/").text
    assert "failed after 3 attempt(s): no archived copy (HTTP 503)" in change


def test_beat_schedules_the_link_check(site, archiver):
    env, server, worker = site
    url = f"{archiver.base}/ok/checked-story"
    pk = add_link(env, url)
    # Approved by an import (no archiving asked): only beat's check touches it.
    shell_json(
        env,
        "from articles.models import SourceLink\n"
        "from articles.services import source_links_approve_imported\n"
        f"links = list(SourceLink.objects.filter(pk={pk}))\n"
        "source_links_approve_imported(links=links, origin='test')\n"
        "print(1)",
    )
    state = wait_for(env, url, lambda s: s[4] != "", 30)
    assert state[4], worker.log()
    assert "articles.check_source_links" in worker.log()
    assert ("HEAD", "/ok/checked-story") in [hit[:2] for hit in archiver.hits]


UPLOAD = """
from django.core.files.base import ContentFile
from articles.dispatch import wait_for_pending
from articles.models import Article
from tests.factories import image_bytes
article = Article.objects.get(title="Queue")
article.image = ContentFile(image_bytes(700, 400), name="bay.jpg")
article.image_alt = "The bay"
article.save()
assert wait_for_pending(30)  # handed over to the broker
print(article.pk)
"""
RENDITIONS = """
import json
from articles.models import Article
print(json.dumps(Article.objects.get(title="Queue").image_renditions))
"""


def test_the_worker_makes_the_renditions_of_an_upload(site):
    env, server, worker = site
    shell_json(env, UPLOAD)
    deadline = time.monotonic() + 30
    while "widths" not in (meta := shell_json(env, RENDITIONS)):
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.5)
    assert meta["widths"] == [320, 640, 700], worker.log()
    media = Path(env["DJANGO_MEDIA_ROOT"])
    made = sorted(p.name for p in (media / "renditions").rglob("*") if p.is_file())
    assert len(made) == 3 * 2
    assert "articles.make_renditions" in worker.log()
