"""Storage failures (disk full, read-only media, a busy or damaged database) as user errors.

SQLite rolls a failed transaction back, so each of these leaves the library unchanged; the
user gets one line saying what happened instead of a traceback.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from sourcemark.app.backup_catalog import damaged_message
from sourcemark.app.errors import LibraryBusy, LibraryDamaged, StorageError
from sourcemark.db import connection

_FULL = "the disk holding the library is full: nothing was saved (free some space and retry)"
_READ_ONLY = "the library is on read-only storage or open read-only: nothing was saved"


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """`db.connection.write_transaction` with storage failures turned into user errors."""
    with translated_storage_errors(_library_folder(db)), connection.write_transaction(db):
        yield db


@contextmanager
def translated_storage_errors(library_path: Path | None) -> Iterator[None]:
    """Turn SQLite and OS storage failures raised in the block into `SourcemarkError`s."""
    try:
        yield
    except (sqlite3.DatabaseError, OSError) as error:
        translated = translate(error, library_path)
        if translated is error:
            raise
        raise translated from error


def translate(error: sqlite3.DatabaseError | OSError, library_path: Path | None) -> Exception:
    """The user error for a storage failure, or `error` itself when it is not one (a bug)."""
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return StorageError(_FULL)
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return StorageError(_READ_ONLY)
        return error
    return _from_sqlite(error, library_path)


def _from_sqlite(error: sqlite3.DatabaseError, library_path: Path | None) -> Exception:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return StorageError(_FULL)
    if code == sqlite3.SQLITE_READONLY:
        return StorageError(_READ_ONLY)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LibraryBusy("the library is busy with another long write: try again shortly")
    if code == sqlite3.SQLITE_IOERR:
        return StorageError(f"the disk failed while saving ({error}): nothing was saved")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) and library_path is not None:
        return LibraryDamaged(damaged_message(library_path))
    return error


def _library_folder(db: sqlite_utils.Database) -> Path | None:
    """The folder of the database file behind `db` (None for an in-memory database)."""
    for _, name, filename in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and filename:
            return Path(filename).parent
    return None
