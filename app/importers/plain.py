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


TITLE_CHARS = 100


def plain_text(data: bytes, filename: str, source_format: str) -> ExtractedSource:
    """A text file: titled by its first line, or by the file's name when that line is long."""
    text = decode_text(data)
    first = _first_line(text, source_format)
    return ExtractedSource(
        text=text,
        source_format=source_format,
        original=data,
        filename=filename,
        title=first if len(first) <= TITLE_CHARS else Path(filename).stem,
    )


def from_pasted_text(text: str, filename: str = "pasted.txt") -> ExtractedSource:
    """A source typed or pasted by the user (or read from standard input), titled by its first
    line, cut at a word if it is long: a pasted text has no file name to fall back on."""
    source = plain_text(without_lone_surrogates(text).encode("utf-8"), filename, "text")
    return source.with_metadata(title=_shortened(_first_line(source.text, "text"), TITLE_CHARS))


def _first_line(text: str, source_format: str) -> str:
    first = text.lstrip().split("\n", 1)[0].strip()
    if source_format == "markdown" and first.startswith("#"):
        return first.lstrip("#").strip()
    return first


def _shortened(line: str, limit: int) -> str:
    """`line` if it fits, else cut after its last whole word that fits, with an ellipsis."""
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if not line[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
