"""Saved web pages and PDFs, extracted in the worker pool.

This is the app's side of the work: it sends jobs to `app.workers` and checks each reply as
the untrusted input it is. The parsers themselves (`html`, `pdf`, `ocr`, `rendering`,
`reflow`) run only in the workers; nothing here imports them.
"""

from __future__ import annotations

from dataclasses import replace

from sourcemark.app import settings
from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.plausibility import extraction_warning
from sourcemark.app.importers.source import ExtractedSource, from_extracted_fields
from sourcemark.app.models import PageSpan
from sourcemark.app.text import drop_control_characters, normalise
from sourcemark.app.workers.pool import DEFAULT_LIMITS, Limits, WorkerPool, shared_pool
from sourcemark.app.workers.protocol import Frame

# PDF files may start with a little junk before the header; readers accept it within 1 KB.
_HEADER_WINDOW = 1024
MAX_PAGES = 20_000
_GARBLED = "the extractor gave an unreadable answer for this file"
_HTML_FIELDS = ("title", "author", "outlet", "url", "published")


def extract_html(
    data: bytes, filename: str, *, pool: WorkerPool | None = None, limits: Limits = DEFAULT_LIMITS
) -> ExtractedSource:
    """Import a saved web page (see `importers.html` for what the worker does)."""
    reply = (pool or shared_pool()).run("html", blobs=[data], limits=limits)
    fields = {name: _string(reply.header.get(name)) for name in _HTML_FIELDS}
    source = from_extracted_fields(
        {**fields, "text": _text(reply, 0)},
        data=data,
        filename=filename,
        source_format="html",
        empty="no article text found in the page",
    )
    page_text = normalise(drop_control_characters(_text(reply, 1)))
    return replace(
        source, page_text=page_text, extraction_warning=extraction_warning(source.text, page_text)
    )


def extract_pdf(
    data: bytes,
    filename: str,
    *,
    ocr_language: str | None = None,
    pool: WorkerPool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ExtractedSource:
    """Import a PDF: its text layer, scanned pages read with OCR (in `ocr_language`, by default
    the one in the user's settings), joined into paragraphs, with a page map."""
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise ImportFailed("not a PDF file (no %PDF- header)")
    pool = pool or shared_pool()
    layers = pool.run("pdf", blobs=[data], limits=limits)
    if len(layers.blobs) > MAX_PAGES:
        raise ImportFailed(f"the PDF has over {MAX_PAGES:,} pages")
    texts = [_text(layers, index) for index in range(len(layers.blobs))]
    scans = _page_indices(layers.header.get("scans"), len(texts))
    if scans:
        language = settings.checked_ocr_language(ocr_language or settings.ocr_language())

        def read_scan(index: int) -> str:
            reply = pool.run("ocr", {"page": index, "language": language}, [data], limits=limits)
            return _text(reply, 0)

        for index, text in zip(scans, pool.map_ordered(read_scan, scans), strict=True):
            texts[index] = text
    reflowed = pool.run("reflow", blobs=[text.encode("utf-8") for text in texts], limits=limits)
    text = _text(reflowed, 0)
    starts = _page_starts(reflowed.header.get("page_starts"), len(texts), len(text))
    source = from_extracted_fields(
        {
            "text": text,
            "title": _string(layers.header.get("title")),
            "author": _string(layers.header.get("author")),
        },
        data=data,
        filename=filename,
        source_format="pdf",
        empty="OCR found no text in this scan"
        if scans
        else "the PDF has no extractable text (no text layer, and no scanned page to read)",
    )
    if source.text != text:  # the worker's text was not normalised: its page map cannot hold
        raise ImportFailed(_GARBLED)
    ends = [*starts[1:], len(text)]
    pages = tuple(
        PageSpan(index + 1, start, end, index in scans)
        for index, (start, end) in enumerate(zip(starts, ends, strict=True))
    )
    return replace(source, pages=pages)


def _string(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFailed(_GARBLED)
    return value


def _text(reply: Frame, index: int) -> str:
    if index >= len(reply.blobs):
        raise ImportFailed(_GARBLED)
    return reply.blobs[index].decode("utf-8", errors="replace")


def _page_indices(value: object, pages: int) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(_is_int(i) and 0 <= i < pages for i in value):
        raise ImportFailed(_GARBLED)
    return sorted(set(value))


def _page_starts(value: object, pages: int, length: int) -> list[int]:
    """Each page's first offset: one a page, from 0, never going back, within the text."""
    if (
        not isinstance(value, list)
        or len(value) != pages
        or not all(_is_int(start) and 0 <= start <= length for start in value)
        or (value and value[0] != 0)
        or any(later < earlier for earlier, later in zip(value, value[1:], strict=False))
    ):
        raise ImportFailed(_GARBLED)
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
