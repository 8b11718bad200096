"""manage.py import_wordpress on exports built as WordPress writes them (tests/wxr)."""

import contextlib
import datetime
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import (
    Article,
    ArticleRedirect,
    Author,
    Category,
    SourceLink,
    SourceLinkModeration,
    WordPressPost,
)

from . import wxr
from .factories import (
    ArticleFactory,
    ChineseFactory,
    SourceDomainFactory,
    SourceFactory,
    image_bytes,
)
from .test_images import RefusingStorage

pytestmark = pytest.mark.django_db

CAPTIONED = (
    "深圳湾的新实验室今天开放。\n"
    "第二行。\n\n"
    '[caption id="attachment_90" align="aligncenter" width="640"]'
    '<img class="size-large" src="https://old.example.com/wp-content/uploads/2020/06/'
    'lab.jpg" alt="The lab" width="640" height="480" /> 实验室内景 The lab inside'
    "[/caption]\n\n"
    "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]\n\n"
    "<script>alert('x')</script><p onclick=\"evil()\">A paragraph with ]]> in it.</p>"
    "\n\n"
    "Read more (in Chinese): China News\n\n"
    '<a href="https://www.chinanews.com.cn/gn/2020/06-12/9210000.shtml?utm_source=x">'
    "https://www.chinanews.com.cn/gn/2020/06-12/9210000.shtml</a>"
)


def realistic_posts():
    return [
        wxr.Post(
            101,
            "深圳湾实验室开放",
            slug="深圳湾实验室开放",
            content=CAPTIONED,
            excerpt="A new lab opens at <b>Shenzhen Bay</b>.",
            categories=[("innovation", "Innovation"), ("深圳", "深圳")],
            tags=["人工智能", "Shenzhen"],
            meta={"_thumbnail_id": "90"},
        ),
        wxr.Post(
            102,
            "Guangdong 2nd in software output",
            slug="guangdong-2nd-in-software-output",
            content=(
                "Guangdong contributed the second-biggest amount.\n\n"
                'Read more on <a href="https://www.caixinglobal.com/2020-06-12/'
                'guangdong.html">Caixin</a>.'
            ),
            date="2020-06-11 09:00:00",
            categories=[("innovation", "Innovation")],
            link=f"{wxr.SITE}/archives/102",
        ),
        wxr.Post(
            103,
            "A draft about Macau",
            slug="",
            content="Not ready yet.",
            status="draft",
            categories=[("uncategorized", "Uncategorized")],
        ),
        wxr.Post(104, "Waiting for review", slug="waiting", status="pending"),
        wxr.Post(
            105,
            "Scheduled for later",
            slug="scheduled-for-later",
            status="future",
            date="2099-01-01 08:00:00",
            categories=[("innovation", "Innovation")],
        ),
        wxr.Post(106, "Thrown away", slug="thrown-away", status="trash"),
        wxr.Post(107, "About us", slug="about", post_type="page"),
        wxr.attachment(90, "2020/06/lab.jpg", alt="The Shenzhen Bay lab", parent=101),
    ]


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "wp-content" / "uploads"
    (folder / "2020" / "06").mkdir(parents=True)
    (folder / "2020" / "06" / "lab.jpg").write_bytes(image_bytes(800, 600))
    return folder


@pytest.fixture
def chinese(db):
    return ChineseFactory()


def run_import(tmp_path, posts, *args, name="export.xml", **build_args):
    path = tmp_path / name
    path.write_bytes(wxr.build(posts, **build_args))
    out, err = StringIO(), StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def imported(tmp_path, uploads, chinese):
    return run_import(tmp_path, realistic_posts(), "--uploads", str(uploads))


def by_wordpress_id(post_id):
    return Article.objects.get(wordpress_post__wordpress_id=post_id)


def test_posts_arrive_with_status_dates_and_taxonomy(imported):
    assert "5 created, 0 updated, 0 unchanged, 2 skipped" in imported
    assert Article.objects.count() == 5
    lab = by_wordpress_id(101)
    assert lab.title == "深圳湾实验室开放"
    assert lab.slug == "深圳湾实验室开放"
    assert lab.status == Article.Status.PUBLISHED
    # 18:30 in the site's UTC+8 is 10:30 UTC (post_date_gmt).
    assert lab.published_at == datetime.datetime(
        2020, 6, 12, 10, 30, tzinfo=datetime.UTC
    )
    assert lab.lead == "A new lab opens at Shenzhen Bay."
    assert lab.language.code == "zh-hans"
    assert sorted(c.slug for c in lab.categories.all()) == ["innovation", "深圳"]
    assert sorted(t.name for t in lab.tags.all()) == ["Shenzhen", "人工智能"]
    assert lab.tag_names == "Shenzhen\n人工智能"
    assert list(lab.bylines.values_list("author__name", flat=True)) == ["Lin Mei"]
    draft = by_wordpress_id(103)
    assert draft.status == Article.Status.DRAFT and draft.published_at is None
    assert draft.slug == "a-draft-about-macau"
    assert by_wordpress_id(104).status == Article.Status.IN_REVIEW
    scheduled = by_wordpress_id(105)
    assert scheduled.is_scheduled
    assert not Article.objects.published().filter(pk=scheduled.pk).exists()


def test_report_says_what_was_skipped_and_why(imported):
    assert "Skipped: post 106 “Thrown away”: in the WordPress trash" in imported
    assert "Skipped: post 107 “About us”: a page, not a post" in imported
    assert "imported as a draft" not in imported


def test_private_posts_become_drafts_with_a_warning(tmp_path, chinese):
    out = run_import(tmp_path, [wxr.Post(8, "Private", slug="p", status="private")])
    assert "Warning: post 8 “Private”: private in WordPress: imported as a draft" in out
    assert by_wordpress_id(8).status == Article.Status.DRAFT


def test_body_shortcodes_become_html_and_go_through_the_sanitiser(imported):
    body = by_wordpress_id(101).body
    assert "<figure><img" in body
    assert "<figcaption>实验室内景 The lab inside</figcaption></figure>" in body
    assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in body
    assert "<p>深圳湾的新实验室今天开放。<br>" in body
    assert "]]> in it" in body.replace("]]&gt;", "]]>")
    assert "[caption" not in body and "[embed" not in body
    assert "<script" not in body and "onclick" not in body and "alert" not in body


def test_source_attributions_become_pending_links_not_body_text(imported):
    lab, software = by_wordpress_id(101), by_wordpress_id(102)
    assert "Read more" not in lab.body and "chinanews" not in lab.body
    assert "Read more" not in software.body and "caixin" not in software.body
    link = SourceLink.objects.get(article=lab)
    # Tracking parameters are dropped, as for any link.
    assert link.url == "https://www.chinanews.com.cn/gn/2020/06-12/9210000.shtml"
    assert link.language.name == "Chinese"
    assert link.status == SourceLink.Status.PENDING
    caixin = SourceLink.objects.get(article=software)
    assert caixin.url == "https://www.caixinglobal.com/2020-06-12/guangdong.html"
    queue = SourceLinkModeration.objects.pending()
    assert set(queue.values_list("pk", flat=True)) == {link.pk, caixin.pk}


@pytest.mark.parametrize(
    ("paragraph", "kept"),
    [
        ("Read more (in Chinese)", True),
        ('Read more about <a href="https://example.com/">our lab</a>.', True),
        (
            '<a href="https://www.sznews.com/a.html">Read more on Shenzhen News</a>',
            False,
        ),
        ('Read more: <a href="/2020/01/01/ours/">our earlier story</a>', True),
        (f'Read more: <a href="{wxr.SITE}/2020/01/01/ours/">our story</a>', True),
    ],
)
def test_only_attributions_with_a_web_link_leave_the_body(
    tmp_path, chinese, paragraph, kept
):
    post = wxr.Post(5, "Attributed", slug="attributed", content=f"Text.\n\n{paragraph}")
    run_import(tmp_path, [post])
    article = by_wordpress_id(5)
    assert ("Read more" in article.body) is kept
    assert SourceLink.objects.filter(article=article).exists() is not kept


def test_source_named_in_the_attribution_is_matched(tmp_path, chinese):
    caixin = SourceFactory(name="Caixin", slug="caixin")
    run_import(tmp_path, realistic_posts()[1:2])
    assert SourceLink.objects.get().source == caixin


def test_a_trusted_sources_link_is_approved_by_the_rule(client, tmp_path, chinese):
    caixin = SourceFactory(name="Caixin", slug="caixin", is_trusted=True)
    SourceDomainFactory(source=caixin, domain="caixinglobal.com")
    run_import(tmp_path, realistic_posts()[1:2])
    link = SourceLink.objects.get()
    assert (link.source, link.status) == (caixin, SourceLink.Status.APPROVED)
    assert link.approved_by_rule
    assert link.decisions.get().by_rule
    page = client.get(by_wordpress_id(102).get_absolute_url()).content.decode()
    assert "Read more on" in page and "caixinglobal.com/2020-06-12" in page
    assert "Caixin" in client.get("/source/caixin/").content.decode()


def test_featured_image_comes_from_the_uploads_folder(imported, settings):
    lab = by_wordpress_id(101)
    assert lab.image.name.startswith("articles/")
    assert lab.image.name.endswith("lab.jpg")
    assert lab.image_alt == "The Shenzhen Bay lab"
    assert lab.image_renditions["width"] == 800
    assert (settings.MEDIA_ROOT / lab.image.name).is_file()
    assert "1 images stored" in imported


def test_a_storage_failure_imports_nothing(tmp_path, uploads, settings, chinese):
    settings.MEDIA_ROOT = tmp_path / "media-is-a-file"
    settings.MEDIA_ROOT.write_text("not a folder")
    path = tmp_path / "export.xml"
    # The image's post comes last, after posts the transaction had written.
    path.write_bytes(wxr.build(realistic_posts()[1:] + realistic_posts()[:1]))
    with pytest.raises(CommandError, match="could not be stored.*Nothing was imported"):
        call_command(
            "import_wordpress", str(path), "--uploads", str(uploads), stdout=StringIO()
        )
    assert not Article.objects.exists()
    assert not WordPressPost.objects.exists()
    assert not SourceLink.objects.exists()


def test_images_stored_before_a_failure_are_removed(
    tmp_path, uploads, settings, chinese
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_images.RefusingStorage"},
    }
    RefusingStorage.saves, RefusingStorage.fail_on = 0, 2
    second = wxr.Post(201, "Second", slug="second", meta={"_thumbnail_id": "90"})
    path = tmp_path / "export.xml"
    path.write_bytes(wxr.build(realistic_posts() + [second]))
    with pytest.raises(CommandError, match="could not be stored"):
        call_command(
            "import_wordpress", str(path), "--uploads", str(uploads), stdout=StringIO()
        )
    assert RefusingStorage.saves == 2
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert not Article.objects.exists()


def test_an_image_outside_the_uploads_folder_is_refused(tmp_path, uploads, chinese):
    (uploads.parent / "secret.jpg").write_bytes(image_bytes())
    posts = [
        wxr.Post(1, "Escaping", slug="escaping", meta={"_thumbnail_id": "2"}),
        wxr.attachment(2, "../secret.jpg"),
    ]
    out = run_import(tmp_path, posts, "--uploads", str(uploads))
    assert "outside the uploads folder" in out
    assert not by_wordpress_id(1).image


def test_a_file_that_is_not_an_image_is_refused(tmp_path, uploads, chinese):
    (uploads / "2020" / "06" / "fake.jpg").write_text("<?php system($_GET[1]); ?>")
    posts = [
        wxr.Post(1, "Fake", slug="fake", meta={"_thumbnail_id": "2"}),
        wxr.attachment(2, "2020/06/fake.jpg"),
    ]
    out = run_import(tmp_path, posts, "--uploads", str(uploads))
    assert "featured image fake.jpg refused: This file is not an image" in out
    assert not by_wordpress_id(1).image


class ImageHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        if self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/")
            self.end_headers()
            return
        data = image_bytes(320, 200, format="PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def image_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ImageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def remote_posts(url):
    attached = wxr.attachment(2, "2020/06/remote.png")
    attached.meta = {}
    attached.attachment_url = url
    return [wxr.Post(1, "Remote", slug="remote", meta={"_thumbnail_id": "2"}), attached]


def test_fetched_images_go_through_the_link_checkers_guard(tmp_path, settings, chinese):
    settings.SOURCE_LINK_CHECK_HOST_INTERVAL = 0
    with image_server() as base:
        out = run_import(tmp_path, remote_posts(f"{base}/photo.png"), "--fetch-images")
        assert "is not a public address" in out
        assert not by_wordpress_id(1).image
        settings.SOURCE_LINK_CHECK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
        out = run_import(tmp_path, remote_posts(f"{base}/photo.png"), "--fetch-images")
        assert by_wordpress_id(1).image.name.endswith("photo.png")
        out = run_import(
            tmp_path,
            [wxr.Post(3, "Metadata", slug="metadata", meta={"_thumbnail_id": "2"})]
            + remote_posts(f"{base}/to-metadata")[1:],
            "--fetch-images",
        )
        assert "169.254.169.254 is not a public address" in out
        assert not by_wordpress_id(3).image


def test_a_fetched_image_over_the_size_limit_is_refused(tmp_path, settings, chinese):
    settings.SOURCE_LINK_CHECK_HOST_INTERVAL = 0
    settings.SOURCE_LINK_CHECK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.IMAGE_MAX_BYTES = 100
    with image_server() as base:
        out = run_import(tmp_path, remote_posts(f"{base}/photo.png"), "--fetch-images")
    assert "more than 100 bytes" in out
    assert not by_wordpress_id(1).image


def test_image_options_are_checked(tmp_path, uploads, chinese):
    path = tmp_path / "export.xml"
    path.write_bytes(wxr.build(realistic_posts()))
    with pytest.raises(CommandError, match="not both"):
        call_command(
            "import_wordpress", str(path), "--uploads", str(uploads), "--fetch-images"
        )
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_wordpress", str(path), "--uploads", str(path))


def test_without_uploads_or_fetching_images_are_reported(tmp_path, chinese):
    out = run_import(tmp_path, realistic_posts())
    assert "featured image not imported: no uploads folder given" in out
    assert not by_wordpress_id(101).image


def test_article_page_shows_the_import_without_the_login(client, imported):
    lab = by_wordpress_id(101)
    response = client.get(lab.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Lin Mei" in page
    assert "<figcaption>实验室内景 The lab inside</figcaption>" in page
    assert "linmei_admin" not in page
    assert not Author.objects.filter(name__icontains="admin").exists()


@pytest.mark.parametrize(
    ("author", "byline"),
    [
        (wxr.Author("chan_admin", "chan_admin", "Chan", "Wing"), ["Chan Wing"]),
        (wxr.Author("chan_admin", "CHAN_ADMIN"), []),
        (wxr.Author("chan_admin", "", "chan_admin"), []),
    ],
)
def test_a_display_name_that_is_the_login_is_not_used(
    tmp_path, chinese, author, byline
):
    post = wxr.Post(3, "Bylined", slug="bylined", creator="chan_admin")
    out = run_import(tmp_path, [post], authors=[author])
    assert list(Author.objects.values_list("name", flat=True)) == byline
    assert ("no byline" in out) is not bool(byline)
    assert "chan_admin" not in out


def test_old_date_permalinks_work_as_they_are(client, imported):
    lab = by_wordpress_id(101)
    assert lab.wordpress_post.old_path == ""
    assert client.get("/2020/06/12/深圳湾实验室开放/").status_code == HTTPStatus.OK
    encoded = "/2020/06/12/" + quote("深圳湾实验室开放") + "/"
    assert client.get(encoded).status_code == HTTPStatus.OK


def test_other_permalink_forms_and_p_links_redirect_permanently(client, imported):
    software = by_wordpress_id(102)
    assert software.wordpress_post.old_path == "/archives/102"
    response = client.get("/archives/102")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == software.get_absolute_url()
    response = client.get("/?p=102")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == software.get_absolute_url()
    assert client.get("/index.php?p=101")["Location"] == (
        by_wordpress_id(101).get_absolute_url()
    )


def test_postname_permalinks_redirect_with_or_without_the_slash(
    client, chinese, tmp_path
):
    post = wxr.Post(
        7, "深圳 AI", slug="深圳-ai", link=f"{wxr.SITE}/{quote('深圳-ai')}/"
    )
    run_import(tmp_path, [post])
    article = by_wordpress_id(7)
    assert article.wordpress_post.old_path == "/深圳-ai"
    for path in ("/深圳-ai/", "/深圳-ai", "/" + quote("深圳-ai") + "/"):
        response = client.get(path)
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY, path
        assert response["Location"] == article.get_absolute_url()
    assert client.head("/深圳-ai/").status_code == HTTPStatus.MOVED_PERMANENTLY
    assert client.post("/深圳-ai/").status_code != HTTPStatus.MOVED_PERMANENTLY


def test_old_links_never_lead_to_unpublished_articles(client, imported):
    for post_id in (103, 104, 105):
        assert client.get(f"/?p={post_id}").status_code == HTTPStatus.OK  # home
    assert client.get("/?p=abc").status_code == HTTPStatus.OK
    assert client.get("/?p=99999999999999999999999").status_code == HTTPStatus.OK
    software = by_wordpress_id(102)
    software.status = Article.Status.DRAFT
    software.save()
    assert client.get("/archives/102").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/?p=102").status_code == HTTPStatus.OK
    assert client.get("/no-such-old-page/").status_code == HTTPStatus.NOT_FOUND
    for path in ("/archives/%00", "/" + "x" * 600):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_second_run_updates_instead_of_duplicating(tmp_path, uploads, imported):
    counts = (
        Article.objects.count(),
        SourceLink.objects.count(),
        Category.objects.count(),
    )
    image = by_wordpress_id(101).image.name
    again = run_import(tmp_path, realistic_posts(), "--uploads", str(uploads))
    assert "0 created, 0 updated, 5 unchanged" in again
    assert "0 images stored" in again
    assert (
        Article.objects.count(),
        SourceLink.objects.count(),
        Category.objects.count(),
    ) == counts
    assert by_wordpress_id(101).image.name == image
    posts = realistic_posts()
    posts[1].title = "Guangdong second in software output"
    posts[1].slug = "guangdong-second-in-software"
    posts[1].tags = ["software"]
    posts[0].content += "\n\nA new closing paragraph."
    changed = run_import(tmp_path, posts, "--uploads", str(uploads))
    assert "0 created, 2 updated, 3 unchanged" in changed
    software = by_wordpress_id(102)
    assert software.title == "Guangdong second in software output"
    assert software.slug == "guangdong-second-in-software"
    assert [t.name for t in software.tags.all()] == ["software"]
    assert (
        ArticleRedirect.objects.get(old_slug="guangdong-2nd-in-software-output").article
        == software
    )
    assert "A new closing paragraph." in by_wordpress_id(101).body
    assert Article.objects.count() == counts[0]
    assert WordPressPost.objects.count() == 5


def test_a_moderated_link_keeps_its_decision_on_a_second_run(tmp_path, imported):
    link = SourceLink.objects.get(article=by_wordpress_id(102))
    SourceLink.objects.filter(pk=link.pk).update(status=SourceLink.Status.REJECTED)
    run_import(tmp_path, realistic_posts())
    assert SourceLink.objects.get(pk=link.pk).status == SourceLink.Status.REJECTED
    assert SourceLink.objects.count() == 2


def test_a_published_post_whose_slug_is_taken_is_skipped(tmp_path, chinese):
    other = ArticleFactory(slug="guangdong-2nd-in-software-output")
    out = run_import(tmp_path, realistic_posts()[1:2])
    assert (
        "its slug “guangdong-2nd-in-software-output” belongs to another article" in out
    )
    assert Article.objects.get() == other


def test_imported_articles_show_on_cached_pages_and_in_search(
    client, page_cache, tmp_path, chinese
):
    innovation = Category.objects.create(name="Innovation", slug="innovation")
    ArticleFactory(title="Older story", categories=[innovation], tags=["Shenzhen"])
    pages = ("/", "/category/innovation/", "/tag/shenzhen/")
    for url in pages:
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    run_import(tmp_path, realistic_posts())
    for url in pages:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "深圳湾实验室开放" in response.content.decode(), url
    results = client.get("/search/", {"q": "实验室"}).content.decode()
    assert "深圳湾实验室开放" in results


def test_dry_run_writes_nothing(tmp_path, uploads, chinese):
    out = run_import(
        tmp_path, realistic_posts(), "--dry-run", "--uploads", str(uploads)
    )
    assert "dry run" in out
    assert not Article.objects.exists()


# Hostile and malformed files: a clear error, and nothing imported.

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>'
)
EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
)


def import_fails(tmp_path, data: bytes) -> str:
    path = tmp_path / "bad.xml"
    path.write_bytes(data)
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_wordpress", str(path), stdout=StringIO(), stderr=StringIO()
        )
    assert not Article.objects.exists()
    assert not WordPressPost.objects.exists()
    assert not SourceLink.objects.exists()
    return str(failure.value)


def good_then(bad_post) -> list:
    """Valid posts first, so that a half-way import would have written them."""
    return realistic_posts()[:5] + [bad_post]


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, EXTERNAL])
def test_entities_are_refused(tmp_path, chinese, prolog):
    posts = [wxr.Post(1, "&lol3; &x;", slug="bomb")]
    message = import_fails(tmp_path, wxr.build(posts, prolog=prolog))
    assert "declares a DTD or entities" in message
    assert "Nothing was imported." in message


def test_huge_fields_are_refused(tmp_path, chinese):
    message = import_fails(tmp_path, wxr.build(good_then(wxr.Post(9, "x" * 301))))
    assert "item 9: title has 301 characters; the limit is 300." in message
    body = wxr.Post(9, "Big", content="<p>深</p>" * 40_000)
    message = import_fails(tmp_path, wxr.build(good_then(body)))
    assert "item 9: content has 320,000 characters; the limit is 300,000." in message


@pytest.mark.parametrize(
    "date_gmt", ["2020-13-45 99:00:00", "yesterday", "2020-06-12T10:00:00Z"]
)
def test_bad_dates_are_refused(tmp_path, chinese, date_gmt):
    post = wxr.Post(9, "Bad date", slug="bad-date", date_gmt=date_gmt)
    message = import_fails(tmp_path, wxr.build(good_then(post)))
    assert "item 9: post_date_gmt" in message and "is not a date" in message


def test_markup_that_would_stall_the_sanitiser_is_refused(tmp_path, chinese):
    post = wxr.Post(9, "Deep", content="<b>" * 5000)
    message = import_fails(tmp_path, wxr.build(good_then(post)))
    assert "post 9 “Deep”: the body is refused" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (lambda: wxr.build(realistic_posts())[:-200], "not well-formed XML"),
        (lambda: b"<html><body>Hello</body></html>", "not a WordPress export"),
        (lambda: b"", "not well-formed XML"),
        (
            lambda: wxr.build(realistic_posts()).replace(
                b"<wp:post_id>102</wp:post_id>", b"<wp:post_id>101</wp:post_id>"
            ),
            "Items share a wp:post_id: [101]",
        ),
        (
            lambda: wxr.build(realistic_posts()).replace(
                b"<wp:post_id>102</wp:post_id>", b"<wp:post_id>-3</wp:post_id>"
            ),
            "no valid wp:post_id",
        ),
    ],
)
def test_malformed_files_are_refused(tmp_path, chinese, data, expected):
    assert expected in import_fails(tmp_path, data())


def test_odd_but_harmless_items_are_read(tmp_path, chinese):
    data = wxr.build(realistic_posts()[:1]).replace(
        b"<wp:postmeta>",
        b"<wp:postmeta><wp:meta_value>orphan</wp:meta_value></wp:postmeta>"
        b"<wp:postmeta>",
        1,
    )
    path = tmp_path / "odd.xml"
    path.write_bytes(data)
    call_command("import_wordpress", str(path), stdout=StringIO(), stderr=StringIO())
    assert by_wordpress_id(101).title == "深圳湾实验室开放"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_wordpress", str(tmp_path / "nope.xml"), stdout=StringIO())


def test_an_unknown_time_zone_is_a_clear_error(tmp_path, chinese):
    path = tmp_path / "export.xml"
    path.write_bytes(wxr.build(realistic_posts()))
    with pytest.raises(CommandError, match="Unknown time zone"):
        call_command("import_wordpress", str(path), "--timezone", "Mars/Olympus")


# Size and speed.


def test_many_posts_import_in_bulk_with_progress(tmp_path, chinese):
    posts = wxr.many_posts(600)
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        out = run_import(tmp_path, posts, "-v", "1", language="en-US")
    seconds = time.monotonic() - started
    assert "600 created" in out
    assert "checked 500/600 posts" in out and "written 600/600 posts" in out
    assert Article.objects.published().count() == 600
    assert SourceLink.objects.pending().count() == 150
    # Bulk writes: 285 queries on SQLite (half of them the look-up of each new
    # link's source by its domain); PostgreSQL's search index adds one UPDATE per
    # article (852 in all). One more query per post fails either bound.
    per_post = 1 if connection.vendor == "postgresql" else 0
    assert len(queries) < (per_post + 1) * len(posts), len(queries)
    assert seconds < 60
    start = timezone.now()
    again = run_import(tmp_path, posts)
    assert "600 unchanged" in again
    assert Article.objects.count() == 600
    assert timezone.now() - start < datetime.timedelta(seconds=60)
