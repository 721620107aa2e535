"""Reading a source file and choosing its importer by the file's suffix."""

from __future__ import annotations

import stat
from pathlib import Path

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.plain import plain_text
from sourcemark.app.importers.source import DEFAULT_MAX_BYTES, ExtractedSource, check_size


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
        check_size(info.st_size, max_bytes)
        with path.open("rb") as file:
            # One byte more than allowed: a file that grows after stat() is still caught.
            data = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise ImportFailed("no such file") from None
    except OSError as error:
        raise ImportFailed(f"cannot be read ({error.strerror or error})") from None
    check_size(len(data), max_bytes)
    return data


def extract(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedSource:
    """Extract a source from bytes named `filename` (the name only picks the importer)."""
    check_size(len(data), max_bytes)
    if not data.strip():
        raise ImportFailed("the file is empty")
    suffix = Path(filename).suffix.lower()
    if suffix in (".txt", ".text", ""):
        return plain_text(data, filename, "text")
    if suffix in (".md", ".markdown"):
        return plain_text(data, filename, "markdown")
    # Loaded on first use: their parsers are slow to import and most commands never need them.
    if suffix in (".html", ".htm", ".xhtml"):
        from sourcemark.app.importers.html import extract_html

        return extract_html(data, filename)
    if suffix == ".pdf":
        from sourcemark.app.importers.pdf import extract_pdf

        return extract_pdf(data, filename)
    raise ImportFailed(
        f"unsupported file type {suffix!r} (Sourcemark imports .txt, .md, .html, .htm and .pdf)"
    )
