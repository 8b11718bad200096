"""Counting article reads without tracking readers, and the "most read" lists.

Who counts a view is ``READS_COUNTED_BY``:

- ``"server"`` (the default): the site counts each article page it serves to an
  anonymous reader, before the page cache answers. The article view marks its
  response with the article's id (``mark_view()``), the page cache stores the id
  with the page (``articles/middleware.py``), and the middleware counts the view
  (``count_view()``) whether the page came from the cache or was rendered. Counted:
  a ``GET`` answered 200, or 304 (a conditional request is a real view of a page
  the browser holds). Not counted: ``HEAD``, any other status, previews. The page
  loads no script, and the beacon below counts nothing (a page that a browser or
  CDN still holds with the script would count its view twice).
- ``"beacon"``, for a CDN in front that answers without this site: the article
  page loads ``static/js/read_beacon.js``, which POSTs nothing to ``/read/<id>/``
  with ``navigator.sendBeacon`` (same origin: no third party), and the server does
  not count page views.
- ``"off"``: nothing is counted (the lists show what was counted before).

Either way nothing about the reader is stored but +1 on the article's count for
the hour: no cookie, no address, no user agent, no user. Not counted: requests
from obvious bots (``BOTS``, or no user agent at all), requests carrying a session
cookie (logged-in staff), and ids that are not a published article.

Where the counts go: a counted view adds one to its process's pending counts, and
no I/O happens in its request. Every ``READS_BUFFER_SECONDS`` the process writes what
gathered in one batch (``Pending``), and what is left when it exits normally.

- With ``REDIS_URL``, the batch goes to a Redis hash per hour (``HINCRBY``s in one
  round trip, no database query), shared by every process on every server.
  ``flush()`` moves the hashes into ``ArticleReads`` rows: each process queues it
  at most once every ``READS_FLUSH_SECONDS`` after writing reads there, Celery
  beat queues it on the same schedule, and ``manage.py flush_reads`` runs it by
  hand. Taking a hash is atomic (``HGETALL`` and ``DEL`` in one ``MULTI``), so
  concurrent flushes never count twice; counts that the database refuses are put
  back. What can be lost: the counts Redis holds when it loses its data (at most
  the last ``READS_FLUSH_SECONDS`` while reads keep coming), and a hash taken by a
  process that dies before its transaction commits. While Redis fails, reads are
  written to the database as without it.
- Without Redis, the batch goes into the hours' rows (an UPDATE per article; an
  INSERT for the first read of an article in an hour).

Either way a process killed outright loses its last ``READS_BUFFER_SECONDS`` of
reads.

The database is the record: counts survive restarts, and the lists come from it.
"Most read today" is the last 24 hours, "this week" the last 7 days, each one
aggregate query over the hourly rows. A list is computed at most once every
``MOST_READ_SECONDS`` (the periods are aligned to the clock), and a page showing
it ends with the period (``Freshness.expire_by()``): reads are not writes that
bump stamps, which would retire every page on every read.
"""

import atexit
import collections
import datetime
import functools
import logging
import os
import re
import threading
import time

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django_redis import get_redis_connection

from . import chinese, shared_cache
from .dispatch import FLUSH_READS, enqueue
from .freshness import Freshness, article_key, is_anonymous_reader
from .models import Article, ArticleReads

logger = logging.getLogger(__name__)

TODAY = "today"
WEEK = "week"
# Hours each list covers, the current one included.
WINDOWS = {TODAY: 24, WEEK: 7 * 24}
# How many "most read today" a page shows beside its own content.
SIDEBAR_ITEMS = 5
# User agents not counted: crawlers, link previews, monitors, headless browsers and
# HTTP libraries. Browsers' strings contain none of these words.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"headless|lighthouse|monitor|uptime|pingdom|feedfetcher|mediapartners|"
    r"python|curl|wget|go-http-client|java/|okhttp|httpclient|scrapy|phantomjs",
    re.IGNORECASE,
)
# Largest id a database key holds; a larger one in the URL is not an article.
MAX_ID = 2**63 - 1
REDIS_PREFIX = "gbanews:reads:"
HOUR_FORMAT = "%Y%m%d%H"
# A Redis hash nothing flushed is dropped after this long.
REDIS_KEEP_SECONDS = 2 * 24 * 3600


# Most views come from a few hundred browsers' user agents: each one is matched
# against BOTS once (10 µs), not on every view.
@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or BOTS.search(user_agent) is not None


def countable(request) -> bool:
    """True for a read to count: an anonymous reader's browser, not a bot."""
    # META rather than request.headers, which builds a dict of every header.
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    return is_anonymous_reader(request) and not is_bot(user_agent)


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    """The start of moment's hour, in UTC."""
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def window_start(window: str, now: datetime.datetime | None = None):
    """The first hour a list covers (``WINDOWS``), in UTC."""
    hour = hour_of(now or timezone.now())
    return hour - datetime.timedelta(hours=WINDOWS[window] - 1)


SERVER, BEACON, OFF = "server", "beacon", "off"
# A counted page view: a page, or the 304 that tells the browser to show its copy.
COUNTED_STATUSES = (200, 304)


def counted_by(way: str) -> bool:
    """True when reads are counted that way (``READS_COUNTED_BY``)."""
    return settings.READS_COUNTED_BY == way


def mark_view(response, article_id: int) -> None:
    """Mark response as a reader's view of the article, for ``count_view()``.

    As Django's ``xframe_options_exempt`` marks a response for its middleware: an
    attribute the page cache reads (``viewed_article()``) and stores with the page.
    """
    response.viewed_article_id = article_id


def viewed_article(response) -> int | None:
    """The id of the article response shows to a reader (``mark_view()``), if any."""
    return getattr(response, "viewed_article_id", None)


def count_view(request, article_id: int | None, status: int) -> None:
    """Count a page view of the article in ``"server"`` mode: the one place that
    decides whether a page this site serves is a read (see the module)."""
    if (
        article_id is not None
        and counted_by(SERVER)
        and request.method == "GET"
        and status in COUNTED_STATUSES
        and countable(request)
    ):
        record(article_id)


@functools.lru_cache(maxsize=2)
def hour_starting(hour_number: int) -> datetime.datetime:
    """The start of the hour_number-th hour since the epoch, in UTC."""
    return datetime.datetime.fromtimestamp(hour_number * 3600, datetime.UTC)


def record(article_id: int, now: datetime.datetime | None = None) -> None:
    """Count one read of the article (ids of no published article are dropped)."""
    # The current hour is made once per hour: every page view may count.
    hour = hour_of(now) if now else hour_starting(int(time.time() // 3600))
    pending.add(article_id, hour)


def write_counts(counts: dict[tuple[int, datetime.datetime], int]) -> None:
    """Add counts of (article id, hour) to Redis, else to the database."""
    if settings.REDIS_URL and not shared_cache.breaker.is_open():
        try:
            pipe = get_redis_connection("default").pipeline(transaction=False)
            for (article_id, hour), count in counts.items():
                key = f"{REDIS_PREFIX}{hour:{HOUR_FORMAT}}"
                pipe.hincrby(key, str(article_id), count)
                pipe.expire(key, REDIS_KEEP_SECONDS)
            pipe.execute()
        except shared_cache.UNREACHABLE as error:
            shared_cache.breaker.failed(error)
        else:
            shared_cache.breaker.succeeded()
            flushes.queue_when_due()
            return
    for (article_id, hour), count in sorted(counts.items()):
        ArticleReads.objects.add(
            article_id, hour, count, new_only_in=Article.objects.published
        )


class Pending:
    """Reads this process counted and has not yet written.

    A counted read adds one here (no I/O in the request); a timer writes what gathered
    ``READS_BUFFER_SECONDS`` later in one batch, and the process writes what is left
    when it exits normally (a gunicorn worker recycled or stopped). A process that
    is killed loses its last ``READS_BUFFER_SECONDS`` of reads. ``0`` writes each
    read in its request.
    """

    def __init__(self):
        self._start()
        # A forked child (a gunicorn worker) has none of its parent's timer.
        os.register_at_fork(after_in_child=self._start)
        atexit.register(self.write)

    def _start(self) -> None:
        self.lock = threading.Lock()
        self.counts: collections.Counter = collections.Counter()
        self.timer: threading.Timer | None = None

    def add(self, article_id: int, hour: datetime.datetime) -> None:
        seconds = settings.READS_BUFFER_SECONDS
        if seconds <= 0:
            write_counts({(article_id, hour): 1})
            return
        with self.lock:
            self.counts[(article_id, hour)] += 1
            if self.timer is None:
                self.timer = threading.Timer(seconds, self._write_in_thread)
                self.timer.daemon = True
                self.timer.start()

    def write(self) -> None:
        """Write what gathered, now."""
        with self.lock:
            counts, self.counts = self.counts, collections.Counter()
            timer, self.timer = self.timer, None
        if timer is not None:
            timer.cancel()  # written now (a no-op when called by the timer itself)
        if counts:
            write_counts(counts)

    def discard(self) -> None:
        """Forget what gathered, unwritten (a test's clean slate)."""
        with self.lock:
            self.counts = collections.Counter()
            timer, self.timer = self.timer, None
        if timer is not None:
            timer.cancel()

    def _write_in_thread(self) -> None:
        try:
            self.write()
        except Exception:
            logger.exception("Read counts not written")
        finally:
            # This thread's own database connection: not left open.
            connections.close_all()


pending = Pending()


class Flushes:
    """Queues a flush of the Redis counters at most once per interval per process."""

    def __init__(self):
        self.due = 0.0
        self.lock = threading.Lock()

    def queue_when_due(self) -> None:
        now = time.monotonic()
        if now < self.due:
            return
        with self.lock:
            if now < self.due:
                return
            self.due = now + settings.READS_FLUSH_SECONDS
        enqueue(FLUSH_READS)


flushes = Flushes()


def flush() -> int:
    """Move the counts held in Redis into the database; the number of reads moved."""
    if not settings.REDIS_URL:
        return 0
    client = get_redis_connection("default")
    moved = 0
    for key in list(client.scan_iter(match=f"{REDIS_PREFIX}*", count=1000)):
        pipe = client.pipeline(transaction=True)
        pipe.hgetall(key)
        pipe.delete(key)
        held, _deleted = pipe.execute()
        counts = {int(pk): int(count) for pk, count in held.items()}
        if not counts:
            continue
        name = key.decode() if isinstance(key, bytes) else key
        hour = datetime.datetime.strptime(
            name.removeprefix(REDIS_PREFIX), HOUR_FORMAT
        ).replace(tzinfo=datetime.UTC)
        try:
            moved += store(hour, counts)
        except Exception:
            # Put them back for the next flush, then report the failure.
            pipe = client.pipeline(transaction=False)
            for pk, count in counts.items():
                pipe.hincrby(key, str(pk), count)
            pipe.expire(key, REDIS_KEEP_SECONDS)
            pipe.execute()
            raise
    return moved


def store(hour: datetime.datetime, counts: dict[int, int]) -> int:
    """Add the hour's counts of published articles to the database, in one
    transaction; the number of reads stored."""
    with transaction.atomic():
        published = Article.objects.published().filter(pk__in=list(counts))
        ids = sorted(published.values_list("pk", flat=True))
        for pk in ids:
            ArticleReads.objects.add(pk, hour, counts[pk])
    return sum(counts[pk] for pk in ids)


def most_read(freshness: Freshness, window: str) -> list[Article]:
    """The window's most read published articles, most read first.

    The list is computed once per ``MOST_READ_SECONDS`` period and the response
    showing it ends with the period; its links are kept per version of each article,
    so an edited or unpublished article changes the list at once.
    """
    period = settings.MOST_READ_SECONDS
    slot = int(time.time() // period)
    freshness.expire_by((slot + 1) * period)
    since = window_start(window)
    # Querysets are built only when the values are not kept (as related articles).
    ids = freshness.cached(
        f"most-read:{window}:{slot}",
        [],
        lambda: Article.objects.published().most_read_ids(
            since, settings.MOST_READ_ITEMS
        ),
        seconds=period,
    )
    articles = freshness.cached(
        f"most-read-links:{ids}",
        [article_key(pk) for pk in ids],
        lambda: Article.objects.published().for_links().in_order(ids),
    )
    return [chinese.with_title(article, get_language()) for article in articles]


def sidebar(freshness: Freshness) -> list[Article]:
    """Today's most read, as few as a page shows beside its own content."""
    return most_read(freshness, TODAY)[:SIDEBAR_ITEMS]
