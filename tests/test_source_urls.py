"""Source URLs that look like another or hide characters are refused, not repaired.

Every path refuses the same URLs with the same message: the model's full_clean(),
the service, the admin (link form, the article's inline, the queue) and imports.
"""

import copy
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Value
from django.urls import reverse
from django.utils.html import escape

from articles.demo import content
from articles.models import Article, SourceDomain, SourceLink
from articles.services import source_link_save

from .adminforms import article_form_data
from .factories import ArticleFactory, SourceFactory, SourceLinkFactory

pytestmark = pytest.mark.django_db

# (typed URL, error code, texts the message must show)
REFUSED = {
    "control at the end": (
        "https://example.com/news\n",
        "character",
        ["U+000A LINE FEED at position 25"],
    ),
    "carriage return at the end": (
        "https://example.com/news\r",
        "character",
        ["U+000D CARRIAGE RETURN at position 25"],
    ),
    "control in the middle": (
        "https://example.com/a\x07b",
        "character",
        ["U+0007 BELL at position 22"],
    ),
    "NUL in the host": (
        "https://exam\x00ple.com/",
        "character",
        ["U+0000 NULL at position 13"],
    ),
    "zero-width space in the host": (
        "https://exa\u200bmple.com/",
        "character",
        ["U+200B ZERO WIDTH SPACE at position 12"],
    ),
    "zero-width joiner in the path": (
        "https://example.com/a\u200db",
        "character",
        ["U+200D ZERO WIDTH JOINER at position 22"],
    ),
    "zero-width non-joiner in the host": (
        "https://example\u200c.com/",
        "character",
        ["U+200C ZERO WIDTH NON-JOINER at position 16"],
    ),
    "byte order mark in front": (
        "\ufeffhttps://example.com/",
        "character",
        ["U+FEFF ZERO WIDTH NO-BREAK SPACE at position 1"],
    ),
    "soft hyphen in the host": (
        "https://exam\u00adple.com/",
        "character",
        ["U+00AD SOFT HYPHEN at position 13"],
    ),
    "bidi override": (
        "https://example.com/\u202egpj.exe",
        "character",
        ["U+202E RIGHT-TO-LEFT OVERRIDE at position 21"],
    ),
    "bidi isolate": (
        "https://example.com/\u2066a",
        "character",
        ["U+2066 LEFT-TO-RIGHT ISOLATE at position 21"],
    ),
    "Hangul filler, an ignorable letter": (
        "https://example.com/\u3164",
        "character",
        ["U+3164 HANGUL FILLER at position 21"],
    ),
    "no-break space": (
        "https://example.com/a\u00a0",
        "character",
        ["U+00A0 NO-BREAK SPACE at position 22"],
    ),
    "several at once": (
        "https://a\u200b.com/\u200b\u200b\u200b",
        "character",
        ["U+200B ZERO WIDTH SPACE at position 10", "and 1 more"],
    ),
    "invalid punycode": (
        "https://xn--zz.example.com/",
        "punycode",
        ["“xn--zz” is not valid punycode"],
    ),
    "punycode of a plain ASCII label": (
        "https://xn--abc-.com/",
        "punycode",
        ["“xn--abc-” is not valid punycode"],
    ),
    "punycode hiding a control character": (
        "https://xn--a.com/",
        "character",
        ["(in ASCII “xn--a.com”)", "U+0080 <control>"],
    ),
    "Latin and Cyrillic": (
        "https://p\u0430ypal.com/",
        "mixed_script",
        [
            "“p\u0430ypal.com” (in ASCII “xn--pypal-4ve.com”)",
            "Latin and Cyrillic",
            "U+0430 CYRILLIC SMALL LETTER A",
        ],
    ),
    "Latin and Cyrillic as punycode": (
        "https://xn--pypal-4ve.com/",
        "mixed_script",
        ["“p\u0430ypal.com” (in ASCII “xn--pypal-4ve.com”)", "Latin and Cyrillic"],
    ),
    "Latin and Greek": (
        "https://g\u03bfogle.com/",
        "mixed_script",
        ["Latin and Greek", "U+03BF GREEK SMALL LETTER OMICRON"],
    ),
    "full-width letter": (
        "https://\uff45xample.com/",
        "compatibility",
        [
            "“\uff45xample.com”",
            "U+FF45 FULLWIDTH LATIN SMALL LETTER E",
            "In ASCII it is “example.com”",
        ],
    ),
    "full-width letters throughout": (
        "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/",
        "compatibility",
        ["In ASCII it is “example.com”"],
    ),
    "ideographic full stop between labels": (
        "https://例子\u3002中国/",
        "compatibility",
        [
            "U+3002 IDEOGRAPHIC FULL STOP",
            "“例子.中国”, in ASCII “xn--fsqu00a.xn--fiqs8s”",
        ],
    ),
}

ACCEPTED = {
    "ordinary": ("https://Example.com/a?id=1#x", "https://example.com/a?id=1"),
    "spaces around": ("  https://example.com/a  ", "https://example.com/a"),
    "Chinese host": (
        "https://例子.中国/新闻",
        "https://xn--fsqu00a.xn--fiqs8s/%E6%96%B0%E9%97%BB",
    ),
    "Chinese host as punycode": (
        "https://xn--fsqu00a.xn--fiqs8s/",
        "https://xn--fsqu00a.xn--fiqs8s/",
    ),
    "Japanese: Han and Katakana": (
        "https://日本語テスト.jp/",
        "https://xn--zckzah9945czlbtz6h.jp/",
    ),
    "Korean": ("https://한국어.kr/", "https://xn--3e0bk47br7k.kr/"),
    "Cyrillic alone": ("https://пример.рф/", "https://xn--e1afmkfd.xn--p1ai/"),
    "German sharp s, kept (IDNA 2008)": (
        "https://straße.de/",
        "https://xn--strae-oqa.de/",
    ),
    "digits and hyphens in a Chinese label": (
        "https://深圳-2024.中国/",
        "https://xn---2024-4y2in27k.xn--fiqs8s/",
    ),
    "many hyphens in an ASCII label": (
        "https://r3---sn-abc.googlevideo.com/v",
        "https://r3---sn-abc.googlevideo.com/v",
    ),
    "percent-encoded path": (
        "https://example.com/a%E2%80%8Bb",
        "https://example.com/a%E2%80%8Bb",
    ),
}


def refused_cases():
    return [pytest.param(*case, id=name) for name, case in REFUSED.items()]


def accepted_cases():
    return [pytest.param(*case, id=name) for name, case in ACCEPTED.items()]


@pytest.mark.parametrize(("typed", "code", "shown"), refused_cases())
def test_full_clean_refuses_on_the_url_field(article, typed, code, shown):
    link = SourceLink(article=article, url=typed)
    with pytest.raises(ValidationError) as info:
        link.full_clean()
    [error] = info.value.error_dict["url"]
    assert error.code == code
    message = error.messages[0]
    for text in shown:
        assert text in message


@pytest.mark.parametrize(("typed", "code", "shown"), refused_cases())
def test_the_service_refuses_and_stores_nothing(article, typed, code, shown):
    with pytest.raises(ValidationError) as info:
        source_link_save(link=SourceLink(article=article, url=typed), actor=None)
    assert info.value.code == code
    assert not SourceLink.objects.exists()


@pytest.mark.parametrize(("typed", "code", "shown"), refused_cases())
def test_link_admin_shows_the_error_on_the_url_field(
    admin_client, article, typed, code, shown
):
    response = admin_client.post(
        reverse("admin:articles_sourcelink_add"),
        {"article": article.pk, "url": typed, "archive_url": ""},
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors.as_data()
    assert list(errors) == ["url"]
    assert errors["url"][0].code == code
    message = errors["url"][0].messages[0]
    for text in shown:
        assert text in message
    assert escape(message) in response.content.decode()
    assert not SourceLink.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), accepted_cases())
def test_good_urls_are_accepted_on_every_path(admin_client, article, typed, stored):
    link = SourceLink(article=article, url=typed)
    link.full_clean()
    assert source_link_save(link=link, actor=None).url == stored
    other = ArticleFactory()
    response = admin_client.post(
        reverse("admin:articles_sourcelink_add"),
        {"article": other.pk, "url": typed, "archive_url": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert other.source_links.get().url == stored


def test_archive_url_is_refused_the_same_way(article):
    link = SourceLink(
        article=article,
        url="https://example.com/a",
        archive_url="https://web.archive.org/web/2020/https://exa\u200bmple.com/",
    )
    with pytest.raises(ValidationError) as info:
        link.full_clean()
    assert list(info.value.error_dict) == ["archive_url"]
    assert "U+200B ZERO WIDTH SPACE at position 45" in str(info.value)


def test_article_inline_refuses_the_link_and_keeps_what_was_typed(client, editor):
    article = ArticleFactory(title="Old title")
    client.force_login(editor)
    data = article_form_data(client, article)
    data.update(
        {
            "title": "A new title the editor typed",
            "source_links-0-article": article.pk,
            "source_links-0-url": "https://p\u0430ypal.com/login",
        }
    )
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == HTTPStatus.OK
    [inline] = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "source_links"
    ]
    assert inline.formset.errors[0]["url"][0].startswith("The host name “p\u0430ypal")
    assert response.context["adminform"].form["title"].value() == (
        "A new title the editor typed"
    )
    assert inline.formset.forms[0]["url"].value() == "https://p\u0430ypal.com/login"
    article.refresh_from_db()
    assert article.title == "Old title"
    assert not SourceLink.objects.exists()


def test_article_inline_does_not_strip_a_trailing_control(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    data = article_form_data(client, article)
    data.update(
        {
            "source_links-0-article": article.pk,
            "source_links-0-url": "https://example.com/a\t",
        }
    )
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == HTTPStatus.OK
    assert "U+0009 CHARACTER TABULATION at position 22" in response.content.decode()
    assert not SourceLink.objects.exists()


@pytest.fixture
def stored_before_the_rules(article):
    """A link whose URL was stored before these rules, a homograph in punycode."""
    link = SourceLinkFactory(article=article, url="https://example.com/old")
    # Value() skips the field's own check, as the rows of the old rules did.
    SourceLink.objects.filter(pk=link.pk).update(
        url=Value("https://xn--pypal-4ve.com/")
    )
    return SourceLink.objects.get(pk=link.pk)


def test_queue_says_why_a_url_stored_before_the_rules_cannot_be_saved(
    client, moderator, stored_before_the_rules
):
    link = stored_before_the_rules
    client.force_login(moderator)
    response = client.post(
        reverse("admin:articles_sourcelinkmoderation_change", args=[link.pk]),
        {
            "archive_url": "https://web.archive.org/web/2020/https://a.example/",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.OK
    [error] = response.context["adminform"].form.non_field_errors().as_data()
    assert error.code == "stored_url"
    assert "mixes Latin and Cyrillic" in error.messages[0]
    link.refresh_from_db()
    assert link.archive_url == ""


def test_a_url_stored_before_the_rules_can_still_be_rejected(
    client, moderator, stored_before_the_rules
):
    link = stored_before_the_rules
    client.force_login(moderator)
    response = client.post(
        reverse("admin:articles_sourcelinkmoderation_changelist") + "?status=all",
        {
            "action": "reject_selected",
            "_selected_action": [link.pk],
            "apply": "1",
            "reason": "A look-alike of another site.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    link.refresh_from_db()
    assert link.status == SourceLink.Status.REJECTED


def test_a_url_stored_before_the_rules_is_refused_on_its_field_when_shown(
    admin_client, stored_before_the_rules
):
    link = stored_before_the_rules
    response = admin_client.post(
        reverse("admin:articles_sourcelink_change", args=[link.pk]),
        {"article": link.article_id, "url": link.url, "archive_url": ""},
    )
    assert response.status_code == HTTPStatus.OK
    [error] = response.context["adminform"].form.errors.as_data()["url"]
    assert error.code == "mixed_script"


def test_domain_lists_refuse_hidden_characters(admin_client):
    source = SourceFactory()
    SourceDomain(source=source, domain="caixin.com").full_clean()
    with pytest.raises(ValidationError) as info:
        SourceDomain(source=source, domain="caixin\u200b.com").full_clean()
    assert "U+200B ZERO WIDTH SPACE at position 7" in str(info.value)
    response = admin_client.post(
        reverse("admin:articles_denieddomain_add"),
        {"domain": "spam.example\ufeff", "reason": "spam"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "U+FEFF ZERO WIDTH NO-BREAK SPACE at position 13" in (
        response.content.decode()
    )


def test_an_import_with_a_bad_url_is_refused_whole(monkeypatch):
    posts = copy.deepcopy(content.POSTS)
    posts[-1]["link"] = {"url": "https://www.sz.gov.cn/\u202ecod.exe"}
    monkeypatch.setattr(content, "POSTS", posts)
    with pytest.raises(ValidationError) as info:
        call_command("load_demo")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE at position 23" in str(info.value)
    assert not Article.objects.exists()
    assert not SourceLink.objects.exists()
