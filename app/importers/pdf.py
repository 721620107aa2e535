"""PDF text layers, read with pypdf in a worker process (see `app.workers`).

For each page: its text in pypdf's layout mode (a fixed-width picture of the page, which
`reflow` turns into paragraphs), and whether it is a scan (no text, but an image) for OCR.
Metadata: the title and author only; the file's CreationDate is when the file was made, not
when the document was published, so it is never taken as the publication date.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.errors import LimitReachedError

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.source import MAX_TEXT_CHARS

# Layout mode pads with spaces; a page drawn wider than this (text placed far off the page)
# is read in plain mode instead.
_MAX_LAYOUT_CHARS = 2_000_000


def extract_job(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    """Worker job: the PDF's bytes in; title, author, the scanned pages and each page's text
    (one UTF-8 blob a page) out."""
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(blobs[0]))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFailed("the PDF is password-protected")
        texts, scans = _page_texts(reader)
    except (ImportFailed, MemoryError):
        raise
    except RecursionError:
        raise ImportFailed("the PDF is damaged: its structure loops or nests too deeply") from None
    except LimitReachedError:
        raise ImportFailed(
            "the PDF goes over a safety limit (a compression bomb or a runaway page tree)"
        ) from None
    except Exception:  # pypdf has no single error type for malformed files
        raise ImportFailed("the PDF is damaged or unreadable") from None
    header = {**_metadata(reader), "scans": scans}
    return header, [text.encode("utf-8") for text in texts]


def _page_texts(reader: PdfReader) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    scans: list[int] = []
    length = 0
    for number, page in enumerate(reader.pages):
        text = _layout_text(page)
        if not text.strip() and _has_image(page):
            scans.append(number)
        texts.append(text)
        length += len(text)
        if length > MAX_TEXT_CHARS:
            raise ImportFailed(f"its text is over the {MAX_TEXT_CHARS:,}-character limit")
    return texts, scans


def _layout_text(page: PageObject) -> str:
    try:
        text = page.extract_text(extraction_mode="layout")
    except (MemoryError, LimitReachedError, RecursionError):
        raise
    except Exception:  # layout mode fails on some odd fonts where plain mode copes
        text = ""
    if not text.strip() or len(text) > _MAX_LAYOUT_CHARS:
        text = page.extract_text() or ""
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _has_image(page: PageObject) -> bool:
    """Whether the page's resources hold an image (directly, as scanners make them)."""
    try:
        objects: Any = page["/Resources"]["/XObject"]  # type: ignore[index]
        return any(objects[name].get("/Subtype") == "/Image" for name in objects)
    except Exception:  # no resources, or malformed ones: not a scan we can tell
        return False


def _metadata(reader: PdfReader) -> dict[str, str]:
    """Title and author; malformed metadata (common) is left out."""
    try:
        info = reader.metadata
    except Exception:  # optional metadata must not block the text
        return {}
    if info is None:
        return {}
    return {"title": _text_of(lambda: info.title), "author": _text_of(lambda: info.author)}


def _text_of(read: Callable[[], object]) -> str:
    try:
        value = read()
    except Exception:  # optional metadata must not block the text
        return ""
    return str(value) if value else ""
