"""Plain text and Markdown sources, typed, pasted or read from a file or standard input."""

from __future__ import annotations

from pathlib import Path

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.source import ExtractedSource, readable
from sourcemark.app.text import NotText, decode, looks_binary, normalise, without_lone_surrogates


def decode_text(data: bytes) -> str:
    """Decode and normalise untrusted bytes, refusing binary data and empty text."""
    try:
        text = normalise(decode(data))
    except NotText:
        raise ImportFailed("the file is not text (binary data or an unknown encoding)") from None
    if looks_binary(text):
        raise ImportFailed("the file is binary, not text")
    return readable(text, empty="the file holds no text")


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


def _first_line_title(text: str, source_format: str) -> str:
    first = text.lstrip().split("\n", 1)[0].strip()
    if source_format == "markdown" and first.startswith("#"):
        return first.lstrip("#").strip()
    return first if len(first) <= 100 else ""
