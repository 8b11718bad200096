"""A real HTTP server on 127.0.0.1 for network tests (no mocks)."""

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = range(8050, 8060)
SLOW_SECONDS = 2.0
# The archiver at /archive/ takes this long for a URL with "slow" in it.
SLOW_ARCHIVE_SECONDS = 4.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def route(self):
        path = self.path
        port = self.server.server_address[1]
        if path.startswith("/ok"):
            return 200, {}
        if path.startswith("/chain/"):
            step = int(path.rsplit("/", 1)[1])
            if step < 3:
                return 301, {"Location": f"/chain/{step + 1}"}
            return 200, {}
        if path == "/absolute-redirect":
            return 302, {"Location": f"http://127.0.0.1:{port}/ok"}
        if path.startswith("/pause"):
            time.sleep(0.1)
            return 200, {}
        if path == "/missing":
            return 404, {}
        if path == "/error":
            return 500, {}
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            return 200, {}
        if path == "/to-metadata":
            return 302, {"Location": "http://169.254.169.254/latest/meta-data/"}
        if path == "/to-private":
            return 302, {"Location": "http://10.0.0.1/admin"}
        if path == "/bad-redirect":
            return 302, {"Location": "http://127.0.0.1:99999/"}
        if path == "/loop":
            return 302, {"Location": "/loop"}
        if path == "/no-head":
            return (405 if self.command == "HEAD" else 200), {}
        if path == "/rate-limited":
            return 429, {}
        if path.startswith("/save/"):
            return 302, {"Location": "/web/20260101000000/" + path[len("/save/") :]}
        if path.startswith("/archive/"):
            # An archiver whose answer depends on the URL it is asked to save.
            if "failing" in path:
                return 503, {}
            if "slow" in path:
                time.sleep(SLOW_ARCHIVE_SECONDS)
            return 302, {"Location": "/web/2026/" + path[len("/archive/") :]}
        return 404, {}

    def respond(self):
        with self.server.lock:
            self.server.hits.append(
                (self.command, self.path, self.headers["User-Agent"])
            )
        try:
            status, headers = self.route()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_HEAD = do_GET = respond


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


@contextlib.contextmanager
def serving():
    """Yield a running server on the first free port of PORTS."""
    for port in PORTS:
        try:
            server = Server(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    else:
        raise RuntimeError("no free port in 8050-8059")
    server.hits, server.lock = [], threading.Lock()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
