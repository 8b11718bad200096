"""check_source_links against real HTTP servers on 127.0.0.1."""

import datetime
import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.linkcheck import CheckPolicy, HostThrottle, check_url
from articles.models import SourceLink
from articles.services import source_links_claim
from articles.signals import content_changed

from .factories import SourceLinkFactory
from .servers import MANAGE_SECONDS, ROOT, manage, require, shell_json, site_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def checker_settings(settings):
    settings.SOURCE_LINK_CHECK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SOURCE_LINK_CHECK_TIMEOUT = 3
    settings.SOURCE_LINK_CHECK_HOST_INTERVAL = 0
    settings.SOURCE_LINK_CHECK_MAX_REDIRECTS = 5
    settings.SOURCE_LINK_BROKEN_AFTER = 2
    settings.SOURCE_LINK_CHECK_INTERVAL_HOURS = 20
    settings.SOURCE_LINK_CHECK_WORKERS = 4
    return settings


def run_checker(**options):
    out = StringIO()
    call_command("check_source_links", stdout=out, **options)
    return out.getvalue()


def link_to(server, path, **fields):
    return SourceLinkFactory(url=server.base + path, **fields)


def make_due(*links):
    """Pretend the links were last checked a day ago."""
    SourceLink.objects.filter(pk__in=[link.pk for link in links]).update(
        last_checked_at=timezone.now() - datetime.timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("path", "status", "final_path", "error"),
    [
        ("/ok", 200, "/ok", ""),
        ("/chain/1", 200, "/chain/3", ""),
        ("/absolute-redirect", 200, "/ok", ""),
        ("/no-head", 200, "/no-head", ""),
        ("/missing", 404, "/missing", ""),
        ("/error", 500, "/error", ""),
        ("/slow", None, "/slow", "timed out"),
        ("/loop", 302, "/loop", "more than 5 redirects"),
        ("/bad-redirect", None, ":99999/", "not a valid URL: http://127.0.0.1:99999/"),
    ],
)
def test_checker_records_what_the_server_answers(
    http_server, checker_settings, path, status, final_path, error
):
    if path == "/slow":
        checker_settings.SOURCE_LINK_CHECK_TIMEOUT = 0.5
    link = link_to(http_server, path)
    output = run_checker()
    link.refresh_from_db()
    assert link.http_status == status
    base = "http://127.0.0.1" if final_path.startswith(":") else http_server.base
    assert link.final_url == base + final_path
    assert link.last_check_error == error
    assert link.last_checked_at is not None
    ok = status is not None and status < 400 and not error
    assert link.consecutive_failures == (0 if ok else 1)
    assert not link.is_broken
    assert "1 approved links due for a check." in output
    assert f"Checked 1 links: {int(ok)} ok, {int(not ok)} failed" in output
    assert SourceLink.objects.filter(pk=link.pk).exists()


def test_chain_is_followed_hop_by_hop_with_a_browser_user_agent(
    http_server, checker_settings
):
    link_to(http_server, "/chain/1")
    run_checker()
    assert [(method, path) for method, path, _ua in http_server.hits] == [
        ("HEAD", "/chain/1"),
        ("HEAD", "/chain/2"),
        ("HEAD", "/chain/3"),
    ]
    assert all(ua.startswith("Mozilla/5.0") for _m, _p, ua in http_server.hits)


def test_head_refused_falls_back_to_get(http_server, checker_settings):
    link_to(http_server, "/no-head")
    run_checker()
    methods = [method for method, _path, _ua in http_server.hits]
    assert methods == ["HEAD", "GET"]


@pytest.mark.parametrize("path", ["/to-metadata", "/to-private"])
def test_redirect_to_a_private_address_is_refused_before_connecting(
    http_server, checker_settings, path
):
    link = link_to(http_server, path)
    output = run_checker()
    link.refresh_from_db()
    assert "is not a public address" in link.last_check_error
    assert link.http_status is None
    assert link.consecutive_failures == 1
    assert "1 refused" in output
    # Only the first hop reached the local server; the private hop never left.
    assert [path for _m, path, _ua in http_server.hits] == [path]


def test_loopback_is_refused_without_the_allowlist(http_server, checker_settings):
    checker_settings.SOURCE_LINK_CHECK_ALLOWED_NETWORKS = []
    link = link_to(http_server, "/ok")
    run_checker()
    link.refresh_from_db()
    assert "127.0.0.1 is not a public address" in link.last_check_error
    assert http_server.hits == []


def test_rate_limited_answer_does_not_count_as_a_failure(http_server, checker_settings):
    link = link_to(http_server, "/rate-limited")
    assert "1 inconclusive" in run_checker()
    link.refresh_from_db()
    assert (link.http_status, link.consecutive_failures) == (429, 0)


def test_broken_after_n_failures_and_back_when_it_recovers(
    http_server, checker_settings
):
    link = link_to(http_server, "/missing")
    flips = []
    content_changed.connect(
        receiver := lambda sender, **kw: flips.append(kw["articles"])
    )
    try:
        run_checker()
        link.refresh_from_db()
        assert (link.consecutive_failures, link.is_broken) == (1, False)
        make_due(link)
        output = run_checker()
        link.refresh_from_db()
        assert (link.consecutive_failures, link.is_broken) == (2, True)
        assert "1 broken" in output
        assert flips == [[link.article_id]]
        SourceLink.objects.filter(pk=link.pk).update(url=http_server.base + "/ok")
        make_due(link)
        run_checker()
        link.refresh_from_db()
        assert (link.consecutive_failures, link.is_broken) == (0, False)
        assert link.http_status == 200
        assert len(flips) == 2
    finally:
        content_changed.disconnect(receiver)


def test_only_approved_and_due_links_are_checked(http_server, checker_settings):
    link_to(http_server, "/ok?pending", status=SourceLink.Status.PENDING)
    link_to(http_server, "/ok?rejected", status=SourceLink.Status.REJECTED)
    recent = link_to(http_server, "/ok?recent")
    SourceLink.objects.filter(pk=recent.pk).update(last_checked_at=timezone.now())
    due = link_to(http_server, "/ok?due")
    output = run_checker()
    assert [path for _m, path, _ua in http_server.hits] == ["/ok?due"]
    assert "Checked 1 links" in output
    due.refresh_from_db()
    assert due.http_status == 200


def test_a_link_leased_by_another_run_is_skipped_until_the_lease_ends(
    http_server, checker_settings
):
    link = link_to(http_server, "/ok")
    other_run = uuid.uuid4()
    claimed = source_links_claim(
        token=other_run, limit=10, checked_before=timezone.now()
    )
    assert claimed == [link]
    assert "Checked 0 links" in run_checker()
    assert http_server.hits == []
    SourceLink.objects.filter(pk=link.pk).update(
        check_lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert "Checked 1 links" in run_checker()
    link.refresh_from_db()
    assert link.check_claim is None and link.http_status == 200


def test_limit_and_progress(http_server, checker_settings):
    for i in range(3):
        link_to(http_server, f"/ok?{i}")
    output = run_checker(limit=2)
    assert "[1/2] 200 ok" in output and "[2/2] 200 ok" in output
    assert "Checked 2 links: 2 ok" in output
    assert "Checked 1 links: 1 ok" in run_checker()


def test_throttle_spaces_requests_to_one_host(http_server):
    policy = CheckPolicy.from_strings(
        allowed_networks=["127.0.0.1/32"], timeout=2, host_interval=0.2
    )
    throttle = HostThrottle(policy.host_interval)
    started = timezone.now()
    threads = [
        threading.Thread(
            target=check_url, args=(http_server.base + "/ok", policy, throttle)
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = (timezone.now() - started).total_seconds()
    assert len(http_server.hits) == 4
    assert elapsed >= 0.6


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_never_check_a_link_twice(http_server, checker_settings):
    """Both runs share the work (one worker each, batches of 5); no link twice."""
    links = [link_to(http_server, f"/pause?n={i}") for i in range(12)]
    outputs, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            outputs.append(run_checker(workers=1))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    paths = [path for _m, path, _ua in http_server.hits]
    assert sorted(paths) == sorted(f"/pause?n={i}" for i in range(12))
    checked = [int(out.split("Checked ")[1].split(" ")[0]) for out in outputs]
    assert sum(checked) == len(links)
    assert all(count > 0 for count in checked), checked
    assert not SourceLink.objects.filter(last_checked_at__isnull=True).exists()


def closed_port(host: str) -> int:
    """A port on host where nothing listens: connections to it are refused."""
    with socket.create_server((host, 0)) as listener:
        return listener.getsockname()[1]


def unreachable_links(count: int):
    """Links to count hosts of 127.0.0.0/8 that all refuse connections alike."""
    hosts = [f"127.0.0.{n}" for n in range(2, 2 + count)]
    return [SourceLinkFactory(url=f"http://{h}:{closed_port(h)}/a") for h in hosts]


class TestCheckerSideFailures:
    """A failure on the checker's side says nothing about the links."""

    @pytest.fixture
    def loopback_settings(self, checker_settings):
        checker_settings.SOURCE_LINK_CHECK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        return checker_settings

    def test_a_run_where_every_host_fails_alike_flags_nothing(self, loopback_settings):
        links = unreachable_links(3)
        for _run in range(3):
            output = run_checker()
            make_due(*links)
        assert "Inconclusive run, nothing flagged: every one of 3 hosts" in output
        assert "(ConnectionRefusedError)" in output
        assert "3 inconclusive" in output
        for link in links:
            link.refresh_from_db()
            assert (link.consecutive_failures, link.is_broken) == (0, False)
            assert "Connection refused" in link.last_check_error

    def test_failures_on_a_working_run_still_count(
        self, http_server, loopback_settings
    ):
        """A host that refuses, or answers 404, fails when others answer."""
        (refusing,) = unreachable_links(1)
        missing = link_to(http_server, "/missing")
        link_to(http_server, "/ok")
        for _run in range(2):
            output = run_checker()
            make_due(*SourceLink.objects.all())
        assert "Inconclusive" not in output
        for link in (refusing, missing):
            link.refresh_from_db()
            assert (link.consecutive_failures, link.is_broken) == (2, True)

    def test_failures_on_one_host_alone_still_count(self, loopback_settings):
        links = [
            SourceLinkFactory(url=f"http://127.0.0.2:{closed_port('127.0.0.2')}/{n}")
            for n in range(2)
        ]
        assert "2 failed" in run_checker()
        for link in links:
            link.refresh_from_db()
            assert link.consecutive_failures == 1

    def test_a_run_with_different_failures_counts_them(
        self, http_server, loopback_settings
    ):
        """Failing in different ways shows the network answered: both count."""
        (refusing,) = unreachable_links(1)
        missing = link_to(http_server, "/missing")
        assert "2 failed" in run_checker()
        refusing.refresh_from_db()
        missing.refresh_from_db()
        assert refusing.consecutive_failures == missing.consecutive_failures == 1


NAMESPACE = f"gbanews-nodns-{os.getpid()}"


@pytest.fixture
def namespace_without_a_resolver():
    """A network namespace whose resolver does not answer, as on a cut-off machine.

    `ip netns exec` mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf. It
    names a nameserver on the namespace's own loopback, where nothing listens:
    every lookup fails with "Temporary failure in name resolution", and nothing
    leaves the namespace, which has no other interface.
    """
    require(shutil.which("ip"), "ip", "apt-get install iproute2")
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    config = Path("/etc/netns") / NAMESPACE
    subprocess.run(["ip", "netns", "add", NAMESPACE], check=True)
    try:
        config.mkdir(parents=True, exist_ok=True)
        (config / "resolv.conf").write_text(
            "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"
        )
        subprocess.run(
            ["ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up"],
            check=True,
        )
        yield ["ip", "netns", "exec", NAMESPACE]
    finally:
        subprocess.run(["ip", "netns", "delete", NAMESPACE], check=False)
        shutil.rmtree(config, ignore_errors=True)


def test_a_resolver_that_fails_unlinks_nothing(namespace_without_a_resolver, tmp_path):
    """Three runs without DNS flag no demo link; the page keeps "Read more on"."""
    # A SQLite file, whatever the suite runs on: the namespace reaches no server.
    env = site_env("sqlite:///" + str(tmp_path / "site.sqlite3"), tmp_path / "static")
    env.update(
        # Static files from the finders: the page renders without collectstatic.
        DJANGO_DEBUG="1",
        SOURCE_LINK_CHECK_INTERVAL_HOURS="0",
        SOURCE_LINK_CHECK_HOST_INTERVAL="0",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    for _run in range(3):
        result = subprocess.run(
            [*namespace_without_a_resolver, sys.executable, "manage.py"]
            + ["check_source_links"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=MANAGE_SECONDS,
            check=True,
        )
    assert "Temporary failure in name resolution" in result.stdout
    assert " 0 failed, 0 broken," in result.stdout
    state = shell_json(
        env,
        "import json\n"
        "from django.test import Client\n"
        "from articles.models import SourceLink\n"
        "links = SourceLink.objects.approved()\n"
        "page = Client().get('/category/innovation/', HTTP_HOST='localhost')\n"
        "print(json.dumps([links.count(), links.filter(is_broken=True).count(),\n"
        "    sum(links.values_list('consecutive_failures', flat=True)),\n"
        "    page.status_code, page.content.decode()]))",
    )
    checked, broken, failures, status, html = state
    assert checked > 0
    assert (broken, failures, status) == (0, 0, 200)
    assert 'Read more on <span class="source-name">Caixin</span>' in html
