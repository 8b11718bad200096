"""Tasks without a broker: run after commit in the process's own threads."""

import time

import pytest
from django.urls import reverse

from articles.dispatch import LOCAL_THREADS, retry_delay, wait_for_pending
from articles.models import SourceLink

from .factories import SourceLinkFactory
from .localhttp import SLOW_ARCHIVE_SECONDS

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = reverse("admin:articles_sourcelinkmoderation_changelist")


@pytest.fixture
def archiver_settings(settings, http_server):
    settings.CELERY_BROKER_URL = ""
    settings.ARCHIVER_ENDPOINT = http_server.base + "/archive/"
    settings.ARCHIVER_TIMEOUT = 10
    settings.ARCHIVER_ATTEMPTS = 3
    settings.TASK_RETRY_BACKOFF = 0.1
    return settings


def test_approval_returns_before_the_archiver_answers(
    client, editor, archiver_settings, http_server
):
    link = SourceLinkFactory(
        url="https://news.example.com/slow",
        status=SourceLink.Status.PENDING,
        source=None,
    )
    client.force_login(editor)
    started = time.monotonic()
    response = client.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [link.pk]}
    )
    took = time.monotonic() - started
    assert response.status_code == 302
    assert took < SLOW_ARCHIVE_SECONDS / 2, f"the approval took {took:.2f} s"
    link.refresh_from_db()
    assert (link.status, link.archive_status) == ("approved", "queued")
    assert wait_for_pending(SLOW_ARCHIVE_SECONDS + 10)
    link.refresh_from_db()
    assert link.archive_url == (
        http_server.base + "/web/2026/https://news.example.com/slow"
    )
    assert (link.archive_status, link.archive_attempts) == ("archived", 1)


def test_one_task_per_link_so_a_slow_archive_holds_no_other(
    client, editor, archiver_settings, http_server
):
    slow, quick = (
        SourceLinkFactory(url=url, status=SourceLink.Status.PENDING, source=None)
        for url in ("https://a.example/slow", "https://b.example/quick")
    )
    client.force_login(editor)
    client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [slow.pk, quick.pk]},
    )
    deadline = time.monotonic() + SLOW_ARCHIVE_SECONDS - 1
    while time.monotonic() < deadline:
        quick.refresh_from_db()
        if quick.archive_status == "archived":
            break
        time.sleep(0.05)
    slow.refresh_from_db()
    assert (quick.archive_status, slow.archive_status) == ("archived", "queued")
    assert wait_for_pending(SLOW_ARCHIVE_SECONDS + 10)


def test_failing_archiver_is_retried_then_recorded_as_failed(
    client, editor, archiver_settings, http_server
):
    link = SourceLinkFactory(
        url="https://news.example.com/failing",
        status=SourceLink.Status.PENDING,
        source=None,
    )
    client.force_login(editor)
    client.post(QUEUE, {"action": "approve_selected", "_selected_action": [link.pk]})
    assert wait_for_pending(20)
    link.refresh_from_db()
    assert (link.archive_status, link.archive_attempts) == ("failed", 3)
    assert link.archive_error == "no archived copy (HTTP 503)"
    saves = [hit for hit in http_server.hits if hit[1].startswith("/archive/")]
    assert len(saves) == 3
    page = client.get(reverse("admin:articles_sourcelink_changelist")).content
    assert b"failed after 3 attempt(s): no archived copy (HTTP 503)" in page


def test_a_task_waiting_to_retry_holds_no_thread(
    client, editor, archiver_settings, http_server
):
    """More failing links than threads: the next task runs before their retries."""
    archiver_settings.TASK_RETRY_BACKOFF = 2
    archiver_settings.TASK_RETRY_BACKOFF_MAX = 2
    failing = [
        SourceLinkFactory(
            url=f"https://f{n}.example/failing",
            status=SourceLink.Status.PENDING,
            source=None,
        )
        for n in range(LOCAL_THREADS + 1)
    ]
    quick = SourceLinkFactory(
        url="https://q.example/quick", status=SourceLink.Status.PENDING, source=None
    )
    client.force_login(editor)
    chosen = [link.pk for link in failing] + [quick.pk]
    before = len(http_server.hits)
    client.post(QUEUE, {"action": "approve_selected", "_selected_action": chosen})
    assert wait_for_pending(30)
    hits = http_server.hits[before:]
    asked = [path for _, path, _ in hits if path.startswith("/archive/")]
    quick_at = asked.index("/archive/https://q.example/quick")
    # First attempts only, then the quick one: no retry came before it.
    assert len(set(asked[:quick_at])) == quick_at >= LOCAL_THREADS
    # Every failing link asked three times (ARCHIVER_ATTEMPTS), the quick one once;
    # the quick one and the last first attempt start together, in either order.
    assert sorted(asked) == sorted(
        ["/archive/https://q.example/quick"]
        + [f"/archive/{link.url}" for link in failing] * 3
    )


def test_a_retry_waits_between_half_and_all_of_its_ceiling(settings):
    settings.TASK_RETRY_BACKOFF = 2
    settings.TASK_RETRY_BACKOFF_MAX = 10
    for retries, ceiling in [(0, 2), (1, 4), (2, 8), (3, 10), (9, 10)]:
        delays = [retry_delay(retries) for _ in range(200)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays), retries
        assert max(delays) - min(delays) > ceiling / 10  # spread, not fixed
