"""The body's rich-text editor: local assets, sanitiser-compatible output, and the
sanitiser still cleaning whatever a crafted POST sends."""

import re
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from articles.models import Article
from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html
from articles.widgets import BODY_EXTENSIONS

from .test_admin import article_form

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")

# What the editor (django-prose-editor 0.28, in Chromium) wrote for a body using every
# node and mark it offers; an <h1> and styled text pasted in came out as plain <p>s.
EDITOR_DOCUMENT = (
    "<h2>Shenzhen</h2><h3>Nanshan</h3><h4>Lab</h4>"
    "<p><strong>Bold</strong> <em>italic</em> <s>struck</s> <sub>2</sub> <sup>3</sup> "
    '<code>x = 1</code> <a href="/2020/06/01/robots/">inside</a> '
    '<a href="https://x.example.com/" rel="noopener noreferrer">outside</a> '
    '<a href="mailto:news@example.com">mail</a><br>next line</p>'
    "<ul><li><p>one</p></li></ul>"
    '<ol data-type="decimal" start="3"><li><p>three</p></li></ol>'
    "<blockquote><p>quoted</p></blockquote><pre><code>print(1)</code></pre><hr>"
    "<table><tbody><tr><th><p>Year</p></th>"
    '<td colspan="2"><p>2020</p></td></tr></tbody></table>'
    '<figure class="figure"><img src="https://img.example.com/a.jpg" alt="A lab">'
    '<figcaption class="figure-caption">The lab</figcaption></figure>'
    "<p>Top</p><p>styled span under</p>"
)
# Attributes the sanitiser sets itself (rel on links to other sites) or that the
# editor writes only with a feature left off here (an image picker's data-file).
SANITISER_OWNED = {("a", "rel"), ("img", "data-file")}
SAMPLE_VALUES = {
    ("img", "src"): "https://img.example.com/a.jpg",
    ("figure", "class"): "figure",
}


def sanitiser_allows(tag, attribute):
    allowed = ALLOWED_ATTRIBUTES.get(tag, [])
    if callable(allowed):
        return allowed(tag, attribute, SAMPLE_VALUES.get((tag, attribute), "1"))
    return attribute in allowed


def test_admin_body_field_is_the_rich_text_editor(client, editor):
    client.force_login(editor)
    html = client.get(ADD_URL).content.decode()
    textarea = re.search(r'<textarea name="body"[^>]*>', html).group(0)
    assert "data-django-prose-editor-configurable" in textarea
    assert '<script type="importmap">' in html
    assert '<script src="/static/django_prose_editor/editor.js" type="module">' in html


def test_editor_assets_are_served_from_static_files(client, editor):
    client.force_login(editor)
    html = client.get(ADD_URL).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]*django_prose_editor[^"]*)"', html)
    imported = re.findall(r'"(/[^"]*django_prose_editor/[^"]+)"', html)
    assert len(assets) >= 4
    for url in {*assets, *imported}:
        assert url.startswith("/static/django_prose_editor/"), url
        assert finders.find(url.removeprefix("/static/")), url
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_editor_offers_only_what_the_sanitiser_keeps():
    allowlist = allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS))
    assert allowlist["tags"] <= ALLOWED_TAGS
    assert {"h1", "h5", "h6", "span", "div", "iframe"}.isdisjoint(allowlist["tags"])
    for tag, attributes in allowlist["attributes"].items():
        for attribute in attributes:
            if (tag, attribute) not in SANITISER_OWNED:
                assert sanitiser_allows(tag, attribute), (tag, attribute)
    assert allowlist["url_schemes"] == {"http", "https", "mailto"}


def test_editor_output_passes_the_sanitiser_unchanged():
    assert clean_html(EDITOR_DOCUMENT) == EDITOR_DOCUMENT


def test_editor_link_keeps_its_rel():
    editor_link = (
        '<p><a rel="noopener noreferrer" href="https://x.example.com">x</a></p>'
    )
    assert clean_html(editor_link) == (
        '<p><a href="https://x.example.com" rel="noopener noreferrer">x</a></p>'
    )


def test_figures_keep_only_the_editors_classes():
    hostile = '<figure class="evil"><figcaption class="figure">x</figcaption></figure>'
    assert clean_html(hostile) == "<figure><figcaption>x</figcaption></figure>"


HOSTILE_BODY = (
    "<script>alert('script')</script>"
    '<p onclick="alert(1)" style="color:red">Hello <a href="javascript:alert(2)">'
    "click</a></p>"
    '<img src="javascript:alert(3)" onerror="alert(4)">'
    '<iframe src="https://evil.example.com/"></iframe>'
    "<svg><script>alert(5)</script></svg>"
    '<h1>Big</h1><figure class="x" onmouseover="alert(6)"><img src="/media/a.jpg" '
    'alt="ok"></figure>'
)


def test_crafted_post_with_scripts_is_cleaned_all_the_same(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(body=HOSTILE_BODY))
    assert response.status_code == HTTPStatus.FOUND
    body = Article.objects.get().body
    for bad in ("<script", "alert", "onclick", "onerror", "onmouseover", "style=",
                "javascript:", "<iframe", "<svg", "<h1", 'class="x"'):  # fmt: skip
        assert bad not in body, bad
    assert "<p>Hello <a>click</a></p>" in body
    assert '<figure><img src="/media/a.jpg" alt="ok"></figure>' in body
    page = client.get(Article.objects.get().get_absolute_url())
    assert b"alert" not in page.content
