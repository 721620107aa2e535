"""Importers: turn a file's bytes into an `ExtractedSource` (normalised text plus metadata).

Every importer raises `ImportFailed` with a reason a journalist can act on; nothing is written
to the library until extraction has fully succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from app.errors import ImportFailed
from app.text import NotText, decode, looks_binary, normalise

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


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
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedSource:
    """Read and extract one source file, choosing the importer by its suffix."""
    if path.is_dir():
        raise ImportFailed(f"{path}: is a folder, not a file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportFailed(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte size limit")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except OSError as error:
        raise ImportFailed(f"{path}: cannot be read ({error.strerror})") from None
    try:
        return extract(data, path.name, max_bytes=max_bytes)
    except ImportFailed as error:
        raise ImportFailed(f"{path}: {error}") from None


def extract(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedSource:
    """Extract a source from bytes named `filename` (the name only picks the importer)."""
    if len(data) > max_bytes:
        raise ImportFailed(f"{len(data):,} bytes is over the {max_bytes:,}-byte size limit")
    if not data.strip():
        raise ImportFailed("the file is empty")
    suffix = Path(filename).suffix.lower()
    if suffix in (".txt", ".text", ""):
        return plain_text(data, filename, "text")
    if suffix in (".md", ".markdown"):
        return plain_text(data, filename, "markdown")
    if suffix in (".html", ".htm", ".xhtml"):
        from app.importers.html import extract_html

        return extract_html(data, filename)
    if suffix == ".pdf":
        from app.importers.pdf import extract_pdf

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
    if not text.strip():
        raise ImportFailed("the file holds no text")
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
    return plain_text(text.encode("utf-8"), filename, "text")


def _first_line_title(text: str, source_format: str) -> str:
    first = text.lstrip().split("\n", 1)[0].strip()
    if source_format == "markdown" and first.startswith("#"):
        return first.lstrip("#").strip()
    return first if len(first) <= 100 else ""
