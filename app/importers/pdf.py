"""PDF sources: the text of every page and the document's metadata, extracted with pypdf.

pypdf runs in a child process (see `isolation`): a looping, bomb-laden or otherwise hostile PDF
costs a killed child and a clear `ImportFailed`.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.isolation import DEFAULT_LIMITS, ChildLimits, run_extractor
from sourcemark.app.importers.source import MAX_TEXT_CHARS, ExtractedSource, from_extracted_fields

# PDF files may start with a little junk before the header; readers accept it within 1 KB.
_HEADER_WINDOW = 1024


def extract_pdf(
    data: bytes, filename: str, *, limits: ChildLimits = DEFAULT_LIMITS
) -> ExtractedSource:
    """Import a PDF; pypdf runs in a child process under `limits`."""
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise ImportFailed("not a PDF file (no %PDF- header)")
    fields = run_extractor("pdf", data, limits)
    return from_extracted_fields(
        fields,
        data=data,
        filename=filename,
        source_format="pdf",
        empty="the PDF has no extractable text — is it a scan?",
    )


def extract_fields(data: bytes) -> dict[str, str]:
    """The text of every page and the metadata (runs in the child process)."""
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFailed("the PDF is password-protected")
        text = _page_texts(reader)
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
    return {"text": text, **_metadata(reader)}


def _page_texts(reader: PdfReader) -> str:
    pages: list[str] = []
    length = 0
    for page in reader.pages:
        pages.append(page.extract_text() or "")
        length += len(pages[-1])
        if length > MAX_TEXT_CHARS:
            raise ImportFailed(f"its text is over the {MAX_TEXT_CHARS:,}-character limit")
    return "\n\n".join(pages)


def _metadata(reader: PdfReader) -> dict[str, str]:
    """Title, author and creation date; malformed metadata (common) is left out."""
    try:
        info = reader.metadata
    except Exception:  # optional metadata must not block the text
        return {}
    if info is None:
        return {}
    return {
        "title": _text_of(lambda: info.title),
        "author": _text_of(lambda: info.author),
        "published": _text_of(lambda: info.creation_date and info.creation_date.date().isoformat()),
    }


def _text_of(read: Callable[[], object]) -> str:
    try:
        value = read()
    except Exception:  # optional metadata must not block the text
        return ""
    return str(value) if value else ""
