"""The Makefile's commands, as `make -n` would run them (nothing is executed)."""

import shutil
import subprocess

import pytest

from .servers import ROOT


def planned(*args: str) -> str:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    return subprocess.run(
        ["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_make_run_points_absolute_links_at_the_port_it_serves():
    commands = planned("run", "PORT=8100", "HOST=127.0.0.1")
    serve = next(line for line in commands.splitlines() if "runserver" in line)
    assert "SITE_URL=http://127.0.0.1:8100 " in serve
    assert serve.endswith("runserver 127.0.0.1:8100")


def test_an_explicit_site_url_wins():
    commands = planned("run", "PORT=8100", "SITE_URL=https://news.example.org")
    serve = next(line for line in commands.splitlines() if "runserver" in line)
    assert "SITE_URL=https://news.example.org " in serve
