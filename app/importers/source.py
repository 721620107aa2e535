"""What every importer produces: an `ExtractedSource`, checked like the untrusted input it is."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sourcemark.app.capture.record import PageCapture
from sourcemark.app.dates import parse_published
from sourcemark.app.errors import ImportFailed, SourcemarkError
from sourcemark.app.languages import normalise_language
from sourcemark.app.models import PageSpan
from sourcemark.app.text import drop_control_characters, normalise
from sourcemark.app.wording import sizes

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Text longer than this is refused: a text file within the default size limit fits, and a PDF
# or page that inflates to more is a bomb.
MAX_TEXT_CHARS = DEFAULT_MAX_BYTES
# No paragraph of a real source is this long; the reader cannot lay out such a line either.
MAX_LINE_CHARS = 200_000
# A text in which more characters than this share are U+FFFD is not in the encoding it claims.
MAX_UNDECODABLE_SHARE = 0.1
# Extracted metadata values are one line of at most this many characters.
MAX_FIELD_CHARS = 300


@dataclass(frozen=True, slots=True)
class ExtractedSource:
    text: str
    source_format: str
    original: bytes
    filename: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    url: str = ""
    published: str = ""
    language: str = ""  # declared by the source (a page's lang attribute), else detected
    page_text: str = ""
    """All the visible text of a web page, to check the extraction against (HTML only)."""
    extraction_warning: str = ""
    """Why the extracted text may be incomplete, if it looks implausibly short for the page."""
    capture: PageCapture | None = None
    """The fetch this source came from, when it was imported from the web."""
    pages: tuple[PageSpan, ...] = ()
    """For a document of pages (a PDF): where each page's text lies, and which were OCR'd."""

    def with_metadata(self, **overrides: str | None) -> ExtractedSource:
        """Metadata given by the user wins over what was extracted."""
        given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportFailed(over_size_limit(size, max_bytes))


def over_size_limit(size: int, max_bytes: int) -> str:
    shown, limit = sizes(size, max_bytes)
    return f"{shown} is over the size limit of {limit}"


def readable(text: str, *, empty: str) -> str:
    """`text` if a reader can use it: not blank (else `empty`), decodable, of bounded size."""
    if not text.strip():
        raise ImportFailed(empty)
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFailed(f"its text is over the {MAX_TEXT_CHARS:,}-character limit")
    if text.count("\ufffd") > len(text) * MAX_UNDECODABLE_SHARE:
        raise ImportFailed("most of its text cannot be decoded: the encoding is invalid")
    longest = max(map(len, text.split("\n")))
    if longest > MAX_LINE_CHARS:
        raise ImportFailed(
            f"it has a line of {longest:,} characters, over the {MAX_LINE_CHARS:,}-character limit"
        )
    return text


def from_extracted_fields(
    fields: dict[str, str], *, data: bytes, filename: str, source_format: str, empty: str
) -> ExtractedSource:
    """Build a source from an extractor's text and metadata, which are checked like input.

    `empty` is the message given when the extractor found no text."""
    text = readable(normalise(drop_control_characters(fields.get("text", ""))), empty=empty)
    url = _one_line(fields.get("url", ""))
    return ExtractedSource(
        text=text,
        source_format=source_format,
        original=data,
        filename=filename,
        title=_one_line(fields.get("title", "")) or Path(filename).stem,
        outlet=_one_line(fields.get("outlet", "")),
        author=_one_line(fields.get("author", "")),
        url=url if url.lower().startswith(("http://", "https://")) else "",
        language=_declared_language(fields.get("language", "")),
        published=_valid_date(fields.get("published", "")),
    )


def _one_line(value: str) -> str:
    """Metadata as one normalised line of bounded length."""
    line = " ".join(normalise(drop_control_characters(value)).split())
    return line[:MAX_FIELD_CHARS]


def _valid_date(value: str) -> str:
    try:
        return parse_published(value[:MAX_FIELD_CHARS])
    except SourcemarkError:
        return ""


def _declared_language(value: str) -> str:
    """A language the page declares (`<html lang="de-AT">`), if it is a language code."""
    try:
        return normalise_language(value) if value.strip() else ""
    except ValueError:
        return ""
