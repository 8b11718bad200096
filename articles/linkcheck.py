"""Checking a URL without trusting it: no ORM here, only the network.

Every hop (the first request and each redirect) is resolved first and refused when
any address is private, loopback, link-local, reserved or multicast, unless an
allowed network covers it. The connection then goes to the checked address, so a
second DNS answer cannot swap in another one.
"""

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
    """The request could not be made or answered."""


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
    # The checker itself failed: says nothing about the link.
    internal_error: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400 and not self.error

    @property
    def inconclusive(self) -> bool:
        return self.internal_error or (
            self.status in INCONCLUSIVE_STATUSES and not self.error
        )


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
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"DNS lookup failed for {host}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not address_allowed(address, policy.allowed_networks):
            raise FetchRefused(f"refused {host}: {address} is not a public address")
    if not addresses:
        raise FetchFailed(f"no address for {host}")
    return str(addresses[0])


def request_once(url: str, method: str, policy: CheckPolicy, throttle: HostThrottle):
    """Make one request without following redirects; return (status, location)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchFailed(f"not a valid URL: {url}"[:300]) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"not an http(s) URL: {url}"[:300])
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
        if method == "GET":
            response.read(1024)
        return response.status, response.getheader("Location")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchFailed(_describe(exc)) from exc
    finally:
        conn.close()


def _describe(exc: Exception) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"[:300]


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
            return CheckResult(final_url=current, error=str(exc))
        if status not in REDIRECT_STATUSES or not location:
            return CheckResult(status=status, final_url=current)
        current = urljoin(current, location.strip())
        if urlsplit(current).scheme not in ("http", "https"):
            return CheckResult(
                status=status, final_url=current, error="redirect to a non-web URL"
            )
    return CheckResult(
        status=status,
        final_url=current,
        error=f"more than {policy.max_redirects} redirects",
    )
