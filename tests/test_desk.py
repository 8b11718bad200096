"""The article form: caption and credit, body images and the media library,
Preview and Share preview link, labels."""

import io
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, MediaImage, PreviewLink
from articles.services.renditions import media_renditions_make

from .factories import (
    ArticleFactory,
    AuthorFactory,
    DraftFactory,
    image_bytes,
    image_upload,
)
from .pages import json_ld
from .test_admin import article_form
from .test_images import SVG, stored_files, truncated_jpeg, unwritable

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
UPLOAD_URL = reverse("admin:articles_mediaimage_upload")
CHOOSE_URL = reverse("admin:articles_mediaimage_choose")


def upload_to_library(client, name="harbour.jpg", content=None, **fields):
    data = {"alt": "Ferries at the Star Ferry pier", "caption": "", "credit": ""}
    data.update(fields)
    data["file"] = image_upload(name, content or image_bytes(900, 600))
    return client.post(UPLOAD_URL, data, HTTP_ACCEPT="application/json")


# ---- Featured image: caption and credit ----


def test_caption_and_credit_are_saved_and_shown_under_the_image(client, editor):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        article_form(
            image=image_upload("lab.jpg", image_bytes(800, 500)),
            image_alt="Robots on a bench",
            image_caption="The lab's first robots",
            image_credit="Photo: Li Wei / Xinhua",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    article = Article.objects.get()
    assert article.image_caption == "The lab's first robots"
    assert article.image_credit == "Photo: Li Wei / Xinhua"

    client.logout()
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    figure = re.search(r'<figure class="entry-figure">(.*?)</figure>', html, re.S)
    assert figure, html
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure[1], re.S)
    assert "The lab&#39;s first robots" in caption[1]
    assert "Photo: Li Wei / Xinhua" in caption[1]
    news = next(
        d for d in json_ld(page.content.decode()) if d["@type"] == "NewsArticle"
    )
    (image,) = news["image"]
    assert image["@type"] == "ImageObject"
    assert image["caption"] == "The lab's first robots"
    assert image["creditText"] == "Photo: Li Wei / Xinhua"
    assert image["url"].endswith(article.image.url)


def test_image_without_caption_has_no_figcaption(client, article):
    article.image_caption = article.image_credit = ""
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<figcaption>" not in html


def test_caption_edit_shows_on_the_next_request_of_the_cached_page(
    client, editor, page_cache
):
    client.force_login(editor)
    client.post(
        ADD_URL,
        article_form(
            image=image_upload("lab.jpg"),
            image_alt="Robots",
            image_caption="Before",
        ),
    )
    article = Article.objects.get()
    client.logout()
    url = article.get_absolute_url()
    assert "Before" in client.get(url).content.decode()
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    article.image_caption = "After the edit"
    article.save()
    response = client.get(url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "After the edit" in response.content.decode()


# ---- The media library: uploads from the body editor ----


def test_upload_stores_a_cleaned_image_and_answers_what_the_editor_inserts(
    client, editor, settings
):
    client.force_login(editor)
    response = upload_to_library(
        client, caption="Morning rush", credit="Photo: Chan Tai Man"
    )
    assert response.status_code == HTTPStatus.CREATED
    data = response.json()
    image = MediaImage.objects.get()
    assert data == {
        "id": image.pk,
        "src": image.file.url,
        "alt": "Ferries at the Star Ferry pier",
        "caption": "Morning rush",
        "credit": "Photo: Chan Tai Man",
        "width": 900,
        "height": 600,
    }
    assert image.file.name.startswith("library/")
    assert image.uploaded_by == editor
    assert stored_files(settings) == [image.file.name]


def test_upload_without_alt_text_is_refused_and_nothing_is_stored(
    client, editor, settings
):
    client.force_login(editor)
    response = upload_to_library(client, alt="")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.json()["errors"]
    assert list(errors) == ["alt"]
    assert "required" in errors["alt"][0]["message"]
    assert not MediaImage.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"Just some text, not a photo.\n" * 20, "not an image"),
        ("logo.png", SVG, "SVG images are not accepted"),
        ("anim.bmp", image_bytes(20, 20, "BMP"), "BMP images are not accepted"),
        ("cut.jpg", truncated_jpeg(), "truncated or damaged"),
    ],
)
def test_hostile_or_broken_upload_gets_a_clear_error(
    client, editor, settings, name, content, message
):
    client.force_login(editor)
    response = upload_to_library(client, name, content)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.json()["errors"]["file"][0]["message"]
    assert not MediaImage.objects.exists()
    assert stored_files(settings) == []


def test_upload_the_storage_refuses_is_a_clear_error(client, editor, settings):
    client.force_login(editor)
    with unwritable(settings.MEDIA_ROOT):
        response = upload_to_library(client)
        add = reverse("admin:articles_mediaimage_add")
        form = client.post(add, {"file": image_upload(), "alt": "A lab"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    (error,) = response.json()["errors"]["file"]
    reason = "the server may not write to the media storage"
    assert f"The image could not be stored: {reason}." in error["message"]
    assert form.status_code == HTTPStatus.OK
    assert reason in " ".join(form.context["adminform"].form.errors["file"])
    assert not MediaImage.objects.exists()
    assert stored_files(settings) == []


def test_upload_needs_the_library_permission(client, moderator):
    client.force_login(moderator)
    assert upload_to_library(client).status_code == HTTPStatus.FORBIDDEN
    assert client.get(CHOOSE_URL).status_code == HTTPStatus.FORBIDDEN
    assert not MediaImage.objects.exists()


def test_authors_may_upload_and_pick_images(client, author):
    client.force_login(author)
    assert upload_to_library(client).status_code == HTTPStatus.CREATED
    assert len(client.get(CHOOSE_URL).json()["images"]) == 1


def test_upload_answers_only_a_post(client, editor):
    client.force_login(editor)
    assert client.get(UPLOAD_URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_renditions_of_a_library_image_are_made_and_recorded(client, editor, settings):
    settings.IMAGE_RENDITION_WIDTHS = [320, 640]
    client.force_login(editor)
    upload_to_library(client)
    image = MediaImage.objects.get()
    assert media_renditions_make(media_id=image.pk, name=image.file.name) == "made"
    image.refresh_from_db()
    # Never wider than the configured widths, never upscaled.
    assert image.renditions["widths"] == [320, 640]
    name = image.file.name
    for width in (320, 640):
        for ext in ("webp", "jpg"):
            assert default_storage.exists(f"renditions/{name}.{width}w.{ext}")
    assert media_renditions_make(media_id=image.pk, name="library/other.jpg") == (
        "skipped"
    )
    # After a change of widths the command remakes them and drops the old ones.
    settings.IMAGE_RENDITION_WIDTHS = [480]
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "Made the renditions of 1 library image(s)." in out.getvalue()
    image.refresh_from_db()
    assert image.renditions["widths"] == [480]
    assert stored_files(settings) == sorted(
        [name] + [f"renditions/{name}.480w.{ext}" for ext in ("jpg", "webp")]
    )


def test_library_list_and_picker_show_uploaded_images(client, editor):
    client.force_login(editor)
    upload_to_library(client, "harbour.jpg", alt="Ferries at the pier")
    upload_to_library(client, "tram.jpg", alt="A tram in Happy Valley")
    listing = client.get(reverse("admin:articles_mediaimage_changelist"))
    assert listing.status_code == HTTPStatus.OK
    html = listing.content.decode()
    assert "Ferries at the pier" in html and "A tram in Happy Valley" in html
    assert 'class="library-thumbnail"' in html
    everything = client.get(CHOOSE_URL).json()["images"]
    assert [i["alt"] for i in everything] == [
        "A tram in Happy Valley",
        "Ferries at the pier",
    ]
    found = client.get(CHOOSE_URL, {"q": "tram"}).json()["images"]
    assert [i["alt"] for i in found] == ["A tram in Happy Valley"]


def test_library_add_form_refuses_missing_alt_and_stores_a_good_upload(
    client, editor, settings
):
    client.force_login(editor)
    add = reverse("admin:articles_mediaimage_add")
    response = client.post(add, {"file": image_upload(), "alt": ""})
    assert response.status_code == HTTPStatus.OK
    assert "alt" in response.context["adminform"].form.errors
    assert stored_files(settings) == []
    response = client.post(add, {"file": image_upload(), "alt": "A lab"})
    assert response.status_code == HTTPStatus.FOUND
    image = MediaImage.objects.get()
    assert stored_files(settings) == [image.file.name]
    # The library keeps its images: bodies name them by their address.
    delete = reverse("admin:articles_mediaimage_delete", args=[image.pk])
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN


# ---- Body images: sanitised, shown with their renditions ----


def body_with(image, caption=""):
    img = (
        f'<img src="{image.file.url}" alt="{image.alt}" '
        f'width="{image.width}" height="{image.height}">'
    )
    if not caption:
        return f"<p>Before.</p>{img}<p>After.</p>"
    return (
        f'<figure class="figure">{img}<figcaption class="figure-caption">'
        f"{caption}</figcaption></figure>"
    )


def test_body_image_inserted_by_the_editor_survives_the_sanitiser(client, editor):
    client.force_login(editor)
    upload_to_library(client)
    image = MediaImage.objects.get()
    body = body_with(image, caption="Morning rush — Photo: Chan")
    response = client.post(ADD_URL, article_form(body=body))
    assert response.status_code == HTTPStatus.FOUND
    article = Article.objects.get()
    assert f'src="{image.file.url}"' in article.body
    assert '<figcaption class="figure-caption">' in article.body


def test_body_image_gets_srcset_once_its_renditions_are_made(
    client, editor, settings, page_cache
):
    """The page is cached before the renditions; making them retires it."""
    settings.IMAGE_RENDITION_WIDTHS = [320, 640]
    client.force_login(editor)
    upload_to_library(client)
    image = MediaImage.objects.get()
    article = ArticleFactory(body=body_with(image))
    client.logout()
    before = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{image.file.url}"' in before
    assert "<picture><source" not in before.split('class="entry-body"')[1]

    assert media_renditions_make(media_id=image.pk, name=image.file.name) == "made"
    after = client.get(article.get_absolute_url()).content.decode()
    body = after.split('class="entry-body"')[1].split("</div>")[0]
    name = image.file.name
    assert '<picture><source type="image/webp"' in body
    assert f"/media/renditions/{name}.320w.webp 320w" in unescape(body)
    assert f"/media/renditions/{name}.640w.jpg 640w" in unescape(body)
    assert 'alt="Ferries at the Star Ferry pier"' in body
    assert 'loading="lazy"' in body


def test_article_page_queries_do_not_grow_with_body_images(client, editor):
    client.force_login(editor)
    for n in range(5):
        upload_to_library(client, f"photo-{n}.jpg")
    for image in MediaImage.objects.all():
        media_renditions_make(media_id=image.pk, name=image.file.name)
    body = "".join(body_with(image) for image in MediaImage.objects.all())
    warm = ArticleFactory(body=body_with(MediaImage.objects.first()))
    one = ArticleFactory(body=body_with(MediaImage.objects.first()))
    many = ArticleFactory(body=body)
    client.logout()
    client.get(warm.get_absolute_url())  # the site's stamps and names, read once
    counts = []
    for article in (one, many):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(article.get_absolute_url()).content.decode()
        counts.append(len(queries))
    assert html.count("<picture><source") >= 5
    assert counts[0] == counts[1]


# ---- Preview and Share preview link ----


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def share_url(article):
    return reverse("admin:articles_article_share_preview", args=[article.pk])


def test_change_form_has_preview_and_share_buttons(client, desk_editor):
    draft = DraftFactory()
    client.force_login(desk_editor)
    html = client.get(change_url(draft)).content.decode()
    assert f'href="{draft.get_absolute_url()}" class="previewlink"' in html
    assert f'action="{share_url(draft)}"' in html
    assert "Share preview link" in html
    # Staff see the unpublished article as readers will.
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == HTTPStatus.OK
    assert draft.title in preview.content.decode()


def test_published_article_has_preview_but_no_share_button(client, desk_editor):
    article = ArticleFactory()
    client.force_login(desk_editor)
    html = client.get(change_url(article)).content.decode()
    assert 'class="previewlink"' in html
    assert "Share preview link" not in html


def test_share_link_is_created_by_post_and_opens_for_anyone(client, desk_editor):
    draft = DraftFactory(title="Ferries go electric")
    client.force_login(desk_editor)
    response = client.post(share_url(draft), HTTP_ACCEPT="application/json")
    assert response.status_code == HTTPStatus.OK
    link = PreviewLink.objects.get()
    assert link.article == draft and link.created_by == desk_editor
    url = response.json()["url"]
    assert url == "https://gba.example.com" + link.get_absolute_url()
    client.logout()
    page = client.get(link.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    assert "Ferries go electric" in page.content.decode()


def test_share_without_script_comes_back_with_the_link_in_a_message(
    client, desk_editor
):
    draft = DraftFactory()
    client.force_login(desk_editor)
    response = client.post(share_url(draft), follow=True)
    link = PreviewLink.objects.get()
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert link.get_absolute_url() in response.content.decode()


def test_share_needs_post_csrf_and_permission(client, author, desk_editor):
    draft = DraftFactory(author=author)
    client.force_login(desk_editor)
    assert client.get(share_url(draft)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    # Authors may not make preview links.
    client.force_login(author)
    assert client.post(share_url(draft)).status_code == HTTPStatus.FORBIDDEN
    assert "Share preview link" not in client.get(change_url(draft)).content.decode()
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(desk_editor)
    assert checked.post(share_url(draft)).status_code == HTTPStatus.FORBIDDEN
    assert not PreviewLink.objects.exists()


def test_share_of_a_published_article_is_a_clear_error(client, desk_editor):
    article = ArticleFactory()
    client.force_login(desk_editor)
    response = client.post(share_url(article), HTTP_ACCEPT="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Only drafts and scheduled articles" in response.json()["error"]
    assert not PreviewLink.objects.exists()


def test_share_of_a_missing_article_is_404(client, desk_editor):
    client.force_login(desk_editor)
    response = client.post(reverse("admin:articles_article_share_preview", args=[9]))
    assert response.status_code == HTTPStatus.NOT_FOUND


# ---- Labels and plain inputs ----


def test_form_inputs_have_labels_and_the_url_field_is_plain(client, desk_editor):
    article = ArticleFactory()
    article.source_links.create(url="https://www.caixinglobal.com/robots")
    client.force_login(desk_editor)
    html = client.get(change_url(article)).content.decode()
    for id_ in ("id_published_at_0", "id_published_at_1"):
        tag = re.search(rf'<input[^>]*id="{id_}"[^>]*>', html)[0]
        assert 'aria-label="Publication' in tag
    # Source links are stacked: each field has its own <label>.
    for name in ("url", "source", "language", "archive_url"):
        assert re.search(rf'<label[^>]*for="id_source_links-0-{name}"', html)
    article.bylines.create(author=AuthorFactory(), position=1)
    html = client.get(change_url(article)).content.decode()
    delete = re.search(r'<input[^>]*id="id_bylines-0-DELETE"[^>]*>', html)[0]
    assert 'aria-label="Delete"' in delete
    byline = re.search(r'<input[^>]*id="id_bylines-0-position"[^>]*>', html)[0]
    assert 'aria-label="Position"' in byline or 'aria-label="position"' in byline
    url = re.search(r'<input[^>]*id="id_source_links-0-url"[^>]*>', html)[0]
    assert 'type="url"' in url
    assert "Currently:" not in html
    # The editor's upload and library addresses, for static/js/article_form.js.
    body = re.search(r'<textarea[^>]*id="id_body"[^>]*>', html)[0]
    assert f'data-upload-url="{UPLOAD_URL}"' in body
    assert f'data-choose-url="{CHOOSE_URL}"' in body
    assert 'data-max-bytes="' in body
    assert "js/article_form.js" in html and "css/article_form.css" in html
