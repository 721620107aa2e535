"""The pages of PDF sources as images, drawn in the worker pool and cached in the library.

`LIBRARY/page-images/<article id>/<page>.png` holds each page drawn so far, 1100 pixels wide.
It is a cache: deleting it loses nothing, and a missing page is drawn again on demand from the
original PDF kept in the database. A page that cannot be drawn (a hostile or broken PDF) gives
its reason instead; the drawing runs under the workers' time and memory limits.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from sourcemark.app.errors import ImportFailed
from sourcemark.app.layout import PAGE_IMAGES_DIR
from sourcemark.app.workers.pool import Limits, WorkerPool, shared_pool

PAGE_WIDTH_PX = 1100
# Drawing a page of an ordinary PDF takes a fraction of a second.
RENDER_LIMITS = Limits(seconds=30, memory_bytes=1024 * 1024 * 1024)
_PAGES_PER_JOB = 4
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ARTICLE_ID = re.compile(r"^[0-9a-f-]{36}$")


class PageImages:
    """The cache of page images of one library."""

    def __init__(self, library_path: Path, pool: WorkerPool | None = None) -> None:
        self.folder = library_path / PAGE_IMAGES_DIR
        self._pool = pool

    def path(self, article_id: str, page: int) -> Path:
        if not _ARTICLE_ID.match(article_id):
            raise ValueError(f"not an article id: {article_id!r}")
        return self.folder / article_id / f"{page:05d}.png"

    def cached(self, article_id: str, page: int) -> Path | None:
        path = self.path(article_id, page)
        return path if path.is_file() else None

    def render(
        self, article_id: str, original: bytes, pages: Sequence[int]
    ) -> Iterator[tuple[int, Path | ImportFailed]]:
        """Draw the `pages` (from 1) not yet cached, a few in each worker job; yield each page
        with its image, or with why it cannot be drawn. A job that fails (a crash, a time-out)
        is tried again one page at a time, so one bad page costs only itself."""
        missing = [page for page in pages if self.cached(article_id, page) is None]
        for page in pages:
            if page not in missing:
                yield page, self.path(article_id, page)
        for start in range(0, len(missing), _PAGES_PER_JOB):
            batch = missing[start : start + _PAGES_PER_JOB]
            try:
                yield from self._draw(article_id, original, batch)
            except ImportFailed as failure:
                if len(batch) == 1:
                    yield batch[0], failure
                    continue
                for page in batch:
                    try:
                        yield from self._draw(article_id, original, [page])
                    except ImportFailed as single:
                        yield page, single

    def _draw(
        self, article_id: str, original: bytes, pages: list[int]
    ) -> list[tuple[int, Path | ImportFailed]]:
        reply = (self._pool or shared_pool()).run(
            "render",
            {"pages": [page - 1 for page in pages], "width": PAGE_WIDTH_PX},
            [original],
            limits=RENDER_LIMITS,
        )
        errors = reply.header.get("errors")
        if len(reply.blobs) != len(pages) or not isinstance(errors, dict):
            raise ImportFailed("the page renderer gave an unreadable answer")
        drawn: list[tuple[int, Path | ImportFailed]] = []
        for page, image in zip(pages, reply.blobs, strict=True):
            if image.startswith(_PNG_SIGNATURE):
                drawn.append((page, self._store(article_id, page, image)))
            else:
                reason = errors.get(str(page - 1))
                drawn.append((page, ImportFailed(str(reason or "the page could not be drawn"))))
        return drawn

    def _store(self, article_id: str, page: int, image: bytes) -> Path:
        """Write an image whole or not at all (another process may read the cache)."""
        path = self.path(article_id, page)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(image)
        partial.replace(path)
        return path

    def clear(self, article_id: str | None = None) -> None:
        """Forget the cached images of one article, or of every article."""
        folder = self.folder if article_id is None else self.path(article_id, 1).parent
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(folder)
