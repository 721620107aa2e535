"""Opening a library folder: the writer lock, the check after an unclean exit, migrations, the
library's identity and its search index. The service itself is `app.library.Library`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sourcemark.app import lock
from sourcemark.app.errors import LibraryDamaged, NotFound, SourcemarkError
from sourcemark.app.health import ensure_intact
from sourcemark.app.layout import BACKUPS_DIR, DATABASE_FILE, default_library_path
from sourcemark.app.library import Library, new_id
from sourcemark.app.search.index import SearchIndex
from sourcemark.app.storage import translated_storage_errors, write_transaction
from sourcemark.db import queries, writes
from sourcemark.db.connection import connect, on_read_only_media
from sourcemark.db.migrations import SCHEMA_VERSION, migrate, schema_version

Progress = Callable[[int, int], None]


def open_library(
    path: Path | None = None,
    *,
    with_index: bool = True,
    read_only: bool = False,
    progress: Progress | None = None,
) -> Library:
    """Open (creating and initialising if needed) the library folder at `path`.

    `read_only` opens an existing library to read it while another process may be writing
    (the desk): it takes no lock and creates or migrates nothing; writes raise StorageError.
    `progress` follows a rebuild of the search index, the one slow step an open can take.
    """
    path = (path or default_library_path()).expanduser()
    if path.exists() and not path.is_dir():
        raise SourcemarkError(f"{path} is a file, not a library folder")
    if read_only:
        return _open_read_only(path, with_index, progress)
    with translated_storage_errors(path):
        path.mkdir(parents=True, exist_ok=True)
    # One writer per library; a lock left by a crashed writer means an unclean exit, so
    # the database is checked (read-only) before anything opens it for writing.
    writer_lock = lock.acquire(path)
    try:
        with translated_storage_errors(path):
            if writer_lock.crashed_owner is not None:
                ensure_intact(path)
            return _open_locked(path, writer_lock, with_index, progress)
    except BaseException as error:
        # Until an open succeeds, a crash or damage stays flagged for the next attempt.
        damaged = isinstance(error, LibraryDamaged)
        writer_lock.release(clean=writer_lock.crashed_owner is None and not damaged)
        raise


def _open_locked(
    path: Path, writer_lock: lock.WriterLock, with_index: bool, progress: Progress | None
) -> Library:
    (path / BACKUPS_DIR).mkdir(exist_ok=True)
    is_new = not (path / DATABASE_FILE).exists()
    library = Library(path, connect(path / DATABASE_FILE))
    try:
        library.is_new = is_new
        migrate(library.db)
        _ensure_identity(library)
        if with_index:
            _open_index(library, progress)
    except BaseException:
        library.close()
        raise
    library.hold_until_closed(writer_lock)
    return library


def _open_read_only(path: Path, with_index: bool, progress: Progress | None) -> Library:
    database = path / DATABASE_FILE
    if not database.is_file():
        raise NotFound(f"no library at {path}")
    with translated_storage_errors(path):
        library = Library(path, connect(database, read_only=True))
        try:
            if schema_version(library.db) != SCHEMA_VERSION:
                raise SourcemarkError(
                    f"the library at {path} needs upgrading: open it once for writing"
                )
            # On read-only media the index cannot be brought up to date: no search there.
            if with_index and not on_read_only_media(database):
                _open_index(library, progress)
        except BaseException:
            library.close()
            raise
    return library


def _ensure_identity(library: Library) -> None:
    if queries.meta_value(library.db, "library_id") is None:
        with write_transaction(library.db):
            writes.set_meta_once(library.db, "library_id", new_id())


def _open_index(library: Library, progress: Progress | None) -> None:
    library.index = SearchIndex.open_for(
        library.path, library.db, library.identity, progress=progress
    )
