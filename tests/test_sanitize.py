import pytest

from articles.models.articles import BODY_MAX_CHARS
from articles.sanitize import (
    MAX_ATTRIBUTES,
    MAX_DEPTH,
    MAX_TAG_LENGTH,
    MarkupTooComplex,
    clean_html,
)

REL = 'rel="noopener noreferrer"'

HOSTILE = [
    pytest.param(
        "<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>", id="script-with-content"
    ),
    pytest.param(
        '<p>a</p><SCRIPT type="text/javascript">alert("x")</SCRIPT ><p>b</p>',
        "<p>a</p><p>b</p>",
        id="script-uppercase",
    ),
    pytest.param("<p>Hi</p><script>alert(1)", "<p>Hi</p>", id="script-unclosed"),
    pytest.param(
        "<style>body { display: none }</style><p>x</p>", "<p>x</p>", id="style"
    ),
    pytest.param('<p onclick="alert(1)">x</p>', "<p>x</p>", id="onclick"),
    pytest.param(
        '<img src="https://cdn.example.com/a.png" alt="A" onerror="alert(1)">',
        '<img src="https://cdn.example.com/a.png" alt="A">',
        id="onerror",
    ),
    pytest.param(
        '<a href="https://example.com/" onmouseover="alert(1)">x</a>',
        f'<a href="https://example.com/" {REL}>x</a>',
        id="onmouseover-on-link",
    ),
    pytest.param('<a href="javascript:alert(1)">x</a>', "<a>x</a>", id="javascript"),
    pytest.param(
        '<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>", id="javascript-mixed-case"
    ),
    pytest.param(
        '<a href=" javascript:alert(1)">x</a>', "<a>x</a>", id="javascript-space"
    ),
    pytest.param(
        '<a href="&#106;avascript:alert(1)">x</a>',
        "<a>x</a>",
        id="javascript-decimal-entity",
    ),
    pytest.param(
        '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>',
        "<a>x</a>",
        id="javascript-hex-entities",
    ),
    pytest.param(
        '<a href="java&#0000115;cript:alert(1)">x</a>',
        "<a>x</a>",
        id="javascript-padded-entity",
    ),
    pytest.param(
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        "<a>x</a>",
        id="javascript-tab-entity",
    ),
    pytest.param(
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        "<a>x</a>",
        id="data-href",
    ),
    pytest.param(
        '<p>a<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">b</p>',
        "<p>ab</p>",
        id="data-img-src",
    ),
    pytest.param(
        '<p>a<img src="DATA:image/svg+xml;base64,PHN2Zz4=" alt="x">b</p>',
        "<p>ab</p>",
        id="data-img-src-uppercase",
    ),
    pytest.param('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>", id="vbscript"),
    pytest.param(
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<p>x</p>",
        id="style-attribute",
    ),
    pytest.param(
        '<iframe src="https://evil.example.com/"></iframe><p>x</p>',
        "<p>x</p>",
        id="iframe",
    ),
    pytest.param(
        '<object data="x.swf"><param name="a" value="b">fallback</object><p>x</p>',
        "<p>x</p>",
        id="object",
    ),
    pytest.param('<embed src="x.swf"></embed><p>x</p>', "<p>x</p>", id="embed-closed"),
    pytest.param(
        '<p>x<img src="javascript:alert(1)" alt="x"></p>',
        "<p>x</p>",
        id="img-javascript-src",
    ),
    pytest.param(
        '<svg onload="alert(1)"><script>alert(2)</script></svg><p>x</p>',
        "<p>x</p>",
        id="svg",
    ),
    pytest.param(
        "<math><mtext><script>alert(1)</script></mtext></math><p>x</p>",
        "<p>x</p>",
        id="math",
    ),
    pytest.param("<h1>Big news</h1><p>x</p>", "Big news<p>x</p>", id="h1-text-kept"),
    pytest.param("<p>a<!-- editor note -->b</p>", "<p>ab</p>", id="comment"),
    pytest.param(
        '<form action="https://evil.example.com/"><input name="q"></form><p>x</p>',
        "<p>x</p>",
        id="form",
    ),
    pytest.param(
        '<p>x<img src="/static/logo.png" alt="Logo"></p>',
        "<p>x</p>",
        id="img-relative-src-outside-media",
    ),
    pytest.param(
        '<p>x<img src="images/photo.jpg" alt="Photo"></p>',
        "<p>x</p>",
        id="img-relative-path-src",
    ),
    pytest.param(
        '<p>x<img src="//evil.example.com/x.png" alt="x"></p>',
        "<p>x</p>",
        id="img-protocol-relative-src",
    ),
    pytest.param(
        '<a href="https://example.com/" target="_blank" rel="opener">x</a>',
        f'<a href="https://example.com/" {REL}>x</a>',
        id="rel-and-target-replaced",
    ),
    pytest.param("<p>1 < 2 & 3</p>", "<p>1 &lt; 2 &amp; 3</p>", id="bare-lt-amp"),
]

KEPT = [
    "<p>Shenzhen adopts blockchain-based IDs.</p>",
    "<h2>The case</h2><h3>The ruling</h3><h4>The appeal</h4>",
    "<p><strong>Bold</strong> and <em>italic</em> and <b>b</b> and <i>i</i></p>",
    "<ul><li>Nansha</li><li>Guangming</li></ul><ol><li>first</li><li>second</li></ol>",
    "<blockquote><p>Nuclear reactors and space stations.</p></blockquote>",
    '<figure><img src="https://cdn.example.com/a.png" alt="A cluster">'
    "<figcaption>The Atlas 900 cluster</figcaption></figure>",
    '<img src="/media/articles/2020/06/photo.jpg" alt="Shenzhen Bay">',
    '<pre><code class="language-python">x = 1 &lt; 2</code></pre>',
    "<p>Use <code>manage.py</code> to run it.</p>",
    '<table><thead><tr><th scope="col">City</th><th>Score</th></tr></thead>'
    "<tbody><tr><td>Shenzhen</td><td>1</td></tr></tbody></table>",
    '<p lang="zh-hans">人工智能</p>',
    '<a href="mailto:news@example.com">Write to us</a>',
    '<a href="/2020/06/12/guangdong-2nd-in-software-output/">an earlier story</a>',
    "<p>R&amp;D in Guangzhou’s “Science City”</p>",
]

LINKS = [
    pytest.param(
        '<a href="https://www.caixinglobal.com/">Caixin</a>',
        f'<a href="https://www.caixinglobal.com/" {REL}>Caixin</a>',
        id="https",
    ),
    pytest.param(
        '<a href="http://www.chinanews.com.cn/">China News</a>',
        f'<a href="http://www.chinanews.com.cn/" {REL}>China News</a>',
        id="http",
    ),
    pytest.param(
        '<a href="mailto:news@example.com">mail</a>',
        '<a href="mailto:news@example.com">mail</a>',
        id="mailto-no-rel",
    ),
    pytest.param(
        '<a href="/category/innovation/">Innovation</a>',
        '<a href="/category/innovation/">Innovation</a>',
        id="internal-no-rel",
    ),
]

# Links to other sites that keep their href but lose the rel they are promised.
EXTERNAL_WITHOUT_REL = [
    pytest.param(
        '<a href="HTTPS://www.caixinglobal.com/">Caixin</a>',
        f'<a href="HTTPS://www.caixinglobal.com/" {REL}>Caixin</a>',
        id="uppercase-scheme",
    ),
    pytest.param(
        '<a href="//evil.example.com/">x</a>',
        f'<a href="//evil.example.com/" {REL}>x</a>',
        id="protocol-relative",
    ),
]

# Elements dropped with their content but written without a closing tag.
UNCLOSED_DROPPED = [
    pytest.param(
        '<p>Before</p><embed src="https://evil.example.com/x.swf"><p>After</p>',
        "<p>Before</p><p>After</p>",
        id="embed-void",
    ),
    pytest.param(
        '<p>Before</p><svg width="10" height="10"/><p>After</p>',
        "<p>Before</p><p>After</p>",
        id="svg-self-closing",
    ),
]

ALL_INPUTS = [
    *[p.values[0] for p in HOSTILE],
    *KEPT,
    *[p.values[0] for p in LINKS],
    *[p.values[0] for p in EXTERNAL_WITHOUT_REL],
    *[p.values[0] for p in UNCLOSED_DROPPED],
]


@pytest.mark.parametrize(("html", "expected"), HOSTILE)
def test_hostile_markup_is_removed(html, expected):
    """Dangerous elements, attributes and URL schemes are dropped; text is kept."""
    assert clean_html(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">',
        '<p onclick="alert(1)" style="color:red">x</p>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_no_script_vector_survives(html):
    """No script scheme, event handler, style or script text is left in the output."""
    cleaned = clean_html(html).lower()
    for needle in ("javascript", "data:", "onclick", "style", "alert", "<svg"):
        assert needle not in cleaned


@pytest.mark.parametrize("html", KEPT)
def test_allowed_formatting_is_kept_verbatim(html):
    """Allowed tags and attributes pass through unchanged."""
    assert clean_html(html) == html


@pytest.mark.parametrize(("html", "expected"), LINKS)
def test_links(html, expected):
    """http, https and mailto links are kept; web links get rel=noopener noreferrer."""
    assert clean_html(html) == expected


@pytest.mark.parametrize(("html", "expected"), EXTERNAL_WITHOUT_REL)
def test_every_external_link_gets_rel(html, expected):
    """Any link to another site gets rel=noopener noreferrer, whatever its spelling."""
    assert clean_html(html) == expected


@pytest.mark.parametrize(("html", "expected"), UNCLOSED_DROPPED)
def test_void_or_self_closed_dropped_element_keeps_following_text(html, expected):
    """An <embed> or self-closed <svg/> is removed without the article after it."""
    assert clean_html(html) == expected


def test_media_url_setting_decides_which_relative_images_stay(settings):
    """A relative image is kept only under the configured MEDIA_URL."""
    settings.MEDIA_URL = "/uploads/"
    assert clean_html('<img src="/uploads/a.png" alt="a">') == (
        '<img src="/uploads/a.png" alt="a">'
    )
    assert clean_html('<p>x<img src="/media/a.png" alt="a"></p>') == "<p>x</p>"


@pytest.mark.parametrize("html", ALL_INPUTS)
def test_cleaning_is_idempotent(html):
    """Cleaning cleaned HTML changes nothing."""
    once = clean_html(html)
    assert clean_html(once) == once


@pytest.mark.parametrize("html", ["", "   ", "\n\t"])
def test_empty_input_gives_empty_string(html):
    """Empty or blank input comes back as an empty string."""
    assert clean_html(html) == ""


def test_none_gives_empty_string():
    """None (a NULL from a form) is treated as no HTML."""
    assert clean_html(None) == ""


CAP = BODY_MAX_CHARS
DEEP = "The body is too deeply nested"
MARKUP = "The body has too much markup"
ATTRIBUTES = "A tag in the body has too many attributes"
LONG_TAG = "A tag in the body is too long"


def attributes(n):
    return " ".join(f"a{i}=x" for i in range(n))


# Shapes that held the sanitiser for seconds to minutes, refused before the work.
REFUSED = [
    pytest.param("<b>" * 20_000 + "x" + "</b>" * 20_000, MARKUP, id="20k-nested-b"),
    pytest.param("<blockquote><p>" * 5_000 + "x", MARKUP, id="5k-nested-blockquote-p"),
    pytest.param("&amp;" * 60_000, MARKUP, id="60k-references"),
    pytest.param(f"<p {attributes(20_000)}>x</p>", ATTRIBUTES, id="20k-attributes"),
    pytest.param(
        f"<p {attributes(MAX_ATTRIBUTES + 1)}>x</p>", ATTRIBUTES, id="51-attrs"
    ),
    pytest.param("<b>" * MAX_DEPTH + "x", DEEP, id="100-nested-b"),
    pytest.param("<ul><li>" * 60 + "x", DEEP, id="60-nested-lists"),
    pytest.param("<blockquote>" * 101 + "x", DEEP, id="101-nested-blockquotes"),
    pytest.param(
        "".join(f"<p><i title={i}>x</p>" for i in range(MAX_DEPTH)),
        DEEP,
        id="unclosed-formatting-reopened",
    ),
    pytest.param(
        "<p>"
        + "".join(f"<b title={i}>" for i in range(90))
        + "</p>"
        + "<p>x</p>" * 4_500,
        MARKUP,
        id="unclosed-formatting-reopened-in-every-paragraph",
    ),
    pytest.param("<b>x</b>" * 5_001, MARKUP, id="10k-tags"),
    pytest.param(
        "<p " + "x" * (MAX_TAG_LENGTH + 1) + ">y</p>", LONG_TAG, id="long-tag"
    ),
    pytest.param(("<br " + "a-" * 490 + ">") * 60, MARKUP, id="50k-characters-in-tags"),
    pytest.param(
        ("<p title=x" + '"' * 900 + ">y</p>") * 12, MARKUP, id="misplaced-quotes"
    ),
    pytest.param("<!--" + "-x" * 20_000 + "-->", MARKUP, id="comment-dashes"),
]


@pytest.mark.parametrize(("html", "reason"), REFUSED)
def test_markup_too_costly_to_clean_is_refused(html, reason):
    """Hostile nesting, attributes and markup are refused with the reason."""
    assert len(html) <= CAP
    with pytest.raises(MarkupTooComplex) as refused:
        clean_html(html)
    assert str(refused.value).startswith(reason)


def test_nesting_just_within_the_limit_is_cleaned():
    """A body nested one level less than the limit is kept whole."""
    html = "<b>" * (MAX_DEPTH - 1) + "x" + "</b>" * (MAX_DEPTH - 1)
    assert clean_html(html) == html


PARAGRAPH = (
    '<p>Shenzhen &amp; Hong Kong <a href="https://example.com/a">link</a> '
    "<strong>bold</strong> and <em>more</em>.</p>"
)
CLEAN_PARAGRAPH = PARAGRAPH.replace('">link', f'" {REL}>link')


# Large bodies within the limits, each with what cleaning makes of them.
ALLOWED = [
    pytest.param(PARAGRAPH * 900, CLEAN_PARAGRAPH * 900, id="900-paragraphs"),
    pytest.param("<p>x</p>" * 4_999, "<p>x</p>" * 4_999, id="10k-tags"),
    pytest.param("&amp;" * 9_999, "&amp;" * 9_999, id="10k-references"),
    pytest.param(
        "<p>" + "x" * 250_000 + "&amp;" * 9_000 + "</p>",
        "<p>" + "x" * 250_000 + "&amp;" * 9_000 + "</p>",
        id="references-after-long-text",
    ),
    pytest.param(
        f'<p {attributes(MAX_ATTRIBUTES - 1)} lang="en">x</p>' * 100,
        '<p lang="en">x</p>' * 100,
        id="50-attributes",
    ),
    pytest.param(
        "<svg>" * 9_000 + "x" * 250_000,
        "x" * 250_000,
        id="9k-unclosed-svg",
    ),
]


@pytest.mark.parametrize(("html", "expected"), ALLOWED)
def test_large_bodies_within_the_limits_are_cleaned(html, expected):
    """Bodies up to the size cap within the limits are cleaned as usual."""
    assert len(html) <= CAP
    assert clean_html(html) == expected
