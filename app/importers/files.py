"""Reading source files and choosing each one's importer by the file's suffix."""

from __future__ import annotations

import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.documents import extract_html, extract_pdf
from sourcemark.app.importers.plain import plain_text
from sourcemark.app.importers.source import DEFAULT_MAX_BYTES, ExtractedSource, check_size
from sourcemark.app.workers.pool import WorkerPool, shared_pool


def read_file(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr_language: str | None = None,
    pool: WorkerPool | None = None,
) -> ExtractedSource:
    """Read and extract one source file, choosing the importer by its suffix."""
    try:
        data = _read_regular_file(path, max_bytes)
        return extract(data, path.name, max_bytes=max_bytes, ocr_language=ocr_language, pool=pool)
    except ImportFailed as error:
        raise ImportFailed(f"{path}: {error}") from None


def extract_files(
    paths: Iterable[Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr_language: str | None = None,
    pool: WorkerPool | None = None,
    in_flight: int | None = None,
) -> Iterator[tuple[Path, ExtractedSource | ImportFailed]]:
    """Each file with its source, or with the reason it cannot be imported, in the order
    given; up to `in_flight` files (by default twice the pool's workers) are read and
    extracted at once. Stopping early leaves the files not yet started alone."""
    workers = pool or shared_pool()

    def outcome(path: Path) -> tuple[Path, ExtractedSource | ImportFailed]:
        try:
            return path, read_file(
                path, max_bytes=max_bytes, ocr_language=ocr_language, pool=workers
            )
        except ImportFailed as error:
            return path, error

    return workers.map_ordered(outcome, paths, in_flight=in_flight)


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


def extract(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr_language: str | None = None,
    pool: WorkerPool | None = None,
) -> ExtractedSource:
    """Extract a source from bytes named `filename` (the name only picks the importer)."""
    check_size(len(data), max_bytes)
    if not data.strip():
        raise ImportFailed("the file is empty")
    suffix = Path(filename).suffix.lower()
    if suffix in (".txt", ".text", ""):
        return plain_text(data, filename, "text")
    if suffix in (".md", ".markdown"):
        return plain_text(data, filename, "markdown")
    if suffix in (".html", ".htm", ".xhtml"):
        return extract_html(data, filename, pool=pool)
    if suffix == ".pdf":
        return extract_pdf(data, filename, ocr_language=ocr_language, pool=pool)
    raise ImportFailed(
        f"unsupported file type {suffix!r} (Sourcemark imports .txt, .md, .html, .htm and .pdf)"
    )
