"""The front page: lead story, sections' headlines, latest stories, archive links."""

import datetime
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, SourceLink

from .factories import (
    ArticleFactory,
    CategoryFactory,
    SourceFactory,
    SourceLinkFactory,
)
from .pages import cached, count_queries, page

pytestmark = pytest.mark.django_db

# Stamps (site, home, the sections' archives, the stories: four reads), next
# scheduled time, navigation, latest ids, the sections' ids, first and last dates,
# recent months, headlines
# (articles, categories), the lead's entry (articles, categories, bylines, tags,
# links), the most read list (one aggregate).
MAX_FRONT_QUERIES = 17


def hours_ago(n):
    return timezone.now() - datetime.timedelta(hours=n)


def front(response):
    return response.context_data["front"]


@pytest.fixture
def sections():
    return [
        CategoryFactory(name="Innovation", slug="innovation", position=0),
        CategoryFactory(name="Policy", slug="policy", position=1),
        CategoryFactory(name="Finance", slug="finance", position=2),
    ]


def test_the_newest_story_with_an_image_leads(client, sections):
    innovation = sections[0]
    ArticleFactory(title="Older", categories=[innovation], published_at=hours_ago(3))
    pictured = ArticleFactory(
        title="Pictured",
        categories=[innovation],
        with_image=True,
        published_at=hours_ago(2),
    )
    ArticleFactory(title="Newest", categories=[innovation], published_at=hours_ago(1))
    response = client.get("/")
    assert front(response).lead.pk == pictured.pk
    html = response.content.decode()
    lead = html.split('<section class="front-lead"', 1)[1].split("</section>", 1)[0]
    assert "Pictured" in lead
    assert 'class="entry-image"' in lead and 'alt="Victoria Harbour at night"' in lead
    assert 'loading="eager"' in lead
    assert "The lead of Pictured." in lead
    assert [e.title for e in front(response).latest] == ["Newest", "Older"]


def test_without_images_the_newest_story_leads(client, sections):
    ArticleFactory(title="Older", categories=[sections[0]], published_at=hours_ago(2))
    newest = ArticleFactory(
        title="Newest", categories=[sections[1]], published_at=hours_ago(1)
    )
    response = client.get("/")
    assert front(response).lead.pk == newest.pk
    assert "The lead of Newest." in response.content.decode()


def test_each_section_shows_its_newest_headlines_in_navigation_order(client, sections):
    innovation, policy, finance = sections
    lead = ArticleFactory(title="Lead", categories=[policy], with_image=True)
    for i in range(6):
        ArticleFactory(
            title=f"Innovation {i}",
            categories=[innovation],
            published_at=hours_ago(i + 30),
        )
    ArticleFactory(title="Policy 1", categories=[policy], published_at=hours_ago(50))
    response = client.get("/")
    shown = [
        (section.category.name, [entry.title for entry in section.headlines])
        for section in front(response).sections
    ]
    # Finance has no story: no section. The lead is not repeated under Policy.
    assert shown == [
        ("Innovation", [f"Innovation {i}" for i in range(4)]),
        ("Policy", ["Policy 1"]),
    ]
    html = response.content.decode()
    assert 'href="/category/innovation/">More in Innovation' in html
    section = html.split('id="section-1"', 1)[1].split("</section>", 1)[0]
    assert '<li class="headline">' in section
    assert "The lead of" not in section  # compact: no leads
    assert lead.title not in section
    assert finance.name not in html.split("<main", 1)[1].split("Latest", 1)[0]


def test_latest_is_the_newest_page_and_page_two_the_numbered_archive(client, sections):
    stories = [
        ArticleFactory(
            title=f"Story {i:02d}",
            categories=[sections[i % 3]],
            published_at=hours_ago(i),
        )
        for i in range(1, 13)
    ]
    response = client.get("/")
    assert front(response).lead.pk == stories[0].pk
    assert [e.pk for e in front(response).latest] == [a.pk for a in stories[1:10]]
    html = response.content.decode()
    assert '<a href="/page/2/" rel="next">Older stories' in html
    assert '<link rel="next" href="https://gba.example.com/page/2/">' in html
    assert '<link rel="canonical" href="https://gba.example.com/">' in html
    second = client.get("/page/2/")
    assert [e.pk for e in second.context_data["articles"]] == [
        stories[10].pk,
        stories[11].pk,
    ]
    assert "Page 2 of 2" in second.content.decode()
    assert '<link rel="prev" href="https://gba.example.com/">' in (
        second.content.decode()
    )
    assert client.get("/page/3/").status_code == HTTPStatus.NOT_FOUND
    first = client.get("/page/1/")
    assert (first.status_code, first["Location"]) == (HTTPStatus.MOVED_PERMANENTLY, "/")


def test_a_short_archive_has_no_page_two(client, sections):
    ArticleFactory(categories=[sections[0]])
    html = page(client)
    assert "Older stories" not in html
    assert 'rel="next"' not in html
    assert client.get("/page/2/").status_code == HTTPStatus.NOT_FOUND


def test_an_empty_site_says_so(client):
    html = page(client)
    assert "No stories have been published here yet." in html
    assert "Archives</h2>" not in html


def test_unpublished_and_scheduled_stories_stay_off(client, sections):
    shown = ArticleFactory(title="Shown", categories=[sections[0]])
    ArticleFactory(
        title="Scheduled",
        categories=[sections[0]],
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    ArticleFactory(title="Draft", categories=[sections[1]], status=Article.Status.DRAFT)
    response = client.get("/")
    assert front(response).lead.pk == shown.pk
    html = response.content.decode()
    assert "Scheduled" not in html and "Draft" not in html
    assert [s.category.name for s in front(response).sections] == []


def test_date_and_source_archives_are_linked(client, sections):
    zone = timezone.get_current_timezone()
    for year, month in [(2020, 5), (2020, 6), (2019, 12), (2019, 6), (2018, 3)]:
        ArticleFactory(
            categories=[sections[0]],
            published_at=datetime.datetime(year, month, 10, 12, tzinfo=zone),
        )
    html = page(client)
    assert html.index('href="/2020/06/">June 2020') < html.index(
        'href="/2020/05/">May 2020'
    )
    assert 'href="/2019/12/">December 2019' in html
    # Twelve months up to the newest story's; older ones through their year.
    assert 'href="/2019/07/">' not in html and 'href="/2019/06/">' not in html
    assert (
        'href="/2020/">2020</a>, <a href="/2019/">2019</a>, <a href="/2018/">2018</a>'
    ) in html
    assert 'href="/sources/">Stories by source' in html
    # Every page's footer reaches the sources, whatever it shows.
    assert 'href="/sources/">Sources</a>' in page(client, "/category/innovation/")
    for url in ("/2020/06/", "/2019/12/", "/2020/", "/2019/", "/2018/"):
        assert client.get(url).status_code == HTTPStatus.OK


def test_sources_page_lists_cited_sources_with_their_counts(
    client, sections, django_capture_on_commit_callbacks
):
    caixin = SourceFactory(name="Caixin", slug="caixin")
    xinhua = SourceFactory(name="新华社", slug="xinhua")
    SourceFactory(name="Uncited", slug="uncited")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            SourceLinkFactory(
                article=ArticleFactory(categories=[sections[0]]), source=caixin
            )
        SourceLinkFactory(
            article=ArticleFactory(categories=[sections[0]]), source=xinhua
        )
        SourceLinkFactory(
            article=ArticleFactory(categories=[sections[0]]),
            source=SourceFactory(name="Pending only", slug="pending"),
            status=SourceLink.Status.PENDING,
        )
    html = page(client, "/sources/")
    assert '<a href="/source/caixin/">Caixin</a>' in html
    assert "2 stories" in html and "1 story" in html
    assert '<a href="/source/xinhua/" lang="zh">新华社</a>' in html
    assert "Uncited" not in html and "Pending only" not in html
    assert "<title>Sources | GBA Tech News</title>" in html


def test_an_article_links_the_archive_of_each_source_it_cites(client, sections):
    caixin = SourceFactory(name="Caixin", slug="caixin")
    xinhua = SourceFactory(name="新华社", slug="xinhua")
    article = ArticleFactory(categories=[sections[0]])
    for n, source in enumerate([caixin, caixin, xinhua]):
        SourceLinkFactory(
            article=article, source=source, url=f"https://news.example/{n}"
        )
    SourceLinkFactory(
        article=article,
        source=SourceFactory(name="Pending", slug="pending"),
        status=SourceLink.Status.PENDING,
    )
    html = page(client, article.get_absolute_url())
    archives = html.split('<ul class="source-archives">')[1].split("</ul>")[0]
    # One link per source, in the order they are cited; pending links name none.
    assert re.findall(r'href="([^"]+)"', archives) == [
        "/source/caixin/",
        "/source/xinhua/",
    ]
    assert '>More from <span class="source-name">Caixin</span></a>' in archives
    assert '<span class="source-name" lang="zh">新华社</span>' in archives
    assert client.get("/source/caixin/").status_code == HTTPStatus.OK
    # Lists of articles show the attributions alone.
    assert "source-archives" not in page(client, "/category/innovation/")
    # An article without approved links has no such list.
    bare = ArticleFactory(categories=[sections[0]])
    assert "source-archives" not in page(client, bare.get_absolute_url())


def test_a_renamed_source_shows_on_the_cached_article_page(
    client, page_cache, sections
):
    source = SourceFactory(name="Caixin", slug="caixin")
    article = ArticleFactory(categories=[sections[0]])
    SourceLinkFactory(article=article, source=source)
    url = article.get_absolute_url()
    client.get(url)
    assert cached(client, url)
    source.name, source.slug = "Caixin Global", "caixin-global"
    source.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    html = response.content.decode()
    assert (
        '<a href="/source/caixin-global/">More from '
        '<span class="source-name">Caixin Global</span>' in html
    )


def test_an_edit_in_one_section_shows_on_the_cached_front_page(
    client, page_cache, sections
):
    innovation, policy, finance = sections
    ArticleFactory(title="Lead story", categories=[innovation], with_image=True)
    in_policy = ArticleFactory(
        title="Policy headline", categories=[policy], published_at=hours_ago(30)
    )
    client.get("/")
    assert cached(client)
    in_policy.title = "Policy headline, revised"
    in_policy.save()
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Policy headline, revised" in response.content.decode()
    assert cached(client)


def test_a_story_joining_a_section_shows_on_the_cached_front_page(
    client, page_cache, settings, sections
):
    settings.ARTICLES_PER_PAGE = 2
    innovation, policy, finance = sections
    ArticleFactory(title="Lead story", categories=[innovation])
    for i in range(5):
        ArticleFactory(categories=[innovation], published_at=hours_ago(i + 2))
    old = ArticleFactory(
        title="Old story", categories=[innovation], published_at=hours_ago(90)
    )
    client.get("/")
    assert cached(client)
    assert "Old story" not in client.get("/").content.decode()
    # Not on the latest page, but the newest in Finance once filed there.
    old.categories.add(finance)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    finance_section = response.content.decode().split(">Finance</a></h2>", 1)[1]
    assert "Old story" in finance_section.split("</section>", 1)[0]


def test_an_edit_of_a_story_not_on_the_front_page_keeps_it_cached(
    client, page_cache, settings, sections
):
    settings.ARTICLES_PER_PAGE = 2
    innovation = sections[0]
    for i in range(7):
        ArticleFactory(categories=[innovation], published_at=hours_ago(i + 1))
    old = ArticleFactory(categories=[innovation], published_at=hours_ago(90))
    client.get("/")
    assert cached(client)
    old.title = "Edited far down the archive"
    old.save()
    assert cached(client)


def test_renaming_a_section_shows_on_the_cached_front_page(
    client, page_cache, sections
):
    ArticleFactory(categories=[sections[0]], published_at=hours_ago(1))
    ArticleFactory(categories=[sections[1]], published_at=hours_ago(5))
    client.get("/")
    assert cached(client)
    sections[1].name = "Regulation"
    sections[1].save()
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert 'href="/category/policy/">Regulation</a></h2>' in response.content.decode()


def test_the_sources_page_follows_link_approvals(
    client, page_cache, sections, moderator, django_capture_on_commit_callbacks
):
    from articles.services import source_link_approve

    source = SourceFactory(name="Caixin", slug="caixin")
    link = SourceLinkFactory(
        article=ArticleFactory(categories=[sections[0]]),
        source=source,
        status=SourceLink.Status.PENDING,
    )
    client.get("/sources/")
    assert cached(client, "/sources/")
    with django_capture_on_commit_callbacks(execute=True):
        source_link_approve(link=link, actor=moderator)
    response = client.get("/sources/")
    assert response["X-Page-Cache"] == "miss"
    assert '<a href="/source/caixin/">Caixin</a>' in response.content.decode()


def fill(categories, per_category):
    n = 0
    for category in categories:
        for _ in range(per_category):
            n += 1
            article = ArticleFactory(
                categories=[category],
                tags=["Shenzhen"],
                with_image=n % 3 == 0,
                published_at=hours_ago(n),
            )
            SourceLinkFactory(article=article, source=None)


def test_front_page_queries_do_not_grow_with_sections_or_stories(
    client, django_assert_max_num_queries
):
    fill([CategoryFactory()], 1)
    with django_assert_max_num_queries(MAX_FRONT_QUERIES):
        client.get("/")
    client.get("/search/")  # navigation and the next scheduled time, as they were
    small = count_queries(client)
    fill([CategoryFactory() for _ in range(12)], 8)
    client.get("/search/")
    with django_assert_max_num_queries(MAX_FRONT_QUERIES):
        response = client.get("/")
    assert len(front(response).sections) == 13
    assert len(front(response).latest) == settings.ARTICLES_PER_PAGE - 1
    client.get("/search/")
    assert count_queries(client) == small


def test_steady_state_front_page_reads_only_stamps(client, sections):
    """Ids, sections, months and headlines are all kept per version: once they
    are, the page reads the stamps of what it shows and nothing else."""
    fill(sections, 5)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert all("articles_stamp" in q["sql"] for q in queries.captured_queries)
    assert len(queries) <= 3


def test_narrow_screens_get_a_one_line_category_menu():
    """Below desktop width the menu scrolls sideways instead of wrapping (CSS only)."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    narrow = re.search(
        r"@media \(max-width: 47\.99em\) \{(.*?)\n\}", css, flags=re.DOTALL
    )
    assert narrow, "no narrow-screen rules"
    rules = narrow.group(1)
    menu = re.search(r"\.site-nav ul \{([^}]*)\}", rules).group(1)
    assert "flex-wrap: nowrap" in menu
    assert "overflow-x: auto" in menu
    assert "white-space: nowrap" in menu


def test_headlines_and_section_names_are_escaped(client):
    hostile = '<script>alert("x")</script>'
    category = CategoryFactory(name=f"Cat {hostile}", slug="cat")
    ArticleFactory(categories=[category], published_at=hours_ago(1))
    ArticleFactory(title=f"Title {hostile}", categories=[category], with_image=False)
    html = page(client).split("<main", 1)[1]
    assert "<script>alert" not in html
    assert '<a class="headline-title" href=' in html
    assert "Title &lt;script&gt;alert" in html
    assert 'href="/category/cat/">Cat &lt;script&gt;alert' in html
