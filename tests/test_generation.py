"""generate_articles --shape bench loads exactly the benchmark data shape."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from articles.generation import load_datashape
from articles.models import (
    Article,
    CategoryEntry,
    SourceLink,
    SourceLinkDecision,
    TagEntry,
)

pytestmark = pytest.mark.django_db

COUNT = 200


def generate(count=COUNT):
    out = StringIO()
    call_command(
        "generate_articles",
        "--shape",
        "bench",
        "--count",
        count,
        "--jobs",
        1,
        stdout=out,
    )
    return out.getvalue()


def test_bench_shape_matches_datashape_records():
    generate()
    shape = load_datashape()
    records = list(shape.generate(COUNT, shape.DEFAULT_SEED))
    articles = {
        a.slug: a
        for a in Article.objects.prefetch_related(
            "categories", "tags", "source_links__source"
        ).select_related("language")
    }
    assert len(articles) == COUNT
    for record in records:
        article = articles[record.slug]
        assert article.title == record.title
        assert article.lead == record.excerpt
        assert article.published_at == datetime.datetime.fromisoformat(
            record.published_at
        )
        assert article.status == record.status
        assert article.language.code == record.language
        assert sorted(c.name for c in article.categories.all()) == sorted(
            record.categories
        )
        assert {c.slug for c in article.categories.all()} == {
            name.lower() for name in record.categories
        }
        assert sorted(t.name for t in article.tags.all()) == sorted(record.tags)
        links = list(article.source_links.all())
        assert sorted(link.url for link in links) == sorted(record.source_links)
        assert {link.source.homepage for link in links} == {record.source["url"]}
        assert {link.status for link in links} == {SourceLink.Status.APPROVED}


def test_generated_links_are_approved_with_a_decision_on_record():
    """Through the one write path for link decisions, as the demo's links are."""
    generate()
    links = SourceLink.objects.all()
    assert links.count() > 0
    decided = SourceLinkDecision.objects.filter(
        action=SourceLinkDecision.action_for(SourceLink.Status.APPROVED)
    )
    assert sorted(decided.values_list("link_id", flat=True)) == sorted(
        links.values_list("pk", flat=True)
    )
    assert set(decided.values_list("reason", flat=True)) == {
        "Imported already approved (generated data)."
    }


def test_bench_bodies_are_sanitised():
    generate(20)
    bodies = Article.objects.values_list("body", flat=True)
    assert all('rel="noopener noreferrer"' in body for body in bodies)


def test_second_run_creates_nothing_and_a_larger_count_extends():
    first = generate(50)
    assert "Created 50 articles" in first
    again = generate(50)
    assert "Created 0 articles (50 existed)" in again
    assert Article.objects.count() == 50
    generate(60)
    assert Article.objects.count() == 60


def test_drafts_stay_off_category_pages(client):
    generate()
    shape = load_datashape()
    records = list(shape.generate(COUNT, shape.DEFAULT_SEED))
    drafts = [r for r in records if r.status == "draft"]
    assert drafts, "the first 200 records include drafts"
    published = Article.objects.published()
    assert CategoryEntry.objects.count() == sum(
        article.categories.count() for article in published
    )
    assert TagEntry.objects.count() == sum(
        article.tags.count() for article in published
    )
    draft = drafts[0]
    slug = draft.categories[0].lower()
    response = client.get(f"/category/{slug}/")
    assert response.status_code == 200
    expected = published.filter(categories__slug=slug).count()
    assert response.context_data["paginator"].count == expected
    assert not CategoryEntry.objects.filter(article__slug=draft.slug).exists()


def test_recent_shape_stores_publication_times_to_the_whole_second():
    """Moved to end a day ago, the dates keep whole seconds as the admin needs."""
    call_command(
        "generate_articles",
        *("--shape", "recent", "--count", 20, "--jobs", 1),
        stdout=StringIO(),
    )
    times = list(Article.objects.values_list("published_at", flat=True))
    assert times and all(when.microsecond == 0 for when in times)


@pytest.mark.parametrize(
    ("seed", "count", "shape"),
    [(1, 1, "bench"), (7, 30, "recent"), (20250102, 25, "bench"), (0, 12, "recent")],
)
def test_any_seed_and_count_load_that_seeds_records(seed, count, shape):
    """Each seed's records cite the sources of that seed, which are created."""
    out = StringIO()
    call_command(
        "generate_articles",
        *("--shape", shape, "--seed", seed, "--count", count, "--jobs", 1),
        stdout=out,
    )
    assert f"Created {count} articles" in out.getvalue()
    records = list(load_datashape().generate(count, seed))
    homepages = dict(
        SourceLink.objects.values_list("article__slug", "source__homepage")
    )
    assert homepages == {record.slug: record.source["url"] for record in records}


def test_two_seeds_share_a_database():
    for seed in (3, 4):
        call_command(
            "generate_articles",
            *("--shape", "bench", "--seed", seed, "--count", 20, "--jobs", 1),
            stdout=StringIO(),
        )
    assert Article.objects.count() == 40
