"""Checking a URL without trusting it: no ORM here, only the network.

Every hop (the first request and each redirect) is resolved first and refused when
any address is private, loopback, link-local, reserved or multicast, unless an
allowed network covers it. The connection then goes to the checked address, so a
second DNS answer cannot swap in another one.

A failure on the checker's side says nothing about the link and is inconclusive:
a resolver that does not answer, no route to the network, or a run in which every
host fails the same way (RunVerdict).
"""

import errno
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Statuses that say nothing about the link itself: rate limited.
INCONCLUSIVE_STATUSES = {429}
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)


class FetchRefused(Exception):
    """The URL points at an address the checker must not contact."""


class FetchFailed(Exception):
    """The request could not be made or answered.

    kind names the failure alike for every host (an exception class, "timed
    out"); checker_side is true when the failure is this machine's (its resolver,
    its routes).
    """

    def __init__(self, message: str, *, kind: str = "", checker_side: bool = False):
        super().__init__(message)
        self.kind = kind or message
        self.checker_side = checker_side


# Resolver answers that say the resolver failed, not that the name does not exist.
RESOLVER_FAILURES = {socket.EAI_AGAIN, socket.EAI_FAIL, socket.EAI_SYSTEM}
# Connection errors that say this machine has no way out.
NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH}


@dataclass(frozen=True)
class CheckPolicy:
    timeout: float = 10.0
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    allowed_networks: tuple = ()
    host_interval: float = 1.0

    @classmethod
    def from_strings(cls, *, allowed_networks=(), **kwargs) -> "CheckPolicy":
        networks = tuple(
            ipaddress.ip_network(net, strict=False) for net in allowed_networks
        )
        return cls(allowed_networks=networks, **kwargs)


@dataclass(frozen=True)
class CheckResult:
    status: int | None = None
    final_url: str = ""
    error: str = ""
    refused: bool = False
    # The checker's side failed (a bug, no resolver, no route): says nothing
    # about the link.
    internal_error: bool = False
    # How the check failed, comparable across hosts (see failure_kind).
    kind: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400 and not self.error

    @property
    def inconclusive(self) -> bool:
        return self.internal_error or (
            self.status in INCONCLUSIVE_STATUSES and not self.error
        )

    @property
    def failure_kind(self) -> str:
        if self.kind:
            return self.kind
        return f"HTTP {self.status}" if self.status is not None else self.error


class RunVerdict:
    """Whether a run's failures say anything about the links.

    A run works once a check succeeds or two checks fail in different ways. A run
    that never does, over more than one host, failed on the checker's side:
    every host failing the same way (no network, a proxy answering for all) says
    nothing about any of them. Inconclusive results are left out.
    """

    def __init__(self):
        self.working = False
        self.kinds: set[str] = set()
        self.hosts: set[str] = set()

    def add(self, host: str, result: CheckResult) -> None:
        # A refusal is this site's rule, not an answer from the network.
        if result.inconclusive or result.refused:
            return
        if result.ok:
            self.working = True
            return
        self.kinds.add(result.failure_kind)
        self.hosts.add(host)
        self.working = self.working or len(self.kinds) > 1

    @property
    def checker_side(self) -> bool:
        return not self.working and len(self.hosts) > 1

    def reason(self) -> str:
        if not self.checker_side:
            return ""
        (kind,) = self.kinds
        return f"every one of {len(self.hosts)} hosts failed the same way ({kind})"


class HostThrottle:
    """Space requests to one host at least `interval` seconds apart, across threads."""

    def __init__(self, interval: float):
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + self.interval
        if start > now:
            time.sleep(start - now)


def address_allowed(address, allowed_networks=()) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in allowed_networks):
        return True
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
    )


def resolve(host: str, port: int, policy: CheckPolicy) -> str:
    """Return an address to connect to, or raise FetchRefused / FetchFailed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed(
            f"DNS lookup failed for {host} ({exc.strerror})",
            kind=f"DNS: {exc.strerror}",
            checker_side=exc.errno in RESOLVER_FAILURES,
        ) from exc
    except UnicodeError as exc:
        raise FetchFailed(f"DNS lookup failed for {host}", kind="DNS") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not address_allowed(address, policy.allowed_networks):
            raise FetchRefused(f"refused {host}: {address} is not a public address")
    if not addresses:
        raise FetchFailed(f"no address for {host}", kind="DNS: no address")
    return str(addresses[0])


def request_once(url: str, method: str, policy: CheckPolicy, throttle: HostThrottle):
    """Make one request without following redirects; return (status, location)."""
    status, location, _body = _request(url, method, policy, throttle, read=1024)
    return status, location


def _request(url, method, policy, throttle, *, read: int):
    """One request, no redirect followed: (status, location, up to read bytes)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchFailed(f"not a valid URL: {url}"[:300], kind="URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"not an http(s) URL: {url}"[:300], kind="URL")
    host = parts.hostname
    address = resolve(host, port, policy)
    throttle.wait(host)
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            host, port, timeout=policy.timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(host, port, timeout=policy.timeout)

    def connect_to_checked_address(addr, timeout, source_address=None):
        return socket.create_connection((address, addr[1]), timeout, source_address)

    conn._create_connection = connect_to_checked_address
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        conn.request(
            method,
            target,
            headers={
                "User-Agent": policy.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Language": "en,zh;q=0.8",
            },
        )
        response = conn.getresponse()
        body = response.read(read) if method == "GET" else b""
        return response.status, response.getheader("Location"), body
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchFailed(
            _describe(exc),
            kind=_kind(exc),
            checker_side=isinstance(exc, OSError) and exc.errno in NO_ROUTE,
        ) from exc
    finally:
        conn.close()


def _describe(exc: Exception) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"[:300]


def _kind(exc: Exception) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    return type(exc).__name__


def head_then_get(url: str, policy: CheckPolicy, throttle: HostThrottle):
    """HEAD, falling back to GET when HEAD is refused (405/501) or fails."""
    try:
        status, location = request_once(url, "HEAD", policy, throttle)
        if status not in (405, 501):
            return status, location
    except FetchFailed:
        pass
    return request_once(url, "GET", policy, throttle)


def check_url(url: str, policy: CheckPolicy, throttle: HostThrottle) -> CheckResult:
    """Follow redirects hop by hop, checking each, and report where the URL ends."""
    try:
        return _follow(url, policy, throttle)
    except Exception as exc:  # a checker bug must not mark a link broken
        return CheckResult(final_url=url, error=_describe(exc), internal_error=True)


def _follow(url: str, policy: CheckPolicy, throttle: HostThrottle) -> CheckResult:
    current = url
    for _hop in range(policy.max_redirects + 1):
        try:
            status, location = head_then_get(current, policy, throttle)
        except FetchRefused as exc:
            return CheckResult(final_url=current, error=str(exc), refused=True)
        except FetchFailed as exc:
            return CheckResult(
                final_url=current,
                error=str(exc),
                internal_error=exc.checker_side,
                kind=exc.kind,
            )
        if status not in REDIRECT_STATUSES or not location:
            return CheckResult(status=status, final_url=current)
        current = urljoin(current, location.strip())
        if urlsplit(current).scheme not in ("http", "https"):
            return CheckResult(
                status=status,
                final_url=current,
                error="redirect to a non-web URL",
                kind="redirect",
            )
    return CheckResult(
        status=status,
        final_url=current,
        error=f"more than {policy.max_redirects} redirects",
        kind="redirect",
    )


def fetch(
    url: str, policy: CheckPolicy, throttle: HostThrottle, max_bytes: int
) -> bytes:
    """GET url, following redirects hop by hop with every hop checked as above.

    Return the body; raise FetchRefused for an address the checker must not
    contact, FetchFailed for an error status or a body over max_bytes.
    """
    current = url
    for _hop in range(policy.max_redirects + 1):
        status, location, body = _request(
            current, "GET", policy, throttle, read=max_bytes + 1
        )
        if status in REDIRECT_STATUSES and location:
            current = urljoin(current, location.strip())
            continue
        if status != 200:
            raise FetchFailed(f"HTTP {status} from {current}"[:300], kind="status")
        if len(body) > max_bytes:
            raise FetchFailed(f"more than {max_bytes} bytes", kind="size")
        return body
    raise FetchFailed(f"more than {policy.max_redirects} redirects", kind="redirect")
