"""Importers: turn a file's bytes into an `ExtractedSource` (normalised text plus metadata).

Every importer raises `ImportFailed` with a reason a journalist can act on; nothing is written
to the library until extraction has fully succeeded.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sourcemark.app.dates import parse_published
from sourcemark.app.errors import ImportFailed, SourcemarkError
from sourcemark.app.text import (
    NotText,
    decode,
    drop_control_characters,
    looks_binary,
    normalise,
    without_lone_surrogates,
)

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

    def with_metadata(self, **overrides: str | None) -> ExtractedSource:
        """Metadata given by the user wins over what was extracted."""
        given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedSource:
    """Read and extract one source file, choosing the importer by its suffix."""
    try:
        data = _read_regular_file(path, max_bytes)
        return extract(data, path.name, max_bytes=max_bytes)
    except ImportFailed as error:
        raise ImportFailed(f"{path}: {error}") from None


def _read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` (never a folder, FIFO or device)."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ImportFailed("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailed("is not a regular file (a device, pipe or socket)")
        _check_size(info.st_size, max_bytes)
        with path.open("rb") as file:
            # One byte more than allowed: a file that grows after stat() is still caught.
            data = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise ImportFailed("no such file") from None
    except OSError as error:
        raise ImportFailed(f"cannot be read ({error.strerror or error})") from None
    _check_size(len(data), max_bytes)
    return data


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportFailed(f"{size:,} bytes is over the {max_bytes:,}-byte size limit")


def extract(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedSource:
    """Extract a source from bytes named `filename` (the name only picks the importer)."""
    _check_size(len(data), max_bytes)
    if not data.strip():
        raise ImportFailed("the file is empty")
    suffix = Path(filename).suffix.lower()
    if suffix in (".txt", ".text", ""):
        return plain_text(data, filename, "text")
    if suffix in (".md", ".markdown"):
        return plain_text(data, filename, "markdown")
    if suffix in (".html", ".htm", ".xhtml"):
        from sourcemark.app.importers.html import extract_html

        return extract_html(data, filename)
    if suffix == ".pdf":
        from sourcemark.app.importers.pdf import extract_pdf

        return extract_pdf(data, filename)
    raise ImportFailed(
        f"unsupported file type {suffix!r} (Sourcemark imports .txt, .md, .html, .htm and .pdf)"
    )


def decode_text(data: bytes) -> str:
    """Decode and normalise untrusted bytes, refusing binary data and empty text."""
    try:
        text = normalise(decode(data))
    except NotText:
        raise ImportFailed("the file is not text (binary data or an unknown encoding)") from None
    if looks_binary(text):
        raise ImportFailed("the file is binary, not text")
    return _readable(text, empty="the file holds no text")


def _readable(text: str, *, empty: str) -> str:
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


def plain_text(data: bytes, filename: str, source_format: str) -> ExtractedSource:
    text = decode_text(data)
    return ExtractedSource(
        text=text,
        source_format=source_format,
        original=data,
        filename=filename,
        title=_first_line_title(text, source_format) or Path(filename).stem,
    )


def from_pasted_text(text: str, filename: str = "pasted.txt") -> ExtractedSource:
    """A source typed or pasted by the user (or read from standard input)."""
    return plain_text(without_lone_surrogates(text).encode("utf-8"), filename, "text")


def from_extracted_fields(
    fields: dict[str, str], *, data: bytes, filename: str, source_format: str, empty: str
) -> ExtractedSource:
    """Build a source from an extractor's text and metadata, which are checked like input.

    `empty` is the message given when the extractor found no text."""
    text = _readable(normalise(drop_control_characters(fields.get("text", ""))), empty=empty)
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


def _first_line_title(text: str, source_format: str) -> str:
    first = text.lstrip().split("\n", 1)[0].strip()
    if source_format == "markdown" and first.startswith("#"):
        return first.lstrip("#").strip()
    return first if len(first) <= 100 else ""
