"""A page as fetched: the evidence kept with the source it becomes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageCapture:
    """What one fetch asked for and got: kept with the source, the WARC file as proof."""

    requested_url: str
    final_url: str
    fetched_at: str
    """UTC, ISO 8601 with a Z."""
    status: int
    headers: tuple[tuple[str, str], ...]
    """The final response's headers, in order, as received."""
    content_type: str
    payload_sha256: str
    """SHA-256 of the response body as it arrived (before any content decoding)."""
    warc: bytes
    """Gzipped WARC records: each request and response of the fetch, redirects included."""
