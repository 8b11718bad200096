import pytest

from articles.text import SLUG_MAX_LENGTH, excerpt, make_slug, unique_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Guangdong 2nd in software output", "guangdong-2nd-in-software-output"),
        (
            "GBA startup communities: an explainer",
            "gba-startup-communities-an-explainer",
        ),
        (
            "GBA’s big 3 designated top ‘creative cities’",
            "gbas-big-3-designated-top-creative-cities",
        ),
        ("  Shenzhen   Bay  ", "shenzhen-bay"),
        ("人工智能", "人工智能"),
        ("AI 人工智能 news", "ai-人工智能-news"),
        ("深圳 Shenzhen", "深圳-shenzhen"),
    ],
)
def test_make_slug(title, slug):
    """Titles become lowercase hyphenated slugs; Chinese characters are kept."""
    assert make_slug(title) == slug


@pytest.mark.parametrize("title", ["!!!", "", "   ", "—…", "“”‘’", "-_-"])
def test_make_slug_falls_back_when_nothing_is_left(title):
    """A title without letters or digits gives the fallback slug."""
    assert make_slug(title) == "article"
    assert make_slug(title, fallback="story") == "story"


def test_make_slug_is_capped_at_the_maximum_length():
    """Long titles are cut to SLUG_MAX_LENGTH characters."""
    assert SLUG_MAX_LENGTH == 200
    assert make_slug("a" * 500) == "a" * SLUG_MAX_LENGTH
    assert make_slug("人" * 500) == "人" * SLUG_MAX_LENGTH


def test_make_slug_does_not_end_with_a_hyphen_after_the_cut():
    """A cut that lands on a hyphen drops the hyphen."""
    slug = make_slug("x" * (SLUG_MAX_LENGTH - 1) + " tail")
    assert slug == "x" * (SLUG_MAX_LENGTH - 1)


def test_unique_slug_returns_base_when_free():
    """A free base slug is used as it is."""
    assert unique_slug("shenzhen", lambda s: False) == "shenzhen"


def test_unique_slug_adds_the_first_free_suffix():
    """Taken slugs get -2, -3, … until one is free."""
    taken = {"shenzhen", "shenzhen-2", "shenzhen-3"}
    assert unique_slug("shenzhen", taken.__contains__) == "shenzhen-4"
    assert unique_slug("深圳", {"深圳"}.__contains__) == "深圳-2"


def test_unique_slug_stays_within_the_maximum_length():
    """The suffix replaces the end of a full-length slug instead of overflowing it."""
    base = "a" * SLUG_MAX_LENGTH
    taken = {base, "a" * (SLUG_MAX_LENGTH - 2) + "-2"}
    slug = unique_slug(base, taken.__contains__)
    assert slug == "a" * (SLUG_MAX_LENGTH - 2) + "-3"
    assert len(slug) == SLUG_MAX_LENGTH


def test_excerpt_keeps_short_text():
    """Text within the length comes back unchanged, with no ellipsis."""
    assert excerpt("Shenzhen adopts blockchain-based IDs.") == (
        "Shenzhen adopts blockchain-based IDs."
    )
    assert excerpt("x" * 160) == "x" * 160


def test_excerpt_cuts_chinese_text_without_spaces_by_characters():
    """A long Chinese text with no spaces is cut to the length, ending with …."""
    text = "粤港澳大湾区人工智能产业发展迅速" * 20
    result = excerpt(text, 50)
    assert len(result) == 50
    assert result.endswith("…")
    assert result[:-1] == text[:49]


def test_excerpt_default_length_is_160_characters():
    """Without a length, the excerpt is 160 characters long at most."""
    result = excerpt("人" * 300)
    assert len(result) == 160
    assert result == "人" * 159 + "…"


def test_excerpt_counts_characters_not_words():
    """English text is cut mid-word at the character count."""
    result = excerpt("Guangdong contributed the second-biggest amount", 12)
    assert result == "Guangdong c…"


def test_excerpt_strips_tags():
    """Tags are removed and their text is kept."""
    html = '<p>Read <a href="https://www.caixinglobal.com/">Caixin</a> <b>now</b></p>'
    assert excerpt(html) == "Read Caixin now"


def test_excerpt_collapses_whitespace():
    """Runs of spaces and newlines become one space."""
    assert excerpt("  Shenzhen \n\n Bay\tPort  ") == "Shenzhen Bay Port"


@pytest.mark.parametrize("length", range(5, 60))
def test_excerpt_never_leaves_a_partial_tag(length):
    """Wherever the cut falls, the excerpt holds no piece of a tag."""
    html = (
        '<p>The <a href="https://www.caixinglobal.com/story" title="Caixin">'
        "software</a> sector <strong>grew</strong> 15.4% in 2019.</p>"
    )
    result = excerpt(html, length)
    assert "<" not in result
    assert ">" not in result
    assert "href" not in result
    assert len(result) <= length
    assert "The software sector grew 15.4% in 2019."[: len(result) - 1] in result


def test_excerpt_separates_text_of_adjacent_blocks():
    """Text from neighbouring paragraphs and headings stays separate words."""
    html = "<h2>The case</h2><p>Dreamwriter wrote it.</p><p>A site copied it.</p>"
    assert excerpt(html) == "The case Dreamwriter wrote it. A site copied it."
