"""Media in an S3 bucket: a real SeaweedFS server, set up from the environment.

The storage settings are the ones gbanews/settings.py makes from the MEDIA_S3_*
variables (in a process of its own), so the tests run what a deployment runs.
Objects are fetched anonymously over HTTP, as readers do.
"""

import contextlib
import copy
import io
import json
import re
import subprocess
import sys
import threading
import urllib.request
from html import unescape
from http import HTTPStatus

import feedparser
import pytest
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from storages.backends.s3 import S3Storage

from articles import images
from articles.dispatch import wait_for_pending
from articles.models import Article

from .adminforms import article_form_data
from .factories import ArticleFactory, image_bytes, image_upload
from .s3server import seaweedfs
from .servers import ROOT, site_env
from .test_admin import article_form
from .test_images import assert_form_kept, typed

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")
_anonymous = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


def production_env(tmp_path, **extra) -> dict:
    env = site_env("sqlite:///" + str(tmp_path / "unused.sqlite3"), tmp_path)
    env = {k: v for k, v in env.items() if not k.startswith("MEDIA_")}
    env.update(extra)
    return env


def settings_from(env: dict) -> dict:
    """STORAGES["default"] and MEDIA_URL as gbanews/settings.py makes them from env."""
    code = (
        "import json, gbanews.settings as s; print(json.dumps("
        "{'storage': s.STORAGES['default'], 'media_url': s.MEDIA_URL}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)


def use_media_settings(settings, found: dict) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": found["storage"]}
    settings.MEDIA_URL = found["media_url"]


@pytest.fixture(scope="module")
def s3_settings(s3, tmp_path_factory):
    return settings_from(production_env(tmp_path_factory.mktemp("env"), **s3.env()))


@pytest.fixture
def bucket(s3, s3_settings, settings):
    """Store media in the bucket for one test; empty it afterwards."""
    use_media_settings(settings, s3_settings)
    client = s3.client
    assert keys(s3) == []
    yield s3
    for key in keys(s3):
        client.delete_object(Bucket=s3.bucket, Key=key)
    # Nothing reached the file system on the way.
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def keys(s3) -> list[str]:
    """Every object in the bucket, listed with the key pair."""
    pages = s3.client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def fetch(url: str):
    """GET url as an anonymous reader: (status, Content-Type, body)."""
    try:
        with _anonymous.open(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def decoded(body: bytes) -> tuple[str, tuple[int, int]]:
    with Image.open(io.BytesIO(body)) as image:
        return image.format, image.size


@contextlib.contextmanager
def requests_to_the_bucket():
    """Yield the list of requests the media storage's client sends meanwhile."""
    sent = []
    events = storages["default"].connection.meta.client.meta.events

    def record(request, **kwargs):
        sent.append(f"{request.method} {request.url}")

    events.register("before-send.s3", record)
    try:
        yield sent
    finally:
        events.unregister("before-send.s3", record)


def publish_with_image(client, upload, **fields):
    """Add a published article with upload as its image through the admin."""
    data = article_form(image=upload, image_alt="A crane at Yantian port", **fields)
    response = client.post(ADD_URL, data)
    assert response.status_code == HTTPStatus.FOUND, response.context and (
        response.context["adminform"].form.errors
    )
    return Article.objects.get(title=data["title"])


def change_image(client, article, **fields):
    data = article_form_data(client, article)
    data.update(fields)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    return article


class RecordingS3Storage(S3Storage):
    """The bucket's storage, recording which thread saved each object."""

    saves: list = []

    def _save(self, name, content):
        RecordingS3Storage.saves.append((threading.current_thread().name, name))
        return super()._save(name, content)


# --- Settings ------------------------------------------------------------------


def test_environment_chooses_the_bucket_and_its_public_urls(s3, s3_settings, bucket):
    storage = s3_settings["storage"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == s3.bucket
    assert options["endpoint_url"] == s3.endpoint
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert options["object_parameters"] == {
        "CacheControl": "public, max-age=31536000, immutable"
    }
    assert s3_settings["media_url"] == s3.public_url + "/"
    assert isinstance(storages["default"], S3Storage)
    assert default_storage.url("articles/2026/01/a b.jpg") == (
        s3.public_url + "/articles/2026/01/a%20b.jpg"
    )


def test_a_public_url_puts_the_cdn_in_object_urls(s3, tmp_path, settings):
    env = production_env(
        tmp_path,
        **s3.env(),
        MEDIA_PUBLIC_URL="https://cdn.example.com/media/",
        MEDIA_S3_CACHE_CONTROL="public, max-age=600",
    )
    found = settings_from(env)
    assert found["media_url"] == "https://cdn.example.com/media/"
    assert found["storage"]["OPTIONS"]["object_parameters"] == {
        "CacheControl": "public, max-age=600"
    }
    use_media_settings(settings, found)
    assert default_storage.url("renditions/x.jpg.320w.webp") == (
        "https://cdn.example.com/media/renditions/x.jpg.320w.webp"
    )


def test_without_a_bucket_media_stay_on_the_file_system(tmp_path):
    assert settings_from(production_env(tmp_path)) == {
        "storage": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "media_url": "/media/",
    }


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"MEDIA_S3_BUCKET": "media", "MEDIA_S3_ACCESS_KEY_ID": "key"},
            "MEDIA_S3_BUCKET is set but MEDIA_S3_SECRET_ACCESS_KEY is not",
        ),
        (
            {"MEDIA_S3_BUCKET": "media"},
            "MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY are not",
        ),
        (
            {"MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:8333"},
            "MEDIA_S3_ENDPOINT_URL set without MEDIA_S3_BUCKET",
        ),
        (
            {
                "MEDIA_S3_BUCKET": "media",
                "MEDIA_S3_ACCESS_KEY_ID": "key",
                "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
                "MEDIA_PUBLIC_URL": "cdn.example.com",
            },
            "MEDIA_PUBLIC_URL must be an http:// or https:// URL",
        ),
        (
            {
                "MEDIA_S3_BUCKET": "media",
                "MEDIA_S3_ACCESS_KEY_ID": "key",
                "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
                "DJANGO_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            },
            "Set either MEDIA_S3_BUCKET or DJANGO_STORAGE_BACKEND, not both.",
        ),
    ],
    ids=["no-secret", "no-keys", "no-bucket", "bad-public-url", "two-backends"],
)
def test_half_configured_bucket_is_refused_at_start(tmp_path, variables, message):
    with pytest.raises(RuntimeError) as refused:
        settings_from(production_env(tmp_path, **variables))
    assert "django.core.exceptions.ImproperlyConfigured: " in str(refused.value)
    assert message in str(refused.value)


# --- Uploads, pages, replacing and deleting --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_upload_writes_the_original_and_a_task_the_renditions_as_public_objects(
    client, editor, bucket, settings
):
    settings.CELERY_BROKER_URL = ""
    recording = copy.deepcopy(settings.STORAGES["default"])
    recording["BACKEND"] = f"{__name__}.RecordingS3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": recording}
    RecordingS3Storage.saves = []
    client.force_login(editor)
    article = publish_with_image(
        client, image_upload("yantian.jpg", width=1500, height=1000)
    )
    assert wait_for_pending(60)
    # The editor's request wrote the original; the task wrote the renditions.
    threads = [thread for thread, _name in RecordingS3Storage.saves]
    assert threads == ["MainThread"] + ["gbanews-tasks"] * (4 * 2)
    article.refresh_from_db()
    meta = article.image_renditions
    assert meta["widths"] == [320, 640, 960, 1280]
    assert article.image.name.startswith("articles/")
    assert keys(bucket) == sorted(images.stored_names(meta))
    assert len(keys(bucket)) == 1 + 4 * 2
    head = bucket.client.head_object(
        Bucket=bucket.bucket, Key=images.rendition_name(article.image.name, 640, "webp")
    )
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    status, content_type, body = fetch(article.image.url)
    assert (status, content_type) == (HTTPStatus.OK, "image/jpeg")
    assert decoded(body) == ("JPEG", (1500, 1000))
    assert meta["bytes"] == len(body)


def test_a_bucket_refusing_the_upload_keeps_the_form_and_saves_nothing(
    client, editor, bucket, settings
):
    refusing = copy.deepcopy(settings.STORAGES["default"])
    refusing["OPTIONS"]["secret_key"] = "not-the-secret"
    settings.STORAGES = {**settings.STORAGES, "default": refusing}
    client.force_login(editor)
    data = typed(image=image_upload("centre.jpg", width=700, height=400))
    response = client.post(ADD_URL, data)
    assert_form_kept(response, data, "the media storage refused the file")
    assert not Article.objects.exists()
    assert keys(bucket) == []


def test_an_upload_never_overwrites_an_object_of_the_same_name(client, editor, bucket):
    client.force_login(editor)
    first = publish_with_image(client, image_upload("photo.jpg"), title="First")
    second = publish_with_image(client, image_upload("photo.jpg"), title="Second")
    assert first.image.name != second.image.name
    assert keys(bucket) == sorted(
        images.stored_names(first.image_renditions)
        + images.stored_names(second.image_renditions)
    )


def test_pages_and_feeds_carry_bucket_urls_that_serve_the_images(
    client, editor, bucket
):
    client.force_login(editor)
    article = publish_with_image(
        client, image_upload("crane.png", image_bytes(700, 350, "PNG"))
    )
    call_command("make_renditions", stdout=io.StringIO())
    article.refresh_from_db()
    client.logout()
    public = bucket.public_url + "/"
    with requests_to_the_bucket() as sent:
        response = client.get(article.get_absolute_url())
        archive = client.get("/category/innovation/").content.decode()
        feed = feedparser.parse(client.get("/feed/").content)
    assert sent == []  # URLs and sizes come from the row, not from the bucket
    with requests_to_the_bucket() as sent:
        assert default_storage.exists(article.image.name)
    assert [request.split()[0] for request in sent] == ["HEAD"]  # it does see them
    html = response.content.decode()
    # A bucket on plain http (here, and `make s3-server`) is let through the CSP.
    assert (
        f"img-src 'self' {bucket.endpoint} https: data:"
        in (response["Content-Security-Policy"])
    )

    picture = re.search(r"<picture>.*?</picture>", html, re.DOTALL).group(0)
    srcset_urls = [
        url
        for srcset in re.findall(r'srcset="([^"]+)"', picture)
        for url in re.findall(r"(\S+) \d+w", unescape(srcset))
    ]
    src = unescape(re.search(r' src="([^"]+)"', picture).group(1))
    assert len(srcset_urls) == 2 * 3  # 320, 640 and 700 wide, WebP and PNG
    assert all(url.startswith(public) for url in [*srcset_urls, src])
    og_image = unescape(re.search(r'property="og:image" content="([^"]+)"', html)[1])
    assert og_image == public + article.image.name
    ld_json = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    assert json.loads(ld_json.group(1))["image"] == [og_image]

    for url in {*srcset_urls, src, og_image}:
        status, content_type, body = fetch(url)
        assert status == HTTPStatus.OK, url
        format_ = images.FORMATS.get(decoded(body)[0])
        # An opaque PNG's renditions fall back to JPEG.
        assert format_ and url.endswith("." + format_[0])
        assert content_type == format_[1]

    assert f'srcset="{public}renditions/{article.image.name}.320w.webp 320w' in archive
    [enclosure] = feed.entries[0].enclosures
    assert enclosure.href == public + article.image.name
    assert int(enclosure.length) == article.image_renditions["bytes"]
    assert fetch(enclosure.href)[0] == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)
def test_replacing_and_clearing_the_image_leave_no_object_behind(
    client, editor, bucket, settings
):
    settings.CELERY_BROKER_URL = ""
    client.force_login(editor)
    article = publish_with_image(
        client, image_upload("first.jpg", width=700, height=400)
    )
    assert wait_for_pending(60)
    first_url = article.image.url
    first = keys(bucket)
    assert len(first) == 1 + 3 * 2
    article = change_image(
        client, article, image=image_upload("second.jpg"), image_alt="Second"
    )
    assert wait_for_pending(60)
    article.refresh_from_db()
    assert "second" in article.image.name
    assert article.image_renditions["widths"] == [64]
    assert keys(bucket) == sorted(images.stored_names(article.image_renditions))
    assert set(keys(bucket)).isdisjoint(first)
    assert fetch(first_url)[0] == HTTPStatus.NOT_FOUND
    article = change_image(client, article, **{"image-clear": "on"})
    assert not article.image
    assert wait_for_pending(60)
    assert keys(bucket) == []


def test_purging_an_article_deletes_its_objects(
    client, editor, bucket, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    gone = publish_with_image(client, image_upload("gone.jpg"), title="Gone")
    kept = publish_with_image(client, image_upload("kept.jpg"), title="Kept")
    call_command("make_renditions", stdout=io.StringIO())
    kept.refresh_from_db()

    def action(name, **extra):
        data = {"action": name, "_selected_action": [gone.pk], **extra}
        return client.post(CHANGELIST + "?trash=all", data)

    action("move_to_trash")
    # In the trash the article may come back: its objects stay.
    assert len(keys(bucket)) == 2 * 3
    with django_capture_on_commit_callbacks(execute=True):
        action("purge", confirm="yes")
    assert not Article.objects.filter(pk=gone.pk).exists()
    # A task deletes the objects, off the request.
    assert wait_for_pending(60)
    assert keys(bucket) == sorted(images.stored_names(kept.image_renditions))


def test_make_renditions_on_the_bucket_leaves_no_stale_object(bucket, settings):
    article = ArticleFactory(
        image=image_upload("wide.jpg", width=1000, height=500), image_alt="Wide"
    )
    call_command("make_renditions", stdout=io.StringIO())
    before = set(keys(bucket))
    settings.IMAGE_RENDITION_WIDTHS = [480, 800]
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "Made the renditions of 1 image(s)." in out.getvalue()
    article.refresh_from_db()
    assert article.image_renditions["widths"] == [480, 800]
    assert keys(bucket) == sorted(images.stored_names(article.image_renditions))
    assert before - set(keys(bucket)) == {
        images.rendition_name(article.image.name, w, ext)
        for w in (320, 640, 960, 1000)
        for ext in ("webp", "jpg")
    }
    status, _, body = fetch(bucket.public_url + "/" + keys(bucket)[-1])
    assert status == HTTPStatus.OK
    assert decoded(body)[1] == (800, 400)


def test_make_renditions_reports_an_original_missing_from_the_bucket(bucket):
    article = ArticleFactory(image=image_upload(), image_alt="x")
    bucket.client.delete_object(Bucket=bucket.bucket, Key=article.image.name)
    err = io.StringIO()
    call_command("make_renditions", stdout=io.StringIO(), stderr=err)
    assert f"the original {article.image.name} is missing" in err.getvalue()
