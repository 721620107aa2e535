"""A small web server on 127.0.0.1 for the tests that fetch pages: nothing reaches the internet.

Each path answers with a `Page` (status, headers, body) that a test may replace between two
fetches, or with one of the misbehaviours a real server shows: a server that never answers
(`SLOW`), a body that never ends (`ENDLESS`), a redirect loop. Every wait is bounded by the
server's stop event, so stopping it never hangs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW = "slow"
ENDLESS = "endless"
_LONGEST_WAIT_SECONDS = 30.0


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    behaviour: str = ""
    """'' for a normal answer, or SLOW / ENDLESS."""


@dataclass
class WebServer:
    server: ThreadingHTTPServer
    pages: dict[str, Page]
    stop: threading.Event
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def serve(self, path: str, body: bytes | str, **details: object) -> str:
        """Answer `path` with this page from now on; returns its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, **details)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.pages[path] = Page(status=status, headers={"Location": to})
        return self.url(path)


def _handler(web: WebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            web.requests.append((self.path, dict(self.headers.items())))
            page = web.pages.get(self.path)
            if page is None:
                page = Page(b"<html><body>Not here</body></html>", status=404)
            if page.behaviour == SLOW:
                web.stop.wait(_LONGEST_WAIT_SECONDS)
                return
            self.send_response(page.status)
            for name, value in page.headers.items():
                self.send_header(name, value)
            if page.behaviour == ENDLESS:
                self.end_headers()
                self._endless()
                return
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def _endless(self) -> None:
            chunk = b"<p>" + b"more " * 2000 + b"</p>\n"
            while not web.stop.is_set():
                try:
                    self.wfile.write(chunk)
                except OSError:  # the client hung up: what a size cap does
                    return

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet: the tests read what they need from `requests`."""

    return Handler


@contextmanager
def web_server() -> Iterator[WebServer]:
    """A server on a free port of 127.0.0.1, stopped (and its handlers ended) on exit."""
    stop = threading.Event()
    web = WebServer(ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler), {}, stop)
    web.server.RequestHandlerClass = _handler(web)
    web.server.daemon_threads = True
    thread = threading.Thread(target=web.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        stop.set()
        web.server.shutdown()
        web.server.server_close()
        thread.join()


def article_page(title: str, paragraphs: list[str], *, boilerplate: str = "") -> str:
    """A news page: navigation, the article, and a footer that may carry a timestamp."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta property='og:site_name' content='The Test Ledger'>"
        "</head><body>"
        "<nav><a href='https://example.org/'>Home</a> <a href='https://example.org/news'>News</a>"
        "</nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer><p>Page generated {boilerplate}. All rights reserved.</p></footer>"
        "</body></html>"
    )
