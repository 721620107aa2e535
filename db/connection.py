"""The one place that opens SQLite connections to a library database."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 5000


def connect(path: Path, *, read_only: bool = False) -> sqlite_utils.Database:
    """Open `path` with WAL, foreign keys, full sync and a busy timeout.

    The connection is in autocommit mode; every write goes through `write_transaction`.
    A connection belongs to the thread that opened it.
    """
    if read_only:
        # On read-only media SQLite cannot create the WAL index (-shm) a reader needs; nothing
        # can change the file there either, so it is opened as immutable.
        options = "mode=ro&immutable=1" if on_read_only_media(path) else "mode=ro"
        uri = f"{path.resolve().as_uri()}?{options}"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return sqlite_utils.Database(conn)


def on_read_only_media(path: Path) -> bool:
    """True when `path`'s folder is on a file system mounted read-only (Windows has no
    `statvfs`: there a read-only medium shows as a failed write instead)."""
    if not hasattr(os, "statvfs"):
        return False
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a block of writes as one `BEGIN IMMEDIATE` transaction: all of it or none of it.

    IMMEDIATE takes the write lock up front, so a second writer waits on the busy timeout
    instead of failing half-way with "database is locked".
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        # Also when COMMIT itself fails (disk full, busy): SQLite may leave the transaction open.
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
