"""Related articles on the article page."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def related_titles(client, article):
    response = client.get(article.get_absolute_url())
    return [a.title for a in response.context_data["related_articles"]]


def test_shared_tags_rank_first_then_categories_then_recency(client, category):
    other = CategoryFactory(name="Finance")
    main = ArticleFactory(
        title="Main", categories=[category], tags=["ev", "byd", "battery"]
    )
    ArticleFactory(
        title="Two tags",
        categories=[other],
        tags=["ev", "byd"],
        published_at=days_ago(9),
    )
    ArticleFactory(
        title="One tag", categories=[other], tags=["ev"], published_at=days_ago(2)
    )
    ArticleFactory(
        title="Same category old", categories=[category], published_at=days_ago(8)
    )
    ArticleFactory(
        title="Same category new", categories=[category], published_at=days_ago(3)
    )
    ArticleFactory(title="Unrelated", categories=[other], tags=["weather"])
    assert related_titles(client, main) == [
        "Two tags",
        "One tag",
        "Same category new",
        "Same category old",
    ]


def test_at_most_five_and_only_published(client, category):
    main = ArticleFactory(title="Main", categories=[category], tags=["ev"])
    ArticleFactory.create_batch(7, categories=[category], tags=["ev"])
    ArticleFactory(
        title="Draft",
        categories=[category],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    ArticleFactory(
        title="Later",
        categories=[category],
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    titles = related_titles(client, main)
    assert len(titles) == 5
    assert "Main" not in titles and "Draft" not in titles and "Later" not in titles


def test_related_list_is_rendered(client, category):
    main = ArticleFactory(title="Main", categories=[category])
    other = ArticleFactory(title="Neighbour", categories=[category])
    html = client.get(main.get_absolute_url()).content.decode()
    assert "Related stories" in html
    assert f'<a href="{other.get_absolute_url()}">Neighbour</a>' in html


def test_no_related_no_section(client, category):
    main = ArticleFactory(title="Alone", categories=[category])
    assert "Related stories" not in client.get(main.get_absolute_url()).content.decode()


@pytest.mark.parametrize("n", [1, 50])
def test_related_articles_cost_at_most_two_queries(
    client, category, django_assert_max_num_queries, n
):
    main = ArticleFactory(categories=[category], tags=[f"t{i}" for i in range(10)])
    for i in range(n):
        ArticleFactory(categories=[category], tags=[f"t{i % 10}"])
    loaded = Article.objects.for_listing().get(pk=main.pk)
    with django_assert_max_num_queries(2):
        related = Article.objects.published().related_ids(loaded, limit=5)
    assert len(related) == min(n, 5)


def test_related_stories_date_reads_like_the_story_date(client, category):
    """One date style per language: the story's own date and its neighbours'."""
    hk = datetime.timezone(datetime.timedelta(hours=8))
    main = ArticleFactory(
        categories=[category],
        published_at=datetime.datetime(2020, 6, 12, 9, 0, tzinfo=hk),
    )
    ArticleFactory(
        categories=[category],
        published_at=datetime.datetime(2020, 1, 5, 9, 0, tzinfo=hk),
    )
    html = client.get(main.get_absolute_url()).content.decode()
    # Django's English DATE_FORMAT: AP-style month names.
    assert '+08:00">June 12, 2020</time>' in html
    assert '+08:00">Jan. 5, 2020</time>' in html
    assert "12 June" not in html and "5 January" not in html
