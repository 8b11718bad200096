"""Featured images: validation by decoding, metadata stripping, renditions, clean-up."""

import contextlib
import ctypes
import io
import json
import os
import re
import shutil
import subprocess
import threading
from html import unescape
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from PIL import ExifTags, Image

from articles import images
from articles.dispatch import wait_for_pending
from articles.images import upload_name
from articles.models import Article

from .factories import ArticleFactory, image_bytes, image_upload
from .test_admin import article_form

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


@pytest.fixture(scope="session")
def bomb_png():
    """A real 20000 × 20000 1-bit PNG: 48 KB on disk, 400 megapixels decoded."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def stored_files(settings):
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()
    )


def make_renditions():
    """Run `manage.py make_renditions`: the task's work, in the test's transaction."""
    out = io.StringIO()
    call_command("make_renditions", stdout=out, stderr=out)
    return out.getvalue()


def upload(client, upload_file, alt="A robot arm in a Nanshan lab", url=ADD_URL):
    return client.post(url, article_form(image=upload_file, image_alt=alt))


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Acme Phones"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (22.0, 32.0, 36.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (114.0, 3.0, 0.0),
    }
    return exif


def truncated_jpeg():
    data = image_bytes(400, 300, "JPEG")
    return data[: len(data) // 2]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"Just some text, not a photo.\n" * 20, "not an image"),
        ("logo.svg", SVG, "SVG images are not accepted"),
        ("logo.png", SVG.replace(b'<?xml version="1.0"?>', b""), "SVG images"),
        ("cut.jpg", truncated_jpeg(), "truncated or damaged"),
        ("anim.bmp", image_bytes(20, 20, "BMP"), "BMP images are not accepted"),
        ("tiny.jpg", b"", "The submitted file is empty"),
    ],
)
def test_bad_upload_gets_a_clear_form_error(
    client, editor, settings, name, content, message
):
    client.force_login(editor)
    response = upload(client, image_upload(name, content))
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors["image"]
    assert message in " ".join(errors)
    assert not Article.objects.exists()
    assert stored_files(settings) == []


def test_decompression_bomb_is_a_form_error_not_a_crash(
    client, editor, settings, bomb_png
):
    assert Image.MAX_IMAGE_PIXELS is not None  # Pillow's own guard is on
    client.force_login(editor)
    response = upload(client, image_upload("bomb.png", bomb_png))
    assert response.status_code == HTTPStatus.OK
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert "too many pixels" in errors
    assert stored_files(settings) == []


def test_pixel_limit_comes_from_settings(client, editor, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    client.force_login(editor)
    response = upload(client, image_upload(width=200, height=100))
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert "200 × 100 pixels" in errors
    assert "10000 pixels" in errors


def test_byte_limit_comes_from_settings(client, editor, settings):
    content = image_bytes(300, 300, "PNG")
    settings.IMAGE_MAX_BYTES = len(content) - 1
    client.force_login(editor)
    response = upload(client, image_upload("big.png", content))
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert f"is {len(content)} bytes; the limit is {len(content) - 1} bytes" in errors
    assert not Article.objects.exists()


def test_image_needs_alt_text(client, editor, settings):
    client.force_login(editor)
    response = upload(client, image_upload(), alt="  ")
    assert "image_alt" in response.context["adminform"].form.errors
    assert stored_files(settings) == []


def test_gps_exif_is_stripped_and_orientation_applied(client, editor, settings):
    client.force_login(editor)
    content = image_bytes(300, 200, "JPEG", exif=gps_exif(orientation=6))
    assert b"Acme Phones" in content
    response = upload(client, image_upload("IMG_0001.jpg", content))
    assert response.status_code == HTTPStatus.FOUND
    article = Article.objects.get()
    stored = (settings.MEDIA_ROOT / article.image.name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (200, 300)  # orientation 6: rotated a quarter turn
        assert not image.getexif()
        assert "exif" not in image.info
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in stored
    assert b"Acme Phones" not in stored


def test_original_is_stored_once_under_its_real_format(client, editor, settings):
    client.force_login(editor)
    upload(client, image_upload("photo.jpg", image_bytes(100, 80, "PNG")))
    article = Article.objects.get()
    assert article.image.name.endswith("/photo.png")
    originals = [name for name in stored_files(settings) if name.startswith("art")]
    assert originals == [article.image.name]


def test_renditions_have_the_configured_widths_in_webp_and_jpeg(
    client, editor, settings
):
    client.force_login(editor)
    upload(client, image_upload(content=image_bytes(1500, 1000, "JPEG")))
    article = Article.objects.get()
    name = article.image.name
    # The request stored and recorded the original alone.
    assert stored_files(settings) == [name]
    assert article.image_renditions == {
        "name": name,
        "width": 1500,
        "height": 1000,
        "bytes": (settings.MEDIA_ROOT / name).stat().st_size,
    }
    make_renditions()
    article.refresh_from_db()
    assert article.image_renditions["widths"] == [320, 640, 960, 1280]
    for width in (320, 640, 960, 1280):
        for ext, format_ in (("webp", "WEBP"), ("jpg", "JPEG")):
            path = settings.MEDIA_ROOT / f"renditions/{name}.{width}w.{ext}"
            with Image.open(path) as image:
                assert image.format == format_
                assert image.size == (width, round(1000 * width / 1500))
                assert not image.getexif()
    assert len(stored_files(settings)) == 1 + 4 * 2


def test_renditions_are_never_upscaled_and_keep_transparency(client, editor, settings):
    client.force_login(editor)
    content = image_bytes(500, 400, "PNG", mode="RGBA")
    upload(client, image_upload("chart.png", content))
    make_renditions()
    article = Article.objects.get()
    assert article.image_renditions["widths"] == [320, 500]
    assert article.image_renditions["fallback"] == "png"
    name = article.image.name
    with Image.open(settings.MEDIA_ROOT / f"renditions/{name}.500w.png") as image:
        assert image.size == (500, 400)
        assert image.mode == "RGBA"
    with Image.open(settings.MEDIA_ROOT / f"renditions/{name}.320w.webp") as image:
        assert image.size == (320, 256)
    assert not any("1280w" in name for name in stored_files(settings))


@pytest.mark.parametrize(
    ("format_", "mode"), [("WEBP", "RGB"), ("GIF", "P"), ("JPEG", "CMYK")]
)
def test_every_accepted_format_is_stored_and_rendered(
    client, editor, settings, format_, mode
):
    client.force_login(editor)
    response = upload(
        client, image_upload("pic.img", image_bytes(700, 350, format_, mode=mode))
    )
    assert response.status_code == HTTPStatus.FOUND
    make_renditions()
    article = Article.objects.get()
    assert article.image_renditions["widths"] == [320, 640, 700]
    assert len(stored_files(settings)) == 1 + 3 * 2


@pytest.mark.django_db(transaction=True)
def test_replacing_an_image_leaves_no_orphan_files(client, editor, settings):
    client.force_login(editor)
    upload(client, image_upload("first.jpg", width=700, height=400))
    assert wait_for_pending(30)
    article = Article.objects.get()
    first = stored_files(settings)
    assert len(first) == 1 + 3 * 2
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form(image=image_upload("second.jpg"), image_alt="Second")
    data["categories"] = [c.pk for c in article.categories.all()]
    data["base_version"] = article.version
    response = client.post(change_url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert wait_for_pending(30)
    article.refresh_from_db()
    assert "second" in article.image.name
    remaining = stored_files(settings)
    assert set(remaining).isdisjoint(first)
    assert remaining == sorted(
        [article.image.name]
        + [f"renditions/{article.image.name}.64w.{ext}" for ext in ("jpg", "webp")]
    )


def test_clearing_an_image_removes_its_files(
    client, editor, settings, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_upload())
    make_renditions()
    article = Article.objects.get()
    # The original and its renditions: all of them must go.
    assert article.image_renditions["widths"]
    assert stored_files(settings) == sorted(
        images.stored_names(article.image_renditions)
    )
    data = article_form(**{"image-clear": "on", "image_alt": ""})
    data["categories"] = [c.pk for c in article.categories.all()]
    data["base_version"] = article.version
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url, data)
    assert response.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert not article.image
    assert article.image_renditions == {}
    # The files are deleted by a task, off the request.
    assert wait_for_pending(30)
    assert stored_files(settings) == []


def test_deleting_articles_removes_their_files(
    settings, django_capture_on_commit_callbacks
):
    one = ArticleFactory(image=image_upload("one.jpg"), image_alt="One")
    ArticleFactory(image=image_upload("two.jpg"), image_alt="Two")
    ArticleFactory()
    make_renditions()
    one.refresh_from_db()
    assert len(stored_files(settings)) == 2 * 3
    with django_capture_on_commit_callbacks(execute=True):
        one.delete()
    assert wait_for_pending(30)
    assert len(stored_files(settings)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.all().delete()
    assert wait_for_pending(30)
    assert stored_files(settings) == []


def test_files_stay_when_the_transaction_rolls_back(settings):
    """Old files go only once the change is committed: nothing is lost on rollback."""
    article = ArticleFactory(image=image_upload("keep.jpg"), image_alt="Keep")
    before = stored_files(settings)
    article.delete()  # the test's transaction never commits
    assert stored_files(settings) == before


def srcset_widths(srcset):
    return [int(w) for w in re.findall(r" (\d+)w", srcset)]


def test_archive_emits_picture_with_srcset_sizes_and_lazy_loading(
    client, category, settings
):
    for i in range(3):
        ArticleFactory(
            categories=[category],
            image=image_upload(f"p{i}.jpg", width=1000, height=500),
            image_alt=f"Photo {i}",
        )
    make_renditions()
    response = client.get("/category/innovation/")
    html = response.content.decode()
    pictures = re.findall(r"<picture>.*?</picture>", html, re.DOTALL)
    assert len(pictures) == 3
    for position, picture in enumerate(pictures):
        source = re.search(r'<source type="image/webp" srcset="([^"]+)"', picture)
        assert srcset_widths(source.group(1)) == [320, 640, 960, 1000]
        img = re.search(r"<img [^>]+>", picture).group(0)
        assert srcset_widths(re.search(r'srcset="([^"]+)"', img).group(1)) == [
            320,
            640,
            960,
            1000,
        ]
        assert 'sizes="(min-width: 40rem) 40rem, 100vw"' in img
        assert 'width="1000" height="500"' in img
        assert 'alt="Photo ' in img
        assert ".1000w.jpg" in re.search(r' src="([^"]+)"', img).group(1)
        expected = "eager" if position == 0 else "lazy"
        assert f'loading="{expected}"' in img


def test_article_page_image_is_eager_with_dimensions(client, settings):
    article = ArticleFactory(
        image=image_upload("wide.jpg", width=2000, height=1000), image_alt="Wide"
    )
    make_renditions()
    html = client.get(article.get_absolute_url()).content.decode()
    img = re.search(r"<img [^>]+>", html).group(0)
    assert 'loading="eager"' in img
    assert 'fetchpriority="high"' in img
    assert 'width="1280" height="640"' in img
    assert 'sizes="(min-width: 60rem) 60rem, 100vw"' in img
    assert srcset_widths(re.search(r'srcset="([^"]+)"', img).group(1)) == [
        320,
        640,
        960,
        1280,
    ]


def test_missing_rendition_files_do_not_break_pages(client, category, settings):
    article = ArticleFactory(
        categories=[category], image=image_upload(), image_alt="Gone"
    )
    for path in settings.MEDIA_ROOT.rglob("*"):
        if path.is_file():
            path.unlink()
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
    assert client.get("/category/innovation/").status_code == HTTPStatus.OK
    # Pages never regenerate renditions; they are made on save only.
    assert stored_files(settings) == []


def test_image_without_renditions_shows_the_original_alone(client, category):
    """Until the task has run, pages name no rendition, only the original."""
    article = ArticleFactory(
        categories=[category],
        image=image_upload(width=300, height=200),
        image_alt="New",
    )
    assert "widths" not in Article.objects.get().image_renditions
    for url in (article.get_absolute_url(), "/category/innovation/"):
        html = client.get(url).content.decode()
        img = re.search(r"<img [^>]*alt=\"New\"[^>]*>", html).group(0)
        assert f'src="/media/{article.image.name}"' in img
        assert 'width="300" height="200"' in img
        assert "renditions/" not in html
        assert "<picture>" not in html
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'property="og:image" content="https://gba.example.com/media/{article.image.name}"'
        in html
    )


def test_image_recorded_before_sizes_were_falls_back_to_the_original(client):
    article = ArticleFactory(image=image_upload(), image_alt="Old")
    Article.objects.filter(pk=article.pk).update(image_renditions={})
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'src="/media/{article.image.name}"' in html


def test_archive_query_count_does_not_grow_with_images(client, category, settings):
    settings.ARTICLES_PER_PAGE = 20
    ArticleFactory.create_batch(3, categories=[category])

    def queries():
        cache.clear()  # every entry rendered from the database
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/category/innovation/").status_code == HTTPStatus.OK
        return len(captured)

    without_images = queries()
    for i in range(5):
        ArticleFactory(
            categories=[category], image=image_upload(f"{i}.jpg"), image_alt="x"
        )
    assert queries() == without_images


def test_make_renditions_follows_changed_widths(settings):
    article = ArticleFactory(image=image_upload(width=1000, height=500), image_alt="x")
    make_renditions()
    settings.IMAGE_RENDITION_WIDTHS = [480, 800]
    assert "Made the renditions of 1 image(s)." in make_renditions()
    article.refresh_from_db()
    assert article.image_renditions["widths"] == [480, 800]
    name = article.image.name
    assert stored_files(settings) == sorted(
        [name]
        + [
            f"renditions/{name}.{w}w.{ext}"
            for w in (480, 800)
            for ext in ("jpg", "webp")
        ]
    )


def test_make_renditions_reports_a_missing_original(settings):
    article = ArticleFactory(image=image_upload(), image_alt="x")
    (settings.MEDIA_ROOT / article.image.name).unlink()
    out = make_renditions()
    assert f"the original {article.image.name} is missing or unreadable" in out
    assert "Made the renditions of 0 image(s)." in out


def test_sixteen_bit_greyscale_keeps_its_tones(client, editor, settings):
    grey = Image.new("I;16", (40, 30), 32768)  # middle grey in 16 bits
    out = io.BytesIO()
    grey.save(out, "PNG")
    client.force_login(editor)
    upload(client, image_upload("scan.png", out.getvalue()))
    with Image.open(settings.MEDIA_ROOT / Article.objects.get().image.name) as image:
        assert image.mode == "L"
        assert image.getpixel((0, 0)) == 128


def test_editing_other_fields_keeps_the_image_files(
    client, editor, settings, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_upload())
    make_renditions()
    article = Article.objects.get()
    before = stored_files(settings)
    assert len(before) > 1  # the original and its renditions
    data = article_form(title="A new title", image_alt="A better description")
    data["categories"] = [c.pk for c in article.categories.all()]
    data["base_version"] = article.version
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert wait_for_pending(30)
    article.refresh_from_db()
    assert article.title == "A new title"
    assert stored_files(settings) == before
    assert article.image_renditions["name"] == article.image.name


# --- Stored names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "format_", "stored"),
    [
        ("photo.php.jpg", "JPEG", "photo-php.jpg"),
        ("x.jpg", "PNG", "x.png"),
        ("Harbour View 2024.JPEG", "JPEG", "harbour-view-2024.jpg"),
        (".htaccess.png", "PNG", "htaccess.png"),
        ("shell.php%00.gif", "GIF", "shell-php00.gif"),
        ("深圳.png", "PNG", "image.png"),
        ("café.webp", "WEBP", "cafe.webp"),
        (".jpg", "JPEG", "jpg.jpg"),
    ],
)
def test_upload_name_has_one_extension_the_real_formats(name, format_, stored):
    assert upload_name(name, format_) == stored


def test_double_extension_upload_is_stored_under_one_extension(
    client, editor, settings
):
    client.force_login(editor)
    upload(client, image_upload("photo.php.jpg", image_bytes(100, 80, "PNG")))
    article = Article.objects.get()
    original = article.image.name.rsplit("/", 1)[1]
    assert original == "photo-php.png"
    assert ".php" not in "".join(stored_files(settings))


# --- When the storage fails -------------------------------------------------

CAP_DAC_OVERRIDE = 1


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        (field, ctypes.c_uint32) for field in ("effective", "permitted", "inheritable")
    ]


@contextlib.contextmanager
def _without_dac_override():
    """Make root obey file permissions in this thread, as a web server's user does.

    Root writes into a folder whatever its mode (CAP_DAC_OVERRIDE). Lowering that
    capability in the effective set of the calling thread (the one the test
    client runs the view in) makes the permission check real; it is raised
    again from the permitted set afterwards.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        pytest.skip("capget failed: cannot make root obey file permissions")
    saved = data[0].effective
    data[0].effective = saved & ~(1 << CAP_DAC_OVERRIDE)
    if libc.capset(ctypes.byref(header), data) != 0:
        pytest.skip("capset failed: cannot make root obey file permissions")
    try:
        yield
    finally:
        data[0].effective = saved
        assert libc.capset(ctypes.byref(header), data) == 0


@contextlib.contextmanager
def unwritable(folder):
    """folder with mode 0o500: the server may read it but not write in it."""
    folder.mkdir(parents=True, exist_ok=True)
    mode = folder.stat().st_mode
    folder.chmod(0o500)
    try:
        if os.geteuid() == 0:
            with _without_dac_override():
                yield
        else:
            yield
    finally:
        folder.chmod(mode)


@contextlib.contextmanager
def small_disk(folder, size):
    """A real file system of size bytes (tmpfs) on folder: writing past it is ENOSPC."""
    mount = shutil.which("mount")
    if os.geteuid() != 0 or not mount:
        pytest.skip("mounting a small file system needs root and mount(8)")
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        pytest.skip(f"cannot mount a tmpfs: {result.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def noise_png(width=600, height=400):
    """A PNG that does not compress: its re-encoded original is about 700 KB."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def all_files(root):
    """Every file under root, however it is named or whatever its size."""
    return sorted(str(path) for path in root.rglob("*") if path.is_file())


def assert_form_kept(response, data, reason):
    """The add/change form came back with the reason on the image field, as typed."""
    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    assert list(form.errors) == ["image"]
    message = " ".join(form.errors["image"])
    assert f"The image could not be stored: {reason}. Nothing was saved." in message
    html = response.content.decode()
    assert "The image could not be stored" in html
    for field in ("title", "lead", "body", "image_alt"):
        assert form[field].value() == data[field]
        assert escape(data[field]) in html
    assert form["tags"].value() == data["tags"]


def typed(**overrides):
    return article_form(
        title="Qianhai opens a chip design centre",
        lead="A chip design centre opened in Qianhai on Monday.",
        body="<p>Forty engineers start there this month.</p>",
        image_alt="The centre's glass front at dusk",
        **overrides,
    )


def test_unwritable_media_keeps_the_form_and_saves_nothing(client, editor, settings):
    client.force_login(editor)
    data = typed(image=image_upload("centre.jpg", width=700, height=400))
    with unwritable(settings.MEDIA_ROOT):
        response = client.post(ADD_URL, data)
    assert_form_kept(response, data, "the server may not write to the media storage")
    assert not Article.objects.exists()
    assert all_files(settings.MEDIA_ROOT) == []


def test_unwritable_renditions_folder_keeps_the_original_alone(client, settings):
    """The task fails (and would be retried); the page keeps showing the original."""
    article = ArticleFactory(image=image_upload(width=700, height=400), image_alt="x")
    with unwritable(settings.MEDIA_ROOT / "renditions"):
        out = make_renditions()
    assert f"{article.image.name}: [Errno 13] Permission denied" in out
    assert all_files(settings.MEDIA_ROOT) == [
        str(settings.MEDIA_ROOT / article.image.name)
    ]
    assert "widths" not in Article.objects.get().image_renditions
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'src="/media/{article.image.name}"' in html


def test_full_disk_keeps_the_form_and_leaves_no_partial_file(client, editor, settings):
    """The write stops part way (ENOSPC); the truncated file is removed too."""
    content = noise_png()
    size = 16 * 4096
    client.force_login(editor)
    data = typed(image=image_upload("centre.png", content))
    with small_disk(settings.MEDIA_ROOT, size):
        response = client.post(ADD_URL, data)
        left = all_files(settings.MEDIA_ROOT)
    assert_form_kept(response, data, "the media storage is full")
    assert not Article.objects.exists()
    assert left == []


def test_failed_image_on_edit_keeps_the_stored_article_and_its_files(
    client, editor, settings, category
):
    article = ArticleFactory(
        categories=[category],
        image=image_upload("old.jpg", width=700, height=400),
        image_alt="The old photo",
    )
    before = stored_files(settings)
    stored = Article.objects.values().get(pk=article.pk)
    client.force_login(editor)
    data = typed(image=image_upload("new.jpg", width=700, height=400))
    data["categories"] = [category.pk]
    data["base_version"] = article.version
    data["language"] = article.language_id
    folder = (settings.MEDIA_ROOT / article.image.name).parent
    with unwritable(folder):
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]), data
        )
    assert_form_kept(response, data, "the server may not write to the media storage")
    assert Article.objects.values().get(pk=article.pk) == stored
    assert stored_files(settings) == before
    # The editor saves again without the image: the text goes in, the old image stays.
    data.pop("image")
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.title == data["title"]
    assert article.image.name == stored["image"]


class ObjectStoreError(Exception):
    """An object-storage client's own exception: not an OSError."""


class RefusingStorage(FileSystemStorage):
    """Stands in for an object store that fails part way through an upload.

    No object store runs here, so this is the one failure the tests fake. The
    save numbered fail_on is half written before the exception.
    """

    saves = 0
    fail_on = 1

    def _save(self, name, content):
        RefusingStorage.saves += 1
        if RefusingStorage.saves == RefusingStorage.fail_on:
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.read()[:100])
            raise ObjectStoreError("503 Slow Down")
        return super()._save(name, content)


def test_any_storage_exception_keeps_the_form_and_removes_what_was_written(
    client, editor, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RefusingStorage"},
    }
    RefusingStorage.saves, RefusingStorage.fail_on = 0, 1
    client.force_login(editor)
    data = typed(image=image_upload("centre.jpg", width=700, height=400))
    response = client.post(ADD_URL, data)
    assert RefusingStorage.saves == 1
    assert_form_kept(response, data, "the media storage refused the file")
    assert not Article.objects.exists()
    assert all_files(settings.MEDIA_ROOT) == []


def test_failure_after_the_image_was_stored_removes_its_files(client, editor, settings):
    """A database error later in the same save (here a trigger refusing the
    revision row) rolls the article back; its new files go with it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON reversion_version "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON reversion_version "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
    client.force_login(editor)
    with pytest.raises(DatabaseError, match="refused by the test"):
        client.post(ADD_URL, typed(image=image_upload("centre.jpg")))
    assert all_files(settings.MEDIA_ROOT) == []


# --- Uploads over the limit -------------------------------------------------


def test_upload_over_the_request_limit_gets_a_readable_413_page(client, editor):
    """The default limits, in MB, on an HTML page rather than a bare status."""
    client.force_login(editor)
    content = b"\xff\xd8" + os.urandom(13 * 1024 * 1024)
    response = client.post(ADD_URL, typed(image=image_upload("huge.jpg", content)))
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1>Upload too large</h1>" in html
    assert "What you sent is 13.0\xa0MB" in html
    assert "at most 12.0\xa0MB at once" in html
    assert "A featured image may be up to 10.0\xa0MB" in html
    assert not Article.objects.exists()


def test_article_form_checks_the_image_size_before_sending(client, editor, settings):
    settings.MAX_REQUEST_BYTES = 5 * 1024 * 1024  # leaves 3 MB for the image
    client.force_login(editor)
    html = client.get(ADD_URL).content.decode()
    assert '<script src="/static/js/upload_limit.js"></script>' in html
    image_input = re.search(r'<input type="file" name="image"[^>]*>', html).group(0)
    assert f'data-max-bytes="{3 * 1024 * 1024}"' in image_input
    assert "the limit is 3.0\xa0MB. Choose a smaller one." in unescape(image_input)
    assert "{size}" in image_input


# --- Renditions made by the task --------------------------------------------


class TaskStorage(FileSystemStorage):
    """The file system, recording which thread wrote what, with two hooks.

    A task thread waits for ``gate`` before it reads an original, so that a test
    sees the site before the renditions exist; ``on_rendition`` runs once before
    the first rendition is written (an editor acting meanwhile).
    """

    saves: list = []
    gate = threading.Event()
    on_rendition = None

    def _open(self, name, mode="rb"):
        if threading.current_thread().name == "gbanews-tasks":
            assert TaskStorage.gate.wait(30)
        return super()._open(name, mode)

    def _save(self, name, content):
        TaskStorage.saves.append((threading.current_thread().name, name))
        if name.startswith("renditions/") and TaskStorage.on_rendition:
            hook, TaskStorage.on_rendition = TaskStorage.on_rendition, None
            hook()
        return super()._save(name, content)


@pytest.fixture
def task_storage(settings):
    settings.CELERY_BROKER_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.TaskStorage"},
    }
    TaskStorage.saves, TaskStorage.on_rendition = [], None
    TaskStorage.gate = threading.Event()
    yield TaskStorage
    TaskStorage.gate.set()
    assert wait_for_pending(30)


def change(client, article, **fields):
    data = article_form(**fields)
    data["categories"] = [c.pk for c in article.categories.all()]
    data["base_version"] = article.version
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.post(url, data).status_code == HTTPStatus.FOUND


@pytest.mark.django_db(transaction=True)
def test_upload_stores_the_original_and_a_task_adds_renditions_to_cached_pages(
    client, editor, settings, task_storage
):
    settings.PAGE_CACHE_SECONDS = 300
    client.force_login(editor)
    response = upload(client, image_upload("bay.jpg", width=700, height=400))
    assert response.status_code == HTTPStatus.FOUND
    article = Article.objects.get()
    name = article.image.name
    # The request wrote the original only; the task waits at the gate.
    assert task_storage.saves == [("MainThread", name)]
    assert "widths" not in article.image_renditions
    client.logout()
    url = article.get_absolute_url()
    for state in ("miss", "hit"):
        response = client.get(url)
        assert response["X-Page-Cache"] == state
        html = response.content.decode()
        assert "<picture>" not in html and "renditions/" not in html
        assert f'src="/media/{name}" width="700" height="400"' in html
    task_storage.gate.set()
    assert wait_for_pending(30)
    renditions = [n for thread, n in task_storage.saves if thread == "gbanews-tasks"]
    assert len(renditions) == 3 * 2
    html = client.get(url).content.decode()  # no cache cleared by hand
    picture = re.search(r"<picture>.*?</picture>", html, re.DOTALL).group(0)
    srcset = re.search(r'<source type="image/webp" srcset="([^"]+)"', picture)
    assert srcset_widths(srcset.group(1)) == [320, 640, 700]
    assert sorted(stored_files(settings)) == sorted([name, *renditions])


@pytest.mark.django_db(transaction=True)
def test_image_replaced_before_the_task_runs_gets_no_stale_renditions(
    client, editor, settings, task_storage
):
    client.force_login(editor)
    upload(client, image_upload("first.jpg", width=700, height=400))
    article = Article.objects.get()
    first = article.image.name
    change(client, article, image=image_upload("second.jpg"), image_alt="Second")
    task_storage.gate.set()
    assert wait_for_pending(30)
    article.refresh_from_db()
    second = article.image.name
    assert "second" in second and article.image_renditions["widths"] == [64]
    assert first not in json.dumps(article.image_renditions)
    # The first image's task may have read its original before the deletion task
    # removed it; whatever it wrote went again, and nothing of it was recorded.
    assert stored_files(settings) == sorted(
        [second] + [f"renditions/{second}.64w.{ext}" for ext in ("jpg", "webp")]
    )


@pytest.mark.django_db(transaction=True)
def test_saving_an_article_read_before_its_renditions_keeps_them(task_storage):
    """Only the task records renditions: a save that keeps the image leaves them."""
    article = ArticleFactory(
        image=image_upload("kept.jpg", width=700, height=400), image_alt="x"
    )
    read_early = Article.objects.get(pk=article.pk)
    assert "widths" not in read_early.image_renditions
    task_storage.gate.set()
    assert wait_for_pending(30)
    article.refresh_from_db()
    recorded = article.image_renditions
    assert recorded["widths"]
    read_early.title = "Edited after the renditions were made"
    read_early.save()
    article.refresh_from_db()
    assert article.title == "Edited after the renditions were made"
    assert article.image_renditions == recorded


@pytest.mark.django_db(transaction=True)
def test_image_replaced_while_the_task_writes_gets_no_stale_renditions(
    settings, task_storage
):
    """The task made the first image's renditions, but may not record them."""

    def replace():
        article = Article.objects.get()
        article.image = image_upload("second.jpg", width=200, height=100)
        article.save()

    task_storage.on_rendition = replace
    ArticleFactory(
        image=image_upload("first.jpg", width=700, height=400), image_alt="x"
    )
    # The task starts once the article is made (the factory's writes are several
    # transactions; an editor's save in the admin is one).
    task_storage.gate.set()
    assert wait_for_pending(30)
    article = Article.objects.get()
    second = article.image.name
    written = [n for t, n in task_storage.saves if "first" in n]
    assert len(written) > 1  # the original and at least one rendition
    assert article.image_renditions["widths"] == [200]
    assert stored_files(settings) == sorted(
        [second] + [f"renditions/{second}.200w.{ext}" for ext in ("jpg", "webp")]
    )


@pytest.mark.django_db(transaction=True)
def test_a_storage_error_in_the_task_is_retried(settings):
    settings.CELERY_BROKER_URL = ""
    settings.TASK_RETRY_BACKOFF = 0.01
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RefusingStorage"},
    }
    # The original is save 1; the task's first try fails on its first rendition.
    RefusingStorage.saves, RefusingStorage.fail_on = 0, 2
    article = ArticleFactory(image=image_upload(width=400, height=300), image_alt="x")
    assert wait_for_pending(30)
    article.refresh_from_db()
    assert article.image_renditions["widths"] == [320, 400]
    assert RefusingStorage.saves == 1 + 1 + 2 * 2
    assert stored_files(settings) == sorted(
        images.stored_names(article.image_renditions)
    )
