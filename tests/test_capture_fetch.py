"""Importing from the web: every bounded behaviour and every one-line failure, against a local
server on 127.0.0.1 (tests/web_server.py)."""

from __future__ import annotations

import gzip
import hashlib
import socket
from pathlib import Path

import pytest

from sourcemark.app.capture.fetch import USER_AGENT, FetchedPage, FetchLimits, fetch
from sourcemark.app.capture.importing import import_urls
from sourcemark.app.errors import FetchFailed
from sourcemark.app.library import Library
from tests.cli import sourcemark
from tests.pdf_bytes import text_pdf
from tests.web_server import ENDLESS, SLOW, WebServer, article_page

QUICK = FetchLimits(connect_seconds=2, read_seconds=0.5, total_seconds=5, max_bytes=200_000)
PARAGRAPHS = [
    "The council approved the harbour budget on Tuesday after a six-hour debate that ran late.",
    "\u201cThis is the safest harbour in the country,\u201d the mayor said, to some laughter.",
    "Opposition members said the figures had not been checked by the auditor general.",
]


def failure(url: str, limits: FetchLimits = QUICK) -> FetchFailed:
    with pytest.raises(FetchFailed) as caught:
        fetch(url, limits=limits)
    return caught.value


def test_a_page_is_fetched_with_a_user_agent_naming_sourcemark(web: WebServer) -> None:
    url = web.serve("/story", article_page("Budget", PARAGRAPHS))
    page = fetch(url, limits=QUICK)
    assert isinstance(page, FetchedPage)
    assert page.kind == "html" and page.capture.status == 200
    assert page.capture.requested_url == page.capture.final_url == url
    assert page.capture.fetched_at.endswith("Z")
    assert web.requests[0][1]["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("Sourcemark/")


def test_redirects_are_followed_and_the_final_url_kept(web: WebServer) -> None:
    final = web.serve("/final", article_page("Budget", PARAGRAPHS))
    web.redirect("/b", final, 301)
    start = web.redirect("/a", web.url("/b"))
    page = fetch(start, limits=QUICK)
    assert isinstance(page, FetchedPage)
    assert (page.capture.requested_url, page.capture.final_url) == (start, final)


def test_a_redirect_loop_is_too_many_redirects(web: WebServer) -> None:
    web.redirect("/loop-a", web.url("/loop-b"))
    web.redirect("/loop-b", web.url("/loop-a"))
    assert str(failure(web.url("/loop-a"))) == "too many redirects (more than 10)"
    assert len(web.requests) == 11


def test_a_redirect_to_another_scheme_is_refused(web: WebServer) -> None:
    url = web.redirect("/to-file", "file:///etc/passwd")
    assert "only http and https" in str(failure(url))


def test_a_server_that_never_answers_times_out(web: WebServer) -> None:
    web.serve("/slow", b"", behaviour=SLOW)
    assert str(failure(web.url("/slow"))) == "timed out: the server sent nothing for 0.5 s"


def test_an_endless_body_stops_at_the_size_cap(web: WebServer) -> None:
    url = web.serve("/endless", b"", behaviour=ENDLESS)
    assert str(failure(url)) == "too large: the page is over the 200,000-byte size limit"


def test_a_declared_length_over_the_cap_is_refused_before_reading(web: WebServer) -> None:
    url = web.serve("/big", b"x" * 300_000)
    assert "too large" in str(failure(url))


def test_a_gzip_bomb_stops_at_the_size_cap(web: WebServer) -> None:
    bomb = gzip.compress(b"<p>" + b" " * 5_000_000 + b"</p>")
    url = web.serve(
        "/bomb", bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    assert len(bomb) < QUICK.max_bytes
    assert "too large" in str(failure(url))


def test_a_gzipped_page_is_decoded_and_kept_as_sent(web: WebServer) -> None:
    html = article_page("Budget", PARAGRAPHS).encode()
    sent = gzip.compress(html)
    url = web.serve("/gz", sent, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    page = fetch(url, limits=QUICK)
    assert isinstance(page, FetchedPage)
    assert page.body == html
    assert page.capture.payload_sha256 == hashlib.sha256(sent).hexdigest()


@pytest.mark.parametrize(("status", "said"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500")])
def test_http_errors_give_their_status(web: WebServer, status: int, said: str) -> None:
    url = web.serve("/err", "<html><body>oops</body></html>", status=status)
    error = failure(url)
    assert str(error).startswith(said)
    assert error.status == status
    assert error.gone is (status == 404)


@pytest.mark.parametrize("content_type", ["image/png", "application/json", "text/plain"])
def test_wrong_content_types_are_refused(web: WebServer, content_type: str) -> None:
    url = web.serve("/thing", b"\x89PNG....", headers={"Content-Type": content_type})
    assert str(failure(url)) == f"not an HTML page or a PDF (the server says {content_type})"


def test_refused_connections_and_unknown_names_are_named() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert str(failure(f"http://127.0.0.1:{port}/")).startswith("connection refused")
    assert str(failure("http://no-such-host.invalid/")).startswith("DNS failure")


def test_tls_failure_is_named(web: WebServer) -> None:
    host, port = web.server.server_address[:2]
    assert str(failure(f"https://{host!s}:{port}/")).startswith("TLS error")


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "http://"])
def test_only_web_addresses_are_fetched(url: str) -> None:
    error = failure(url)
    assert "http and https" in str(error) or "no server" in str(error)


def test_import_url_keeps_the_capture_with_the_source(library: Library, web: WebServer) -> None:
    url = web.serve("/story", article_page("Harbour budget approved", PARAGRAPHS))
    report = import_urls(library, [url], limits=QUICK).value
    assert report.failed == [] and len(report.imported) == 1
    article = library.article(report.imported[0].article_id)
    assert article.url == url and article.title == "Harbour budget approved"
    assert "safest harbour" in article.text
    (capture,) = library.captures(article.id)
    assert (capture.requested_url, capture.final_url, capture.status) == (url, url, 200)
    assert ("Content-Type", "text/html") in capture.headers
    assert capture.version == 1
    assert "safest harbour" in library.page_text(article.id)
    assert "All rights reserved" in library.page_text(article.id)  # the page, not the article


def test_a_pdf_at_a_url_is_imported_as_a_pdf(library: Library, web: WebServer) -> None:
    url = web.serve(
        "/report.pdf",
        text_pdf([["The audit found the harbour budget short by four million."]]),
        headers={"Content-Type": "application/pdf"},
    )
    report = import_urls(library, [url], limits=QUICK).value
    article = library.article(report.imported[0].article_id)
    assert article.source_format == "pdf" and "four million" in article.text
    assert article.title == "report"
    assert library.captures(article.id)[0].content_type == "application/pdf"


def test_a_failed_fetch_names_the_url_and_writes_nothing(library: Library, web: WebServer) -> None:
    url = web.serve("/err", "<html><body>oops</body></html>", status=500)
    report = import_urls(library, [url], limits=QUICK).value
    assert report.failed == [(url, "HTTP 500 Internal Server Error")]
    assert library.counts()["articles"] == 0


def test_import_command_fetches_urls_beside_files(tmp_path: Path, web: WebServer) -> None:
    url = web.serve("/story", article_page("Harbour budget approved", PARAGRAPHS))
    missing = web.url("/missing")
    note = tmp_path / "note.txt"
    note.write_text("A note beside the page.", encoding="utf-8")
    done = sourcemark("import", url, note, missing, "ftp://example.org/x", library=tmp_path / "lib")
    assert done.returncode == 1
    assert f"sourcemark: {missing}: HTTP 404 Not Found" in done.stderr.splitlines()
    assert "sourcemark: ftp://example.org/x: only http and https addresses can be fetched" in (
        done.stderr.splitlines()
    )
    assert "2 imported, 2 failed." in done.stdout
