"""Linked translations (articles/translations.py): the admin, both pages, caching."""

import datetime
from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_trash

from .adminforms import article_form_data
from .factories import ArticleFactory, ChineseFactory, TraditionalChineseFactory
from .test_metadata import Head

pytestmark = pytest.mark.django_db

SITE = "https://gba.example.com"
# Those of an article page (tests/test_queries.py) and the story's other versions.
MAX_LINKED_ARTICLE_QUERIES = 16


@pytest.fixture
def english(category):
    return ArticleFactory(
        title="Shenzhen opens a chip line",
        language__code="en",
        categories=[category],
    )


@pytest.fixture
def chinese(category, english):
    return ArticleFactory(
        title="深圳发布信息技术新政策",
        lead="新政策支持软件企业发展。",
        language=ChineseFactory(),
        categories=[category],
        translation_of=english,
    )


def head(response) -> Head:
    assert response.status_code == 200
    return Head(response.content.decode())


def alternates(response) -> dict[str, str]:
    """hreflang -> href of the page's alternates; each hreflang appears once."""
    found = [
        (link["hreflang"], link["href"])
        for link in head(response).links
        if link.get("rel") == "alternate" and "hreflang" in link
    ]
    names = [name for name, _href in found]
    assert len(names) == len(set(names)), names
    return dict(found)


def news_article(response) -> dict:
    return next(d for d in head(response).json_ld if d["@type"] == "NewsArticle")


def path_in(article, prefix=""):
    return prefix + article.get_absolute_url()


def test_each_version_links_to_the_other(client, english, chinese):
    page = client.get(english.get_absolute_url()).content.decode()
    assert f'<a href="/zh-hans{chinese.get_absolute_url()}"' in page
    assert ">另有中文版</a>" in page
    page = client.get(chinese.get_absolute_url()).content.decode()
    assert f'<a href="{english.get_absolute_url()}" hreflang="en"' in page
    assert ">Also in English</a>" in page


def test_a_chinese_reader_stays_in_their_script(client, english, chinese):
    page = client.get("/zh-hant" + english.get_absolute_url()).content.decode()
    assert f'href="/zh-hant{chinese.get_absolute_url()}" hreflang="zh-Hant"' in page
    page = client.get("/zh-hant" + chinese.get_absolute_url()).content.decode()
    assert f'href="{english.get_absolute_url()}" hreflang="en"' in page
    assert "另有英文版" not in page  # labelled in English, the other version's language


def test_unlinked_article_shows_no_links(client, english):
    page = client.get(english.get_absolute_url()).content.decode()
    assert "另有中文版" not in page and "story-versions" not in page


def test_both_pages_name_the_same_alternates(client, english, chinese):
    expected = {
        "en": SITE + english.get_absolute_url(),
        "x-default": SITE + english.get_absolute_url(),
        "zh-Hans": SITE + "/zh-hans" + chinese.get_absolute_url(),
        "zh-Hant": SITE + "/zh-hant" + chinese.get_absolute_url(),
    }
    for prefix in ("", "/zh-hans", "/zh-hant"):
        assert alternates(client.get(prefix + english.get_absolute_url())) == expected
        assert alternates(client.get(prefix + chinese.get_absolute_url())) == expected


def test_traditional_version_stands_for_zh_hant(client, english, category):
    simplified = ArticleFactory(
        language=ChineseFactory(), translation_of=english, categories=[category]
    )
    traditional = ArticleFactory(
        language=TraditionalChineseFactory(),
        translation_of=english,
        categories=[category],
    )
    found = alternates(client.get(english.get_absolute_url()))
    assert found["zh-Hans"] == SITE + "/zh-hans" + simplified.get_absolute_url()
    assert found["zh-Hant"] == SITE + "/zh-hant" + traditional.get_absolute_url()
    assert alternates(client.get(traditional.get_absolute_url())) == found


def test_json_ld_names_the_original_and_its_translations(client, english, chinese):
    original = news_article(client.get(english.get_absolute_url()))
    translation = news_article(client.get(chinese.get_absolute_url()))
    english_url = SITE + english.get_absolute_url()
    chinese_url = SITE + "/zh-hans" + chinese.get_absolute_url()
    assert original["@id"] == english_url
    assert translation["@id"] == chinese_url
    assert translation["translationOfWork"]["@id"] == english_url
    assert translation["translationOfWork"]["inLanguage"] == "en"
    assert [work["@id"] for work in original["workTranslation"]] == [chinese_url]
    assert "workTranslation" not in translation
    assert "translationOfWork" not in original


def test_unpublished_version_is_not_offered(client, english, chinese):
    chinese.status = Article.Status.DRAFT
    chinese.save()
    response = client.get(english.get_absolute_url())
    assert "另有中文版" not in response.content.decode()
    assert "workTranslation" not in news_article(response)
    assert alternates(response)["zh-Hans"] == SITE + "/zh-hans" + path_in(english)


def test_linking_in_the_admin(client, editor, english, category):
    chinese = ArticleFactory(language=ChineseFactory(), categories=[category])
    client.force_login(editor)
    data = article_form_data(client, chinese)
    data["translation_of"] = english.pk
    url = reverse("admin:articles_article_change", args=[chinese.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    chinese.refresh_from_db()
    assert chinese.translation_of == english
    page = client.get(url).content.decode()
    assert english.title in page  # the translation group


def test_the_translation_field_is_an_autocomplete(client, editor, chinese):
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[chinese.pk])
    page = client.get(url).content.decode()
    assert 'data-model-name="article"' in page and "admin-autocomplete" in page
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "chip line",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "translation_of",
        },
    ).json()
    assert [r["text"] for r in found["results"]] == ["Shenzhen opens a chip line"]


def test_one_version_per_language_is_a_form_error(client, editor, english, chinese):
    second = ArticleFactory(
        language=ChineseFactory(), categories=chinese.categories.all()
    )
    client.force_login(editor)
    data = article_form_data(client, second)
    data["translation_of"] = english.pk
    response = client.post(
        reverse("admin:articles_article_change", args=[second.pk]), data
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "one version per language" in str(errors)
    second.refresh_from_db()
    assert second.translation_of is None


@pytest.mark.parametrize(
    "case, message",
    [
        ("same language", "same language"),
        ("itself", "translation of itself"),
        ("chain", "is itself a translation"),
    ],
)
def test_invalid_links_are_form_errors(client, editor, english, chinese, case, message):
    client.force_login(editor)
    target = {
        "same language": (ArticleFactory(language__code="en"), english),
        "itself": (english, english),
        "chain": (ArticleFactory(language__code="fr"), chinese),
    }[case]
    article, original = target
    data = article_form_data(client, article)
    data["translation_of"] = original.pk
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["translation_of"])


def test_database_refuses_two_translations_in_one_language(english, chinese):
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(language=ChineseFactory(), translation_of=english)


def test_admin_warns_when_the_other_version_is_newer(client, editor, english, chinese):
    later = timezone.now() + datetime.timedelta(hours=1)
    Article.objects.filter(pk=english.pk).update(updated_at=later)
    client.force_login(editor)
    page = client.get(
        reverse("admin:articles_article_change", args=[chinese.pk])
    ).content.decode()
    assert "The English version was updated on" in page
    changelist = client.get(reverse("admin:articles_article_changelist")).content
    assert changelist.decode().count("The English version was updated on") == 1
    page = client.get(
        reverse("admin:articles_article_change", args=[english.pk])
    ).content.decode()
    assert "version was updated on" not in page


def test_changelist_queries_do_not_grow_with_groups(
    client, editor, english, category, django_assert_max_num_queries
):
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    ArticleFactory(language=ChineseFactory(), translation_of=english)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(5):
        original = ArticleFactory(language__code="en", categories=[category])
        ArticleFactory(
            language=TraditionalChineseFactory(),
            translation_of=original,
            title=f"故事 {n}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_linking_retires_both_cached_pages(client, page_cache, english, category):
    chinese = ArticleFactory(language=ChineseFactory(), categories=[category])
    for article in (english, chinese):
        client.get(article.get_absolute_url())
        hit = client.get(article.get_absolute_url())
        assert hit.headers["X-Page-Cache"] == "hit"
    chinese.translation_of = english
    chinese.save()
    response = client.get(english.get_absolute_url())
    assert response.headers["X-Page-Cache"] == "miss"
    assert "另有中文版" in response.content.decode()
    response = client.get(chinese.get_absolute_url())
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Also in English" in response.content.decode()


def test_unlinking_retires_both_cached_pages(client, page_cache, english, chinese):
    pages = {
        english.get_absolute_url(): "另有中文版",
        chinese.get_absolute_url(): "Also in English",
    }
    for url, link in pages.items():
        assert link in client.get(url).content.decode()
        assert client.get(url).headers["X-Page-Cache"] == "hit"
    chinese.translation_of = None
    chinese.save()
    for url, link in pages.items():
        response = client.get(url)
        assert response.headers["X-Page-Cache"] == "miss", url
        assert link not in response.content.decode(), url


def test_editing_one_version_retires_the_other(client, page_cache, english, chinese):
    client.get(english.get_absolute_url())
    assert client.get(english.get_absolute_url()).headers["X-Page-Cache"] == "hit"
    chinese.title = "深圳芯片生产线投产"
    chinese.save()
    response = client.get(english.get_absolute_url())
    assert response.headers["X-Page-Cache"] == "miss"
    assert news_article(response)["workTranslation"][0]["headline"] == chinese.title


def test_deleting_a_version_retires_the_other(client, page_cache, english, chinese):
    url = chinese.get_absolute_url()
    assert "Also in English" in client.get(url).content.decode()
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    english.delete()
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Also in English" not in response.content.decode()


def test_article_page_queries_stay_bounded(
    client, english, category, django_assert_max_num_queries
):
    for code in ("zh-hans", "zh-hant", "fr", "de"):
        ArticleFactory(language__code=code, translation_of=english)
    with django_assert_max_num_queries(MAX_LINKED_ARTICLE_QUERIES):
        response = client.get(english.get_absolute_url())
    assert len(news_article(response)["workTranslation"]) == 4
    with django_assert_max_num_queries(MAX_LINKED_ARTICLE_QUERIES):
        client.get("/zh-hant" + english.get_absolute_url())


def test_trashing_a_version_retires_the_other(
    client, page_cache, editor, english, chinese, django_capture_on_commit_callbacks
):
    client.get(english.get_absolute_url())
    assert client.get(english.get_absolute_url()).headers["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article_trash(article=chinese, actor=editor)
    response = client.get(english.get_absolute_url())
    assert response.headers["X-Page-Cache"] == "miss"
    assert "另有中文版" not in response.content.decode()
