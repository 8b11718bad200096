import pytest
from django.core.exceptions import ValidationError

from articles.urls_hygiene import (
    MAX_URL_LENGTH,
    host_matches,
    normalise_domain,
    normalise_url,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("https://Example.com/a?utm_source=x&id=1#frag", "https://example.com/a?id=1"),
        ("https://example.com", "https://example.com/"),
        ("HTTP://EXAMPLE.COM./Path", "http://example.com/Path"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://bücher.example/ü", "https://xn--bcher-kva.example/%C3%BC"),
        ("https://例え.jp/", "https://xn--r8jz45g.jp/"),
        ("https://www.sz.gov.cn/cn/?fbclid=abc", "https://www.sz.gov.cn/cn/"),
        (
            "https://a.com/?gclid=1&spm=a.b&UTM_Medium=m&q=robots&mc_eid=2",
            "https://a.com/?q=robots",
        ),
        ("https://a.com/search?q=a%20b&page=2", "https://a.com/search?q=a%20b&page=2"),
        ("https://a.com/x?utm_source=only", "https://a.com/x"),
        ("https://[2001:DB8::1]/x", "https://[2001:db8::1]/x"),
        ("https://l·l.cat/", "https://xn--ll-0ea.cat/"),
        ("https://sony銀行.jp/", "https://xn--sony-o55lq91c.jp/"),
        ("https://192.0.2.10/x", "https://192.0.2.10/x"),
    ],
)
def test_good_urls_are_normalised(raw, stored):
    assert normalise_url(raw) == stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("ftp://example.com/file", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("data:text/html,hi", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("example.com/no-scheme", "scheme"),
        ("https://user:pass@example.com/", "credentials"),
        ("https://user@example.com/", "credentials"),
        ("https://exa mple.com/", "character"),
        ("https://example.com/a b", "character"),
        ("https://example.com/\x00", "character"),
        ("https://example.com/a\u0085b", "character"),
        ("https://example.com/a\tb", "character"),
        ("https:///nohost", "no_host"),
        ("https://exa_mple.com/", "bad_host"),
        ("https://-bad-.com/", "bad_host"),
        ("https://a..b/", "bad_host"),
        ("https://" + "a" * 64 + ".com/", "bad_host"),
        ("https://a·b.cat/", "bad_host"),
        ("https://\u0301a.fr/", "bad_host"),
        ("https://\u2603.net/", "bad_host"),
        ("https://\u0660\u06f0.com/", "bad_host"),
        ("https://xn--.com/", "punycode"),
        ("https://cafe\u0301.fr/", "compatibility"),
        ("https://example.com:99999/", "invalid"),
        ("https://[::1/", "invalid"),
        ("https://example.com/" + "a" * MAX_URL_LENGTH, "too_long"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as info:
        normalise_url(raw)
    assert info.value.code == code


def test_scheme_can_be_assumed_for_forms():
    assert normalise_url("example.com/a", assume_scheme="https") == (
        "https://example.com/a"
    )


def test_archive_urls_keep_their_query():
    url = "https://web.archive.org/web/2020/https://a.com/?utm_source=x"
    assert normalise_url(url, strip_tracking_params=False) == url


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("Caixin.com", "caixin.com"),
        ("*.caixin.com", "caixin.com"),
        ("https://www.Caixin.com/path", "www.caixin.com"),
        ("caixin.com.", "caixin.com"),
        ("深圳.中国", "xn--fes124c.xn--fiqs8s"),
    ],
)
def test_domains_are_normalised(typed, domain):
    assert normalise_domain(typed) == domain


@pytest.mark.parametrize(
    "typed",
    ["", "caixin.com/path", "user@caixin.com", "a b", "cai\u200bxin.com", "xn--zz.com"],
)
def test_bad_domains_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_domain(typed)


@pytest.mark.parametrize(
    ("host", "domain", "matches"),
    [
        ("caixin.com", "caixin.com", True),
        ("www.caixin.com", "caixin.com", True),
        ("a.b.caixin.com", "caixin.com", True),
        ("notcaixin.com", "caixin.com", False),
        ("caixin.com.evil.net", "caixin.com", False),
    ],
)
def test_host_matches_domain_and_subdomains(host, domain, matches):
    assert host_matches(host, domain) is matches
