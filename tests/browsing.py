"""A reader's or an editor's browser over plain HTTP, for tests against real servers.

It keeps cookies, reads a page's form the way a browser would (every field with the
value the page gave it), and posts it back URL-encoded or as multipart with files.
No Django test client: the requests go over a socket to gunicorn.
"""

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser

from .servers import NoRedirects


@dataclass
class Page:
    url: str
    status: int
    headers: Message
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class FormParser(HTMLParser):
    """Collect the fields of the form with a given id, or of a page's first form."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.found:
            if self.form_id is None or attrs.get("id") == self.form_id:
                self.in_form = self.found = True
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((name, attrs.get("value", default)))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select" and self._select:
            if not self._select_chosen and not self._multiple and self._select_first:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    parser = FormParser(form_id)
    parser.feed(html)
    if not parser.found:
        raise AssertionError(f"no form {form_id or ''} on the page")
    return parser.fields


def multipart(fields: list[tuple[str, str]], files: dict) -> tuple[bytes, str]:
    """Encode fields and files ({name: (filename, bytes, type)}) as multipart."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One person's browser on one site: cookies, forms, and no automatic redirects."""

    def __init__(self, origin: str, timeout: float = 30):
        self.origin = origin
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.cookies),
            NoRedirects,
        )

    def _open(self, path: str, data=None, headers=None) -> Page:
        url = path if path.startswith("http") else self.origin + path
        request = urllib.request.Request(url, data=data, headers=headers or {})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return Page(url, status, headers, body, time.monotonic() - started)

    def get(self, path: str) -> Page:
        return self._open(path)

    def post(self, path: str, fields: list[tuple[str, str]], files=None) -> Page:
        if files:
            data, content_type = multipart(fields, files)
        else:
            data = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        # Django's CSRF check wants a same-origin Referer on HTTPS only; Origin is
        # what a browser sends with every POST.
        headers = {"Content-Type": content_type, "Origin": self.origin}
        return self._open(path, data, headers)

    def submit(
        self,
        path: str,
        changes: dict | None = None,
        *,
        form_id: str | None = None,
        files: dict | None = None,
        extra: list[tuple[str, str]] = (),
    ) -> Page:
        """GET path, fill its form as given (a list value sets a multi-valued
        field), and post it back to the same address."""
        page = self.get(path)
        if page.status != 200:
            raise AssertionError(f"GET {path}: {page.status}\n{page.text[:2000]}")
        changes = changes or {}
        fields = [
            (name, value)
            for name, value in form_fields(page.text, form_id)
            if name not in changes
        ]
        for name, value in changes.items():
            values = value if isinstance(value, list) else [value]
            fields.extend((name, str(item)) for item in values if item is not None)
        return self.post(path, fields + list(extra), files)

    def log_in(self, username: str, password: str) -> None:
        page = self.submit(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            form_id="login-form",
        )
        if page.status != 302:
            raise AssertionError(f"log-in as {username} failed: {page.status}")
