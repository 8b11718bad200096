import os
import re
import secrets
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"


def manage(*args, **env):
    """Run manage.py in a fresh process with only the given DJANGO_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


# Render the home page in production settings, after migrating a fresh database.
RENDER_HOME = """
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
response = Client().get("/", secure=True)
assert response.status_code == 200, response.status_code
print(response.content.decode())
"""


class TestProductionSettings:
    def test_deploy_check_is_clean_with_documented_variables(self):
        result = manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="news.example.com",
        )
        assert result.returncode == 0, result.stderr
        assert "System check identified no issues" in result.stdout

    @pytest.mark.parametrize(
        ("env", "missing"),
        [
            ({"DJANGO_ALLOWED_HOSTS": "news.example.com"}, "DJANGO_SECRET_KEY"),
            ({"DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_ALLOWED_HOSTS"),
        ],
    )
    def test_production_refuses_to_start_without(self, env, missing):
        result = manage("check", **env)
        assert result.returncode != 0
        assert missing in result.stderr

    def test_pages_link_the_hashed_static_files_collectstatic_writes(self, tmp_path):
        static_root = tmp_path / "static"
        env = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_STATIC_ROOT": str(static_root),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "REDIS_URL": "",
        }
        collected = manage("collectstatic", "--noinput", **env)
        assert collected.returncode == 0, collected.stderr
        page = manage("shell", "-c", RENDER_HOME, **env)
        assert page.returncode == 0, page.stderr
        [stylesheet] = re.findall(
            r'href="/static/(css/site\.\w{12}\.css)"', page.stdout
        )
        assert (static_root / stylesheet).is_file()

    def test_development_key_is_refused_in_production(self):
        from gbanews.settings import DEV_SECRET_KEY

        result = manage(
            "check",
            DJANGO_SECRET_KEY=DEV_SECRET_KEY,
            DJANGO_ALLOWED_HOSTS="news.example.com",
        )
        assert result.returncode != 0
        assert "development key" in result.stderr

    def test_https_redirect(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        response = client.get("/category/innovation/")
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == "https://testserver/category/innovation/"

    def test_proxy_header_is_trusted_only_when_configured(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        response = client.get("/healthz", headers={"x-forwarded-proto": "https"})
        assert response.status_code == HTTPStatus.OK


class TestHeaders:
    @pytest.mark.parametrize("url", ["/", "/category/nowhere/", "/admin/login/"])
    def test_security_headers_everywhere(self, client, url):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        script_src = next(d for d in csp.split(";") if "script-src" in d)
        assert "unsafe-inline" not in script_src
        assert "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "geolocation=()" in response["Permissions-Policy"]

    def test_public_pages_allow_no_inline_styles(self, client):
        csp = client.get("/")["Content-Security-Policy"]
        assert "unsafe-inline" not in csp

    def test_anonymous_pages_set_no_session_cookie(self, client):
        response = client.get("/")
        assert "sessionid" not in response.cookies
        assert "csrftoken" not in response.cookies

    def test_oversized_request_body_is_refused(self, client, settings):
        settings.MAX_REQUEST_BYTES = 1000
        response = client.post(
            "/admin/login/", data=b"x" * 2000, content_type="text/plain"
        )
        assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE

    def test_too_many_form_fields_is_a_400(self, client):
        data = {f"f{i}": "x" for i in range(3000)}
        assert client.post("/admin/login/", data).status_code == HTTPStatus.BAD_REQUEST


class TestHealth:
    def test_ok(self, client):
        response = client.get("/healthz")
        assert response.status_code == HTTPStatus.OK
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
        assert "no-cache" in response["Cache-Control"]


class TestLoginProtection:
    def login(self, client, password, username="editor", ip="10.1.1.1"):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            REMOTE_ADDR=ip,
        )

    def test_lockout_after_failures_then_unlock_by_admin(self, client, settings):
        UserFactory(username="editor", is_staff=True, password=PASSWORD)
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.login(client, "wrong").status_code == HTTPStatus.OK
        locked = self.login(client, "wrong")
        assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert (
            "locked after too many failed sign-in attempts" in locked.content.decode()
        )
        # Even the right password is refused while locked, from another address too.
        assert self.login(client, PASSWORD, ip="10.9.9.9").status_code == (
            HTTPStatus.TOO_MANY_REQUESTS
        )
        assert AccessAttempt.objects.filter(username="editor").exists()
        call_command("axes_reset_username", "editor")
        call_command("axes_reset_ip", "10.1.1.1")
        response = self.login(client, PASSWORD)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == "/admin/"

    def test_address_is_locked_across_usernames(self, client, settings):
        for i in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "wrong", username=f"guess{i}")
        assert self.login(client, "x", username="other").status_code == (
            HTTPStatus.TOO_MANY_REQUESTS
        )

    def test_staff_session_expires(self, client, settings):
        UserFactory(username="editor", is_staff=True, password=PASSWORD)
        self.login(client, PASSWORD)
        assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
        assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60

    @pytest.mark.parametrize("weak", ["12345678", "password", "editor"])
    def test_weak_passwords_are_refused(self, weak):
        user = UserFactory(username="editor")
        with pytest.raises(ValidationError):
            validate_password(weak, user=user)


class TestBodySizeCap:
    def test_oversized_body_is_a_form_error(self, admin_client):
        from articles.models.articles import BODY_MAX_CHARS

        from .test_admin import article_form

        body = "<p>" + "x" * BODY_MAX_CHARS + "</p>"
        response = admin_client.post(
            "/admin/articles/article/add/", article_form(body=body)
        )
        assert response.status_code == HTTPStatus.OK
        assert "Ensure this value has at most" in response.content.decode()


class TestAdminPolicy:
    def test_rich_text_import_map_is_allowed_by_its_hash_only(self, admin_client):
        import base64
        import hashlib
        import re

        response = admin_client.get("/admin/articles/article/add/")
        maps = re.findall(
            rb'<script type="importmap"[^>]*>(.*?)</script>', response.content, re.S
        )
        assert maps
        csp = response["Content-Security-Policy"]
        script_src = next(d for d in csp.split(";") if "script-src" in d)
        for body in maps:
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            assert f"'sha256-{digest}'" in script_src
        assert "unsafe-inline" not in script_src
