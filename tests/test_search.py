"""Site search, English and Chinese. The same tests run on SQLite (FTS5) and
PostgreSQL (tsvector); the backend follows the database in use."""

import datetime
import io
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SearchSynonym, SourceLink
from articles.search import parse_query, search_articles, synonyms
from articles.signals import content_changed

from .factories import (
    ArticleFactory,
    ChineseFactory,
    LanguageFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceLinkFactory,
)
from .test_admin import article_form

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def drones_in_body_and_in_older_title():
    """The word "drones" in a recent article's body and in an older one's title."""
    ArticleFactory(
        title="Ports news",
        lead="Cranes.",
        body="<p>Drones inspect cranes.</p>",
        published_at=days_ago(1),
    )
    ArticleFactory(
        title="Drones over Shenzhen", lead="Cranes.", published_at=days_ago(9)
    )


def matches(query):
    """The published articles the search page would list for query."""
    return search_articles(parse_query(query, synonyms()))


def found(query):
    return [article.title for article in matches(query)]


def chinese(title, body="", **kwargs):
    return ArticleFactory(
        title=title, lead="", body=body, language=ChineseFactory(), **kwargs
    )


class TestEnglish:
    def test_word_in_title_and_body_is_found(self):
        ArticleFactory(title="Robots in Nansha", lead="Factory floor.")
        ArticleFactory(title="Ports", body="<p>Robots unload ships.</p>")
        ArticleFactory(title="Weather", lead="Rain.")
        assert sorted(found("robots")) == ["Ports", "Robots in Nansha"]

    def test_plural_finds_singular(self):
        ArticleFactory(title="One company listed", lead="A listing.")
        assert found("companies") == ["One company listed"]

    def test_title_match_ranks_above_body_match(self):
        drones_in_body_and_in_older_title()
        assert found("drones") == ["Drones over Shenzhen", "Ports news"]

    def test_equal_relevance_is_ordered_by_recency(self):
        for days, title in [(5, "Old"), (1, "New"), (3, "Middle")]:
            ArticleFactory(
                title=title, lead="Battery swap stations.", published_at=days_ago(days)
            )
        assert found("battery") == ["New", "Middle", "Old"]

    def test_all_words_must_match(self):
        ArticleFactory(title="Battery plant", lead="Huizhou.")
        ArticleFactory(title="Battery recall", lead="Dongguan.")
        assert found("battery huizhou") == ["Battery plant"]

    def test_tags_and_approved_source_names_are_searched(
        self, django_capture_on_commit_callbacks
    ):
        tagged = ArticleFactory(title="Tagged", lead="x", tags=["Fintech"])
        cited = ArticleFactory(title="Cited", lead="x")
        with django_capture_on_commit_callbacks(execute=True):  # the approval commits
            SourceLinkFactory(
                article=cited, source=SourceFactory(name="Caixin", slug="caixin")
            )
        hidden = ArticleFactory(title="Hidden", lead="x")
        SourceLinkFactory(
            article=hidden,
            source=SourceFactory(name="Yicai", slug="yicai"),
            status=SourceLink.Status.PENDING,
        )
        assert found("fintech") == [tagged.title]
        assert found("caixin") == [cited.title]
        assert found("yicai") == []

    def test_drafts_and_scheduled_articles_are_not_found(self):
        ArticleFactory(
            title="Hydrogen draft", status=Article.Status.DRAFT, published_at=None
        )
        ArticleFactory(
            title="Hydrogen later",
            published_at=timezone.now() + datetime.timedelta(days=1),
        )
        ArticleFactory(title="Hydrogen now")
        assert found("hydrogen") == ["Hydrogen now"]


class TestChinese:
    def test_two_characters_find_them_in_a_body(self):
        chinese("新政策", "<p>今天深圳发布了新的政策。</p>")
        chinese("别的", "<p>广州的消息。</p>")
        assert found("深圳") == ["新政策"]

    def test_word_is_found_inside_a_run_of_characters(self):
        chinese("身份系统", "<p>基于区块链技术的身份系统</p>")
        assert found("区块链") == ["身份系统"]
        assert found("块链技") == ["身份系统"]
        # The characters are all there, but not next to each other.
        assert found("区块技术") == []

    def test_traditional_query_finds_simplified_text(self):
        chinese("区块链", "<p>基于区块链技术</p>")
        assert found("區塊鏈") == ["区块链"]

    def test_simplified_query_finds_traditional_text(self):
        chinese("香港數據中心", "<p>新的數據中心啟用</p>")
        assert found("数据") == ["香港數據中心"]

    def test_full_width_letters_are_folded(self):
        chinese("ＡＩ芯片", "<p>内容</p>")
        assert found("ai") == ["ＡＩ芯片"]
        assert found("ＡＩ") == ["ＡＩ芯片"]

    def test_mixed_latin_and_chinese_query(self):
        chinese("AI芯片量产", "<p>深圳企业的AI芯片</p>")
        chinese("芯片工厂", "<p>芯片</p>")
        chinese("AI 助手", "<p>助手</p>")
        assert found("AI 芯片") == ["AI芯片量产"]
        assert found("AI芯片") == ["AI芯片量产"]

    def test_single_character_query(self):
        chinese("深圳湾", "<p>海边</p>")
        chinese("广州塔", "<p>塔</p>")
        assert found("湾") == ["深圳湾"]

    def test_title_match_ranks_above_body_match(self):
        chinese("天气", "<p>前海的消息</p>", published_at=days_ago(1))
        chinese("前海新规", "<p>规定</p>", published_at=days_ago(5))
        assert found("前海") == ["前海新规", "天气"]

    def test_chinese_tag_is_searched(self):
        chinese("报道", "<p>内容</p>", tags=["人工智能"])
        assert found("人工智能") == ["报道"]


class TestIndexMaintenance:
    def test_edits_update_the_index(self):
        article = ArticleFactory(title="Lidar startup", lead="x")
        article.title = "Sonar startup"
        article.save()
        assert found("lidar") == []
        assert found("sonar") == ["Sonar startup"]

    def test_tag_and_link_changes_update_the_index(self):
        article = ArticleFactory(title="Plain", lead="x")
        article.tags.add("Semiconductors")
        assert found("semiconductors") == ["Plain"]
        article.tags.remove("Semiconductors")
        assert found("semiconductors") == []
        link = SourceLinkFactory(
            article=article,
            source=SourceFactory(name="Sixth Tone", slug="sixth-tone"),
            status=SourceLink.Status.PENDING,
        )
        assert found("sixth tone") == []
        link.status = SourceLink.Status.APPROVED
        link.save()
        assert found("sixth tone") == ["Plain"]

    def test_article_saved_in_the_admin_is_found_by_tag_and_source(
        self, client, editor, django_capture_on_commit_callbacks
    ):
        client.force_login(editor)
        # A trusted source's links are approved as they are entered; the rule's
        # decision reindexes the article once the save commits.
        source = SourceFactory(name="Nanfang Daily", slug="nanfang", is_trusted=True)
        SourceDomainFactory(source=source, domain="nanfang.example.com")
        data = article_form(
            title="Lab opens",
            lead="A lab.",
            tags="Mechatronics, 机器人",
            **{
                "source_links-TOTAL_FORMS": "1",
                "source_links-0-url": "https://nanfang.example.com/lab",
                "source_links-0-source": source.pk,
                "source_links-0-language": "",
                "source_links-0-status": SourceLink.Status.APPROVED,
            },
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:articles_article_add"), data)
        assert response.status_code == HTTPStatus.FOUND
        assert found("mechatronics") == ["Lab opens"]
        assert found("機器人") == ["Lab opens"]
        assert found("nanfang daily") == ["Lab opens"]

    def test_content_changed_signal_reindexes_bulk_updates(self):
        article = ArticleFactory(title="Tram", lead="x")
        Article.objects.filter(pk=article.pk).update(title="Monorail")
        assert found("monorail") == []
        content_changed.send(sender=Article, articles=[article.pk])
        assert found("monorail") == ["Monorail"]
        assert found("tram") == []

    def test_deleted_article_leaves_the_index(self):
        ArticleFactory(title="Maglev", lead="x").delete()
        assert found("maglev") == []

    def test_rows_written_in_bulk_are_found_after_rebuild(self):
        english = LanguageFactory()
        Article.objects.bulk_create(
            [
                Article(
                    title=f"Bulk tram {i}",
                    slug=f"bulk-tram-{i}",
                    lead="深圳有轨电车",
                    language=english,
                    status=Article.Status.PUBLISHED,
                    published_at=days_ago(i + 1),
                )
                for i in range(3)
            ]
        )
        assert found("tram") == []
        out = io.StringIO()
        call_command("rebuild_search_index", stdout=out)
        assert "Indexed 3 articles." in out.getvalue()
        assert found("tram") == ["Bulk tram 0", "Bulk tram 1", "Bulk tram 2"]
        assert len(found("电车")) == 3


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's query plan wording; see docs"
)
def test_sqlite_ranks_every_match_in_one_pass_of_the_index():
    """bm25 comes from the joined index, not a subquery run again for each match."""
    ArticleFactory(title="Robots", lead="x")
    ids = matches("robots").values_list("pk", flat=True)
    plan = ids[:10].explain()
    assert "CORRELATED" not in plan, plan
    assert plan.count("VIRTUAL TABLE") == 1, plan
    assert "SEARCH articles_article USING INTEGER PRIMARY KEY" in plan, plan
    assert list(ids) == [Article.objects.get().pk]


class TestSearchPage:
    @pytest.mark.parametrize(
        "query",
        [
            "",
            "   ",
            "x" * 10_000,
            "深" * 10_000,
            "!!! ??? ...",
            "。，、",
            '"',
            "AND OR NOT",
            "* NEAR( ^",
            "'; DROP TABLE articles_article; --",
            "a:b title:robots",
            "<script>alert(1)</script>",
            "\x00robots\x00",
        ],
    )
    def test_odd_queries_give_a_normal_page(self, client, query):
        ArticleFactory(title="Robots", lead="x")
        response = client.get("/search/", {"q": query})
        assert response.status_code == HTTPStatus.OK
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_invalid_utf8_query_gives_a_normal_page(self, client):
        assert client.get("/search/?q=%ED%A0%80%FF").status_code == HTTPStatus.OK

    def test_results_page_shows_highlighted_escaped_snippets(self, client):
        ArticleFactory(
            title="Robot arms",
            lead="<script>alert(1)</script> A robot & its arms.",
            body="<p>More about <b>robots</b> &amp; factories.</p>",
        )
        response = client.get("/search/", {"q": "robots"})
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<mark>robot</mark> &amp; its arms" in html
        assert "&amp;amp;" not in html
        response = client.get("/search/", {"q": "robots factories"})
        assert "More about <mark>robots</mark> &amp; <mark>factories</mark>." in (
            response.content.decode()
        )

    def test_chinese_snippet_marks_the_match(self, client):
        chinese("身份系统", "<p>基于區塊鏈技术的身份系统</p>")
        html = client.get("/search/", {"q": "区块链"}).content.decode()
        assert "基于<mark>區塊鏈</mark>技术" in html

    def test_pages_keep_the_query(self, client, settings):
        settings.ARTICLES_PER_PAGE = 2
        for days in range(1, 4):
            ArticleFactory(title=f"Ferry {days}", lead="x", published_at=days_ago(days))
        first = client.get("/search/", {"q": "ferry"})
        assert [a.title for a in first.context_data["articles"]] == [
            "Ferry 1",
            "Ferry 2",
        ]
        assert (
            first.context_data["next_url"]
            == "https://gba.example.com/search/page/2/?q=ferry"
        )
        second = client.get("/search/page/2/", {"q": "ferry"})
        assert [a.title for a in second.context_data["articles"]] == ["Ferry 3"]
        assert client.get("/search/page/3/", {"q": "ferry"}).status_code == 404
        redirect = client.get("/search/page/1/", {"q": "ferry"})
        assert redirect["Location"] == "/search/?q=ferry"

    def test_results_page_lists_the_best_match_first(self, client):
        drones_in_body_and_in_older_title()
        response = client.get("/search/", {"q": "drones"})
        assert [a.title for a in response.context_data["articles"]] == [
            "Drones over Shenzhen",
            "Ports news",
        ]

    def test_a_query_matching_very_many_is_listed_newest_first(self, client, settings):
        drones_in_body_and_in_older_title()
        settings.SEARCH_RANKED_MAX = 1
        response = client.get("/search/", {"q": "drones"})
        assert [a.title for a in response.context_data["articles"]] == [
            "Ports news",
            "Drones over Shenzhen",
        ]
        assert "newest first" in response.content.decode()
        settings.SEARCH_RANKED_MAX = 2
        response = client.get("/search/", {"q": "drones"})
        assert [a.title for a in response.context_data["articles"]] == [
            "Drones over Shenzhen",
            "Ports news",
        ]
        assert "newest first" not in response.content.decode()

    def test_each_query_is_counted_apart(self, client, settings):
        settings.ARTICLES_PER_PAGE = 1
        for days in range(1, 4):
            ArticleFactory(title=f"Ferry {days}", lead="x", published_at=days_ago(days))
        ArticleFactory(title="Tram", lead="x")
        ferry = client.get("/search/", {"q": "ferry"})
        assert ferry.context_data["paginator"].count == 3
        tram = client.get("/search/", {"q": "tram"})
        assert tram.context_data["paginator"].count == 1
        assert "page/2/" not in tram.content.decode()
        nothing = client.get("/search/", {"q": "zeppelin"})
        assert nothing.context_data["paginator"].count == 0
        assert client.get("/search/page/2/", {"q": "tram"}).status_code == 404

    def test_search_box_is_in_the_header(self, client):
        html = client.get("/").content.decode()
        assert (
            '<form class="search-form" role="search" method="get" action="/search/">'
            in html
        )
        assert 'name="q"' in html

    @pytest.mark.parametrize("n", [1, 50])
    def test_search_queries_are_fixed_and_never_scan_with_like(
        self, client, settings, django_assert_max_num_queries, n
    ):
        settings.ARTICLES_PER_PAGE = 50
        for i in range(n):
            article = ArticleFactory(
                title=f"Drone {i}", lead="深圳无人机", tags=["drones"]
            )
            SourceLinkFactory(article=article)
        with CaptureQueriesContext(connection) as queries:
            # 7 for the search page (results and prefetches, bylines among them),
            # the cache stamps, the navigation, the next-scheduled-article bound
            # and the synonym groups (the last three kept until they change)
            with django_assert_max_num_queries(11):
                response = client.get("/search/", {"q": "drone 无人机"})
        assert len(response.context_data["articles"]) == n
        assert not any(" LIKE " in q["sql"].upper() for q in queries.captured_queries)


def test_backend_follows_the_database():
    """PostgreSQL: stored tsvector with a GIN index. SQLite: an FTS5 table."""
    article = ArticleFactory(title="Indexed", lead="x")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes "
                "WHERE indexname = 'article_search_vector_idx'"
            )
            assert "USING gin (search_vector)" in cursor.fetchone()[0]
            stored = Article.objects.filter(pk=article.pk, search_vector__isnull=False)
            assert stored.exists()
        else:
            assert connection.vendor == "sqlite"
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'articles_search'"
            )
            assert "USING fts5" in cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM articles_search WHERE rowid = %s", [article.pk]
            )
            assert cursor.fetchone()[0] == 1


def snippets(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    return [str(snippet) for _article, snippet in response.context_data["results"]]


def plain(snippet):
    return snippet.replace("<mark>", "").replace("</mark>", "")


class TestResultCount:
    def test_count_is_shown_with_the_right_plural_on_every_page(self, client, settings):
        settings.ARTICLES_PER_PAGE = 2
        for i in range(3):
            ArticleFactory(title=f"Robots {i}", lead="x")
        ArticleFactory(title="Weather", lead="Rain.")
        first = client.get("/search/", {"q": "robots"}).content.decode()
        assert "3 results for “robots”" in first
        assert '/search/page/2/?q=robots" rel="next"' in first
        second = client.get("/search/page/2/", {"q": "robots"})
        assert "3 results for “robots”" in second.content.decode()
        assert len(second.context_data["articles"]) == 1
        html = client.get("/search/", {"q": "weather"}).content.decode()
        assert "1 result for “weather”" in html
        html = client.get("/search/", {"q": "snow"}).content.decode()
        assert "0 results for “snow”" in html

    def test_count_escapes_the_query(self, client):
        html = client.get("/search/", {"q": "<b>robots</b>"}).content.decode()
        assert "0 results for “&lt;b&gt;robots&lt;/b&gt;”" in html

    def test_no_count_without_a_query(self, client):
        assert "search-count" not in client.get("/search/").content.decode()


class TestSnippets:
    def test_english_snippet_is_cut_between_words(self, client):
        words = [f"word{i}x" for i in range(80)]
        words[40] = "harbour"
        text = " ".join(words)
        ArticleFactory(title="Ports", lead="", body=f"<p>{text}</p>")
        [snippet] = snippets(client, "harbour")
        assert snippet.startswith("…") and snippet.endswith("…")
        assert "<mark>harbour</mark>" in snippet
        shown = plain(snippet).strip("…").split()
        assert len(shown) > 10
        assert set(shown) <= set(words), "a word was cut"

    def test_chinese_snippet_is_cut_between_characters(self, client):
        text = (
            "前海合作区发布新政策，" * 15
            + "深圳市政府表示支持。"
            + "企业纷纷入驻园区。" * 40
        )
        chinese("政策", f"<p>{text}</p>")
        [snippet] = snippets(client, "深圳")
        assert "<mark>深圳</mark>市政府" in snippet
        assert snippet.startswith("…") and snippet.endswith("…")
        assert plain(snippet).strip("…") in text

    def test_mixed_text_never_cuts_an_english_word(self, client):
        text = (
            "深圳的 Supercalifragilistic 公司 " * 30
            + "无人机"
            + " 深圳的 Extraordinarily 公司" * 30
        )
        chinese("无人机", f"<p>{text}</p>")
        [snippet] = snippets(client, "无人机")
        shown = plain(snippet).strip("…")
        assert shown in text
        for token in shown.split():
            assert not token.isascii() or token in {
                "Supercalifragilistic",
                "Extraordinarily",
            }, token

    def test_snippet_keeps_to_one_paragraph(self, client):
        ArticleFactory(
            title="Qianhai",
            lead="",
            body="<p>Nothing here, officials said.</p><p>深圳前海的新政策。</p>",
        )
        [snippet] = snippets(client, "前海")
        assert snippet == "深圳<mark>前海</mark>的新政策。"

    def test_snippet_comes_from_the_best_matching_paragraph(self, client):
        ArticleFactory(
            title="Drones",
            lead="Drones everywhere.",
            body="<p>More drones.</p><p>Drones swap batteries at night.</p>",
        )
        [snippet] = snippets(client, "drones batteries")
        assert snippet == "<mark>Drones</mark> swap <mark>batteries</mark> at night."

    def test_short_lead_is_shown_whole_without_ellipsis(self, client):
        ArticleFactory(title="Ports", lead="Robots & cranes.", body="<p>Ships.</p>")
        assert snippets(client, "robots") == ["<mark>Robots</mark> &amp; cranes."]


class TestRanking:
    @pytest.mark.parametrize("word", ["drones", "无人机"])
    def test_title_match_beats_newer_article_mentioning_it_more(self, word):
        ArticleFactory(
            title=f"{word} over the bay",
            lead="Pilots.",
            body="<p>A short story.</p>",
            published_at=days_ago(30),
        )
        mentions = " ".join([f"{word} fly."] * 8)
        ArticleFactory(
            title="Port news",
            lead=f"{word} again and {word}.",
            body=f"<p>{mentions}</p><p>{mentions}</p>",
            published_at=days_ago(1),
        )
        assert found(word) == [f"{word} over the bay", "Port news"]

    def test_title_match_of_a_synonym_ranks_first(self):
        ArticleFactory(title="Robots", lead="深圳 深圳 深圳", published_at=days_ago(1))
        ArticleFactory(title="Shenzhen ports", lead="x", published_at=days_ago(9))
        assert found("深圳") == ["Shenzhen ports", "Robots"]


class TestSynonyms:
    def test_chinese_name_finds_english_stories_and_back(self, client):
        for i in range(7):
            ArticleFactory(title=f"Story {i}", lead=f"Startups in Shenzhen, part {i}.")
        chinese("深圳新闻", "<p>深圳的初创企业。</p>")
        ArticleFactory(title="Elsewhere", lead="Nothing about it.")
        assert len(found("深圳")) == 8
        assert len(found("shenzhen")) == 8
        html = client.get("/search/", {"q": "深圳"}).content.decode()
        assert "8 results for “深圳”" in html
        assert "Startups in <mark>Shenzhen</mark>, part" in html

    def test_traditional_and_simplified_names_and_spellings(self):
        ArticleFactory(title="Macao casinos", lead="x")
        chinese("澳门新闻", "<p>x</p>")
        chinese("澳門賭場", "<p>x</p>")
        ArticleFactory(title="Guangzhou metro", lead="x")
        expected = ["Macao casinos", "澳门新闻", "澳門賭場"]
        for query in ["澳門", "澳门", "Macau", "macao"]:
            assert sorted(found(query)) == sorted(expected), query
        assert found("廣州") == ["Guangzhou metro"]

    def test_names_of_several_words(self):
        ArticleFactory(
            title="Trams", lead="New lines in Hong Kong and the Greater Bay Area."
        )
        ArticleFactory(title="Kong", lead="A Hong river and Kong hills.")
        chinese("香港电车", "<p>香港。</p>")
        assert sorted(found("香港")) == ["Trams", "香港电车"]
        assert sorted(found("hong kong")) == ["Trams", "香港电车"]
        assert found("大灣區") == ["Trams"]

    def test_longest_name_wins(self):
        ArticleFactory(title="Listing", lead="Shares on the Shenzhen Stock Exchange.")
        ArticleFactory(title="Shenzhen weather", lead="Rain.")
        assert found("深圳证券交易所") == ["Listing"]
        assert sorted(found("深圳")) == ["Listing", "Shenzhen weather"]

    def test_other_words_of_the_query_must_still_match(self):
        ArticleFactory(title="Shenzhen robots", lead="x")
        ArticleFactory(title="Shenzhen weather", lead="x")
        assert found("深圳 robots") == ["Shenzhen robots"]

    def test_group_added_in_the_admin_works_on_the_next_request(
        self, client, settings, desk_editor
    ):
        settings.PAGE_CACHE_SECONDS = 300
        ArticleFactory(title="Nanshan labs", lead="Robots.")
        assert "0 results for “南山”" in client.get("/search/?q=南山").content.decode()
        assert client.get("/search/?q=南山").context is None  # served from the cache
        staff = Client()
        staff.force_login(desk_editor)
        response = staff.post(
            "/admin/articles/searchsynonym/add/",
            {"name": "Nanshan", "terms": "Nanshan\n南山"},
        )
        assert response.status_code == HTTPStatus.FOUND, response.content
        html = client.get("/search/?q=南山").content.decode()
        assert "1 result for “南山”" in html
        group = SearchSynonym.objects.get(name="Nanshan")
        response = staff.post(
            f"/admin/articles/searchsynonym/{group.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == HTTPStatus.FOUND
        assert "0 results for “南山”" in client.get("/search/?q=南山").content.decode()

    def test_a_group_needs_two_names(self, admin_client):
        response = admin_client.post(
            "/admin/articles/searchsynonym/add/", {"name": "One", "terms": "One\n\nOne"}
        )
        assert response.status_code == HTTPStatus.OK
        assert "at least two names" in response.content.decode()
        assert not SearchSynonym.objects.filter(name="One").exists()

    def test_seeded_groups_cover_the_greater_bay_area(self):
        names = {name for group in SearchSynonym.objects.groups() for name in group}
        for name in [
            "深圳", "Hong Kong", "澳門", "Macao", "廣州", "前海", "大湾区",
            "Zhuhai", "佛山", "東莞", "惠州", "中山", "江门", "肇慶", "南沙",
            "橫琴", "香港科技大學", "深圳证券交易所", "香港交易所", "騰訊",
            "华为", "比亞迪", "大疆",
        ]:  # fmt: skip
            assert name in names, name

    def test_synonyms_are_read_once_and_then_kept(self, client):
        ArticleFactory(title="Shenzhen robots", lead="x")
        client.get("/search/", {"q": "深圳"})
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": "robots 深圳"})
        assert len(response.context_data["articles"]) == 1
        assert not any("searchsynonym" in q["sql"] for q in queries.captured_queries)
