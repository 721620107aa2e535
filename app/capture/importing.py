"""Importing sources from the web: each address fetched, kept as evidence, and extracted as a
saved page or PDF is; the command line and the desk share it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from sourcemark.app.capture.fetch import DEFAULT_FETCH_LIMITS, FetchedPage, FetchLimits, fetch
from sourcemark.app.changes import Outcome
from sourcemark.app.errors import FetchFailed, ImportFailed
from sourcemark.app.importers import ExtractedSource, extract
from sourcemark.app.importing import Cancelled, Extraction, ImportReport, import_extractions
from sourcemark.app.library import Library, Progress


def fetch_source(url: str, *, limits: FetchLimits = DEFAULT_FETCH_LIMITS) -> ExtractedSource:
    """Fetch a page or PDF and extract it as a source carrying its capture.

    Raises ImportFailed with one line naming the problem (the caller names the URL)."""
    try:
        page = fetch(url, limits=limits)
    except FetchFailed as error:
        raise ImportFailed(str(error)) from None
    assert isinstance(page, FetchedPage)  # a gone page raises unless asked for
    return source_from_page(page, limits.max_bytes)


def source_from_page(page: FetchedPage, max_bytes: int) -> ExtractedSource:
    """A fetched page extracted like a saved file, with its capture and its final URL."""
    source = extract(page.body, page.filename, max_bytes=max_bytes)
    return replace(source, url=page.capture.final_url, capture=page.capture)


def fetch_sources(
    urls: Sequence[str], *, limits: FetchLimits = DEFAULT_FETCH_LIMITS
) -> Iterator[Extraction]:
    """What each address gives, in order."""
    for url in urls:
        try:
            yield fetch_source(url, limits=limits)
        except ImportFailed as error:
            yield error


def import_urls(
    library: Library,
    urls: Sequence[str],
    *,
    limits: FetchLimits = DEFAULT_FETCH_LIMITS,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Outcome[ImportReport]:
    """Fetch and import web pages and PDFs; a failure is reported with its reason."""
    urls = [url.strip() for url in urls]
    return import_extractions(
        library, urls, fetch_sources(urls, limits=limits), progress=progress, cancelled=cancelled
    )
