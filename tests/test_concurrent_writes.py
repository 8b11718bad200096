"""Writers that overlap wait for each other on PostgreSQL; they never deadlock.

Each test holds a transaction open in one thread at the point where a second
writer, in another thread, must wait for it, checks in ``pg_stat_activity`` that
the second one does wait, then lets the first go on. Had the two locked rows in
opposite orders, PostgreSQL would abort one with "deadlock detected".
SQLite lets one writer in at a time (``transaction_mode`` IMMEDIATE), so the
question does not arise there.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from articles.freshness import article_key, list_key
from articles.models import Article, CategoryEntry, SourceLink, Stamp
from articles.services.links import source_link_save
from articles.signals import content_changed

from .factories import ArticleFactory, CategoryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's row locks"
    ),
]


class Writer(threading.Thread):
    """Run write() in its own connection; hold its transaction until release()."""

    def __init__(self, write, *, hold=False):
        super().__init__(daemon=True)
        self.write, self.hold = write, hold
        self.holding, self.go_on = threading.Event(), threading.Event()
        self.error = None

    def pause(self):
        """Called by write() inside its transaction: wait there if told to hold."""
        if self.hold:
            self.holding.set()
            self.go_on.wait(20)

    def release(self):
        self.go_on.set()
        self.join(30)

    def run(self):
        try:
            self.write(self)
        except Exception as exc:  # the test asserts on it
            self.error = exc
        finally:
            connections.close_all()


def waiting_for_a_lock(timeout=10.0) -> bool:
    """Whether a session of this database comes to wait for a row lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def recording_renditions(article):
    """A write as the renditions task makes it: the article's row, then
    content_changed, held open in between."""

    def write(writer):
        with transaction.atomic():
            Article.objects.filter(pk=article.pk).update(
                image_renditions={"320": "made.jpg"}
            )
            writer.pause()
            content_changed.send(sender=Article, articles=[article.pk])

    return write


def overlap(held, other, what: str) -> tuple:
    """Hold held at its pause, run other until it waits for a lock, let held go
    on; the two writers' errors (None when they committed)."""
    first = Writer(held, hold=True)
    first.start()
    assert first.holding.wait(10)
    second = Writer(other)
    second.start()
    assert waiting_for_a_lock(), f"{what} did not wait"
    first.release()
    second.join(30)
    return first.error, second.error


def test_a_link_saved_while_a_task_records_its_article_waits_then_both_commit():
    """As the renditions task does: the article's row, then content_changed.
    Saving a link writes that row (the search index) before it bumps stamps."""
    article = ArticleFactory(categories=[CategoryFactory()])

    def save_link(writer):
        link = SourceLink(article=article, url="https://www.caixinglobal.com/a/")
        source_link_save(link=link, actor=None)

    errors = overlap(recording_renditions(article), save_link, "the link's save")
    assert errors == (None, None)
    assert article.source_links.get().url == "https://www.caixinglobal.com/a/"
    article.refresh_from_db()
    assert article.image_renditions == {"320": "made.jpg"}


def test_deleting_an_article_while_a_task_records_it_waits_then_both_commit():
    article = ArticleFactory(categories=[CategoryFactory()])
    errors = overlap(
        recording_renditions(article),
        lambda writer: Article.objects.get(pk=article.pk).delete(),
        "the deletion",
    )
    assert errors == (None, None)
    assert not Article.objects.filter(pk=article.pk).exists()


def test_rebuilding_every_archive_waits_for_a_rebuild_of_one_article():
    """content_changed without ids (load_demo's, a bulk command's) rebuilds every
    entry while a task rebuilds one article's: the whole rebuild waits for the
    task and finds its rows, instead of inserting them again (CI, load_demo's
    pictures: categoryentry_unique)."""
    article = ArticleFactory(categories=[CategoryFactory()])

    def announce(writer):
        with transaction.atomic():
            content_changed.send(sender=Article, articles=[article.pk])
            writer.pause()

    def announce_all(writer):
        content_changed.send(sender=Article)

    errors = overlap(announce, announce_all, "the whole rebuild")
    assert errors == (None, None)
    assert CategoryEntry.objects.filter(article=article).count() == 1


def test_writers_that_bump_stamps_twice_queue_at_their_first_bump():
    """An admin save bumps the article's stamps, then its categories' (the m2m
    signal). A second writer must not take one of those stamps meanwhile."""
    category = CategoryFactory()
    article = ArticleFactory(categories=[category])
    first = [article_key(article.pk)]
    second = [list_key("category", category.pk)]

    def save_in_two_steps(writer):
        with transaction.atomic():
            Stamp.objects.bump(second)
            writer.pause()
            Stamp.objects.bump(first)

    def save_once(writer):
        with transaction.atomic():
            Stamp.objects.bump(first + second)

    before = Stamp.objects.versions(first + second)
    errors = overlap(save_in_two_steps, save_once, "the second writer")
    assert errors == (None, None)
    after = Stamp.objects.versions(first + second)
    assert all(after[key] > before[key] for key in after)
