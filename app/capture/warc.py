"""WARC files: the proof of what a page said when it was fetched (ISO 28500, written by warcio).

One fetch gives one small gzipped WARC file: a `warcinfo` record naming Sourcemark, then a
`request` and a `response` record for each HTTP exchange (redirects included). The response
payload is the body exactly as the server sent it, content encoding and all; only chunked
transfer coding is undone (httpx hands over the body de-chunked), so the `Transfer-Encoding`
header is left out of the record's HTTP headers, as it no longer describes the bytes stored.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sourcemark import __version__


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as sent and received."""

    url: str
    request_line: str
    request_headers: tuple[tuple[str, str], ...]
    status_line: str
    """E.g. 'HTTP/1.1 200 OK'."""
    response_headers: tuple[tuple[str, str], ...]
    payload: bytes
    fetched_at: str
    """UTC, ISO 8601 with a Z: the WARC-Date of both records."""


@dataclass(frozen=True, slots=True)
class WarcRecord:
    """A record read back: enough to show and check what a capture holds."""

    type: str
    url: str
    date: str
    status: int | None
    payload_digest: str
    headers: list[tuple[str, str]]
    payload: bytes


def warc_file(exchanges: list[Exchange]) -> bytes:
    """A gzipped WARC file holding the exchanges, in order."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(
        writer.create_warcinfo_record(
            "",
            {"software": f"Sourcemark {__version__}", "format": "WARC File Format 1.1"},
        )
    )
    for exchange in exchanges:
        dated = {"WARC-Date": exchange.fetched_at}
        method, target, protocol = exchange.request_line.split(" ", 2)
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{method} {target}", list(exchange.request_headers), protocol=protocol
            ),
            warc_headers_dict=dated,
        )
        protocol, status = exchange.status_line.split(" ", 1)
        headers = [
            (name, value)
            for name, value in exchange.response_headers
            if name.lower() != "transfer-encoding"
        ]
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.payload),
            length=len(exchange.payload),
            http_headers=StatusAndHeaders(status, headers, protocol=protocol),
            warc_headers_dict=dated,
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        writer.write_record(request)
        writer.write_record(response)
    return out.getvalue()


def read_records(warc: bytes) -> Iterator[WarcRecord]:
    """The records of a WARC file, payloads as stored (not content-decoded)."""
    for record in ArchiveIterator(io.BytesIO(warc)):
        status = None
        headers: list[tuple[str, str]] = []
        if record.http_headers is not None and record.rec_type == "response":
            status = int(record.http_headers.get_statuscode())
            headers = list(record.http_headers.headers)
        yield WarcRecord(
            type=record.rec_type,
            url=record.rec_headers.get_header("WARC-Target-URI") or "",
            date=record.rec_headers.get_header("WARC-Date") or "",
            status=status,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
            headers=headers,
            payload=record.raw_stream.read(),
        )
