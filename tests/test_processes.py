"""A write in one process shows on every worker of every server on its next request.

Two gunicorn servers with two sync workers each share a database (tests/servers.py);
a third process writes to it through `manage.py shell`, as an editor's shell or a
cron job would. Each test first has every worker cache the pages it checks, so a
worker that missed the write would answer with its stale copy.
"""

import contextlib
import os

import pytest
from markupsafe import escape

from .servers import (
    Site,
    flush_redis,
    manage,
    running_servers,
    shared_database,
    shell_json,
    site_env,
)

pytestmark = pytest.mark.processes

SERVERS = 2
INNOVATION = "/category/innovation/"
ARTICLES = """
import json
from articles.models import Article
print(json.dumps({
    article.slug: {
        "pk": article.pk,
        "title": article.title,
        "url": article.get_absolute_url(),
        "categories": sorted(article.categories.values_list("slug", flat=True)),
    }
    for article in Article.objects.all()
}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo site on two servers; stopped, and its database dropped, at the end."""
    tmp_path = tmp_path_factory.mktemp("processes")
    redis_url = os.environ.get("REDIS_URL", "").strip()
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(shared_database(tmp_path))
        if redis_url:
            flush_redis(redis_url)
        env = site_env(database_url, tmp_path / "static", redis_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "-v0")
        yield Site(env, stack.enter_context(running_servers(env, tmp_path, SERVERS)))


@pytest.fixture(scope="module")
def articles(site):
    """The demo articles by slug: pk, title, url and category slugs."""
    return shell_json(site.env, ARTICLES)


def save_title(site, pk, title):
    site.shell(
        "from articles.models import Article\n"
        f"article = Article.objects.get(pk={pk})\n"
        f"article.title = {title!r}\n"
        "article.save()\n"
    )


def not_showing(site, paths, text, old):
    """Describe each response, from every worker, of paths that lacks text."""
    problems = []
    for path in paths:
        for response in site.everywhere(path):
            if response.status == 200 and escape(text) in response.body:
                continue
            shown = (
                f"still shows {old!r}"
                if escape(old) in response.body
                else f"shows neither {text!r} nor {old!r}"
            )
            problems.append(f"{response.describe()} {shown}")
    return problems


def test_title_saved_in_another_process_shows_on_every_worker(site, articles):
    article = articles["guangdong-2nd-in-software-output"]
    title = "Guangdong ranks second for software output"
    pages = [article["url"], INNOVATION]
    site.warm(*pages)

    save_title(site, article["pk"], title)

    stale = not_showing(site, pages, title, article["title"])
    assert stale == [], "\n".join(stale)


def test_title_updated_in_bulk_in_another_process_shows_on_every_worker(site, articles):
    """A QuerySet.update() followed by content_changed, as bulk writes do."""
    article = articles["gba-startup-communities-an-explainer"]
    title = "Startup communities of the Greater Bay Area explained"
    pages = [article["url"], INNOVATION]
    site.warm(*pages)

    pk = article["pk"]
    site.shell(
        "from articles.models import Article\n"
        "from articles.signals import content_changed\n"
        f"Article.objects.filter(pk={pk}).update(title={title!r})\n"
        f"content_changed.send(sender=Article, articles=[{pk}])\n"
    )

    stale = not_showing(site, pages, title, article["title"])
    assert stale == [], "\n".join(stale)


def test_category_renamed_in_another_process_shows_on_every_worker(site, articles):
    """The header's category menu names it on every page, other categories' too."""
    article = articles["shenzhen-adopts-blockchain-based-ids"]
    name = "Innovation & Startups"
    pages = [INNOVATION, "/category/cities/", article["url"]]
    site.warm(*pages)

    site.shell(
        "from articles.models import Category\n"
        "category = Category.objects.get(slug='innovation')\n"
        f"category.name = {name!r}\n"
        "category.save()\n"
    )

    stale = not_showing(site, pages, name, "Innovation")
    assert stale == [], "\n".join(stale)


def test_archive_without_the_edited_article_stays_cached(site, articles):
    article = articles["huawei-building-ai-research-platform"]
    title = "Huawei builds an AI research platform"
    unrelated = "/category/policy/"
    assert "policy" not in article["categories"]
    site.warm(unrelated, INNOVATION)

    save_title(site, article["pk"], title)

    not_cached = [
        response.describe()
        for response in site.everywhere(unrelated)
        if response.page_cache != "hit"
    ]
    stale = not_showing(site, [INNOVATION], title, article["title"])
    problems = not_cached + stale
    assert problems == [], "\n".join(problems)
