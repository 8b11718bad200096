"""Build WordPress exports (WXR 1.2) as WordPress writes them, for the import tests
and bench/import_wordpress.py."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

SITE = "https://old.example.com"


def cdata(text: str) -> str:
    """A CDATA section; "]]>" inside is split as WordPress's exporter splits it."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Author:
    login: str
    display_name: str
    first_name: str = ""
    last_name: str = ""

    def xml(self) -> str:
        return (
            "<wp:author><wp:author_id>1</wp:author_id>"
            f"<wp:author_login>{cdata(self.login)}</wp:author_login>"
            f"<wp:author_email>{cdata(self.login + '@old.example.com')}"
            "</wp:author_email>"
            f"<wp:author_display_name>{cdata(self.display_name)}"
            "</wp:author_display_name>"
            f"<wp:author_first_name>{cdata(self.first_name)}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata(self.last_name)}</wp:author_last_name>"
            "</wp:author>"
        )


@dataclass
class Post:
    post_id: int
    title: str
    slug: str = ""
    content: str = ""
    excerpt: str = ""
    status: str = "publish"
    post_type: str = "post"
    # Local time of the WordPress site (UTC+8 unless gmt says otherwise).
    date: str = "2020-06-12 18:30:00"
    date_gmt: str | None = None
    creator: str = "linmei_admin"
    categories: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    link: str | None = None
    attachment_url: str = ""
    parent: int = 0

    def permalink(self) -> str:
        if self.link is not None:
            return self.link
        if self.status != "publish" or self.post_type != "post":
            return f"{SITE}/?p={self.post_id}"
        day = self.date[:10].replace("-", "/")
        return f"{SITE}/{day}/{quote(self.slug)}/"

    def gmt(self) -> str:
        if self.date_gmt is not None:
            return self.date_gmt
        if self.status in ("draft", "pending", "auto-draft"):
            return "0000-00-00 00:00:00"
        local = datetime.datetime.strptime(self.date, "%Y-%m-%d %H:%M:%S")
        return (local - datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")

    def xml(self) -> str:
        terms = "".join(
            f'<category domain="category" nicename={quoteattr(quote(slug))}>'
            f"{cdata(name)}</category>"
            for slug, name in self.categories
        ) + "".join(
            f'<category domain="post_tag" nicename={quoteattr(quote(name.lower()))}>'
            f"{cdata(name)}</category>"
            for name in self.tags
        )
        meta = "".join(
            f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
            for key, value in self.meta.items()
        )
        attachment = (
            f"<wp:attachment_url>{cdata(self.attachment_url)}</wp:attachment_url>"
            if self.attachment_url
            else ""
        )
        return (
            "<item>"
            f"<title>{escape(self.title)}</title>"
            f"<link>{escape(self.permalink())}</link>"
            "<pubDate>Fri, 12 Jun 2020 10:30:00 +0000</pubDate>"
            f"<dc:creator>{cdata(self.creator)}</dc:creator>"
            f'<guid isPermaLink="false">{SITE}/?p={self.post_id}</guid>'
            "<description></description>"
            f"<content:encoded>{cdata(self.content)}</content:encoded>"
            f"<excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>"
            f"<wp:post_id>{self.post_id}</wp:post_id>"
            f"<wp:post_date>{cdata(self.date)}</wp:post_date>"
            f"<wp:post_date_gmt>{cdata(self.gmt())}</wp:post_date_gmt>"
            "<wp:comment_status>open</wp:comment_status>"
            f"<wp:post_name>{cdata(quote(self.slug).lower())}</wp:post_name>"
            f"<wp:status>{cdata(self.status)}</wp:status>"
            f"<wp:post_parent>{self.parent}</wp:post_parent>"
            f"<wp:post_type>{cdata(self.post_type)}</wp:post_type>"
            f"{attachment}{terms}{meta}"
            "<wp:comment><wp:comment_id>1</wp:comment_id>"
            f"<wp:comment_content>{cdata('Nice post')}</wp:comment_content>"
            "</wp:comment>"
            "</item>"
        )


def attachment(post_id: int, path: str, alt: str = "", parent: int = 0) -> Post:
    """An image in the media library, stored at wp-content/uploads/<path>."""
    meta = {"_wp_attached_file": path}
    if alt:
        meta["_wp_attachment_image_alt"] = alt
    return Post(
        post_id,
        title=path.rsplit("/", 1)[-1],
        slug=path.rsplit("/", 1)[-1].split(".")[0],
        status="inherit",
        post_type="attachment",
        meta=meta,
        attachment_url=f"{SITE}/wp-content/uploads/{path}",
        parent=parent,
    )


AUTHORS = (Author("linmei_admin", "Lin Mei"),)


def build(
    posts,
    authors=AUTHORS,
    language="zh-CN",
    prolog='<?xml version="1.0" encoding="UTF-8" ?>',
) -> bytes:
    """The whole export file, as WordPress 6 writes it."""
    return (
        f"{prolog}\n"
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>'
        "<title>GBA Tech</title>"
        f"<link>{SITE}</link>"
        "<description>Greater Bay Area technology</description>"
        f"<language>{language}</language>"
        "<wp:wxr_version>1.2</wp:wxr_version>"
        f"<wp:base_site_url>{SITE}</wp:base_site_url>"
        f"<wp:base_blog_url>{SITE}</wp:base_blog_url>"
        + "".join(author.xml() for author in authors)
        + "".join(post.xml() for post in posts)
        + "</channel></rss>\n"
    ).encode()


def many_posts(count: int, start: int = 1000) -> list[Post]:
    """count realistic published posts (some Chinese, some with a source line)."""
    posts = []
    for n in range(count):
        day = datetime.date(2016, 1, 1) + datetime.timedelta(days=n % 3000)
        chinese = n % 3 == 0
        title = f"深圳科技新闻 {n}" if chinese else f"Greater Bay Area story {n}"
        paragraphs = [
            f"Paragraph {i} of story {n}: Shenzhen, Guangzhou and Hong Kong "
            "firms announced new research centres, <em>funding</em> and plans."
            for i in range(6)
        ]
        if n % 4 == 0:
            paragraphs.append(
                f'Read more on <a href="https://www.caixinglobal.com/{n}.html">'
                "Caixin</a>."
            )
        posts.append(
            Post(
                start + n,
                title,
                slug=f"story-{n}",
                content="\n\n".join(paragraphs),
                date=f"{day.isoformat()} 09:{n % 60:02d}:00",
                categories=[("innovation", "Innovation")]
                + ([("finance", "Finance")] if n % 5 == 0 else []),
                tags=[f"topic {n % 50}", "Shenzhen"],
            )
        )
    return posts
