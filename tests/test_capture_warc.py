"""The WARC files the library keeps, read back with warcio record by record."""

from __future__ import annotations

import base64
import hashlib
import io

from warcio.archiveiterator import ArchiveIterator

from sourcemark.app.capture.fetch import FetchLimits
from sourcemark.app.capture.importing import import_urls
from sourcemark.app.capture.refetch import refetch
from sourcemark.app.library import Library
from tests.web_server import WebServer, article_page

QUICK = FetchLimits(connect_seconds=2, read_seconds=2, total_seconds=10)
PAGE = article_page("Harbour", ["The harbour budget passed on Tuesday after a long debate."])


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def records(warc: bytes) -> list[tuple[str, str, str, int | None, str, bytes]]:
    """(type, target URI, date, HTTP status, payload digest, payload) of each record."""
    found = []
    for record in ArchiveIterator(io.BytesIO(warc)):
        status = (
            int(record.http_headers.get_statuscode()) if record.rec_type == "response" else None
        )
        found.append(
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI") or "",
                record.rec_headers.get_header("WARC-Date"),
                status,
                record.rec_headers.get_header("WARC-Payload-Digest") or "",
                record.raw_stream.read(),
            )
        )
    return found


def test_an_import_keeps_request_and_response_records(library: Library, web: WebServer) -> None:
    url = web.serve("/story", PAGE)
    article_id = import_urls(library, [url], limits=QUICK).value.article_ids[0]
    (capture,) = library.captures(article_id)
    kinds = records(library.capture_warc(capture.id))
    assert [k[0] for k in kinds] == ["warcinfo", "request", "response"]
    _, request_url, request_date, _, _, _ = kinds[1]
    _, response_url, response_date, status, digest, payload = kinds[2]
    assert request_url == response_url == url
    assert request_date == response_date == capture.fetched_at
    assert status == 200
    assert payload == PAGE.encode("utf-8")
    assert digest == sha1_digest(payload)
    assert hashlib.sha256(payload).hexdigest() == capture.payload_sha256


def test_redirects_are_recorded_hop_by_hop(library: Library, web: WebServer) -> None:
    final = web.serve("/final", PAGE)
    start = web.redirect("/old", final, 301)
    article_id = import_urls(library, [start], limits=QUICK).value.article_ids[0]
    (capture,) = library.captures(article_id)
    kept = [(k[0], k[1], k[3]) for k in records(library.capture_warc(capture.id))]
    assert kept == [
        ("warcinfo", "", None),
        ("request", start, None),
        ("response", start, 301),
        ("request", final, None),
        ("response", final, 200),
    ]


def test_every_refetch_adds_a_warc_file(library: Library, web: WebServer) -> None:
    url = web.serve("/story", PAGE)
    article_id = import_urls(library, [url], limits=QUICK).value.article_ids[0]
    refetch(library, [article_id], limits=QUICK)
    web.serve("/story", "<html><body>Gone</body></html>", status=410)
    refetch(library, [article_id], limits=QUICK)
    captures = library.captures(article_id)
    assert [(c.status, c.version) for c in captures] == [(200, 1), (200, 1), (410, None)]
    statuses = [
        [k[3] for k in records(library.capture_warc(c.id)) if k[0] == "response"] for c in captures
    ]
    assert statuses == [[200], [200], [410]]
    assert len({c.fetched_at for c in captures} | {c.id for c in captures}) >= 3
