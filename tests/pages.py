"""Reading the site's pages in tests: HTML, JSON-LD, the page cache, query counts."""

import json
import re
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page(client, url="/") -> str:
    """The page's HTML; it must answer 200."""
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.content.decode()


def json_ld(html: str) -> list:
    """The JSON-LD blocks of a page."""
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    return [json.loads(block) for block in found]


def cached(client, url="/") -> bool:
    """True if the page cache answered the request."""
    return client.get(url).headers.get("X-Page-Cache") == "hit"


def count_queries(client, url="/") -> int:
    """The queries one request of the page runs; it must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(queries)
