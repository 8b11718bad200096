"""Queueing tasks: after commit, never inside the request that asks for them.

With a broker (CELERY_BROKER_URL) a task goes to the Celery workers. Without one,
or when the broker cannot take it, it runs in one of a few daemon threads of this
process with the same retry policy. That work is lost if the process exits first;
the management commands (check_source_links, make_renditions,
rebuild_search_index, flush_reads) catch up. Even the hand-over to the broker
happens in those threads, so a slow broker never holds a request either.

Tasks are named here, not imported: articles/tasks.py imports the services that
queue them.
"""

import logging
import os
import queue
import random
import threading

from celery import current_app
from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

ARCHIVE_SOURCE_LINK = "articles.archive_source_link"
CHECK_SOURCE_LINKS = "articles.check_source_links"
DELETE_MEDIA = "articles.delete_media"
FLUSH_READS = "articles.flush_reads"
MAKE_RENDITIONS = "articles.make_renditions"
MAKE_MEDIA_RENDITIONS = "articles.make_media_renditions"
REBUILD_SEARCH_INDEX = "articles.rebuild_search_index"

LOCAL_THREADS = 4


class RetryLater(Exception):
    """A task run in this process asks to be run again after a backoff."""


def retry_delay(retries: int) -> float:
    """Seconds to wait before retry number retries + 1: exponential, with jitter.

    Between half and all of the ceiling ("equal jitter"): retries of many failed
    tasks are spread out, yet none comes back at once to a server that just failed.
    """
    ceiling = min(
        settings.TASK_RETRY_BACKOFF_MAX, settings.TASK_RETRY_BACKOFF * 2**retries
    )
    return random.uniform(ceiling / 2, ceiling)


def retry_later(task, exc: Exception) -> Exception:
    """Schedule task again after a backoff; return the exception to raise.

    A worker retries it through Celery (``Task.retry`` raises); a run in this
    process gets RetryLater, which the local pool waits out.
    """
    if task.request.called_directly:
        return RetryLater(str(exc))
    return task.retry(exc=exc, countdown=retry_delay(task.request.retries))


def enqueue(name: str, **kwargs) -> None:
    """Run the task called name with kwargs once the current transaction commits."""
    transaction.on_commit(
        lambda: _pool.submit(lambda: _deliver(name, kwargs)), robust=True
    )


def wait_for_pending(timeout: float) -> bool:
    """Wait until this process has no task queued or running; False on timeout."""
    return _pool.wait(timeout)


def _deliver(name: str, kwargs: dict) -> None:
    if settings.CELERY_BROKER_URL:
        try:
            current_app.send_task(name, kwargs=kwargs)
            return
        except Exception:
            logger.exception("The broker did not take %s; running it here.", name)
    _run_here(name, kwargs)


def _run_here(name: str, kwargs: dict, retries: int = 0) -> None:
    """Run the task once; on RetryLater, queue it again after a backoff.

    The wait is a timer, not a sleeping pool thread, so a task that keeps failing
    holds none of the few threads the other tasks need.
    """
    task = current_app.tasks[name]
    try:
        task(**kwargs)
    except RetryLater as exc:
        if task.max_retries is not None and retries >= task.max_retries:
            logger.error("Task %s gave up after %d retries: %s", name, retries, exc)
            return
        logger.warning("Task %s will be retried: %s", name, exc)
        _pool.submit(
            lambda: _run_here(name, kwargs, retries + 1), delay=retry_delay(retries)
        )
    except Exception:
        logger.exception("Task %s failed.", name)


class LocalPool:
    """A few daemon threads that run queued callables, and a way to wait for them."""

    def __init__(self, threads: int):
        self._size = threads
        self._start()
        # A forked child (a gunicorn worker) has none of its parent's threads.
        os.register_at_fork(after_in_child=self._start)

    def _start(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = 0
        self._threads: list[threading.Thread] = []
        self._idle = threading.Condition()

    def submit(self, job, delay: float = 0) -> None:
        """Run job on a pool thread, after delay seconds; wait() counts it at once."""
        with self._idle:
            self._pending += 1
        if delay > 0:
            timer = threading.Timer(delay, self._put, args=(job,))
            timer.daemon = True
            timer.start()
        else:
            self._put(job)

    def _put(self, job) -> None:
        with self._idle:
            if len(self._threads) < min(self._size, self._pending):
                thread = threading.Thread(
                    target=self._work, name="gbanews-tasks", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        self._jobs.put(job)

    def wait(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                job()
            except Exception:
                logger.exception("A queued task failed.")
            finally:
                # This thread's own database connections: not left open between jobs.
                connections.close_all()
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()


_pool = LocalPool(LOCAL_THREADS)
