"""Verified backups of a library into `<library>/backups/`, and restoring one.

A backup is made with SQLite's backup API from a read-only connection (a consistent snapshot
even while another connection writes; copying the file would lose what sits in the WAL), is
checked with `integrity_check`, and only then takes its final name and lets older ones be
rotated away: the newest of each of the last 7 days and of each of 4 weeks before is kept.
Backups take no writer lock; restoring one does.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sourcemark.app import lock
from sourcemark.app.backup_catalog import PREFIX, STAMP, SUFFIX, Backup, backups, latest_backup
from sourcemark.app.errors import LibraryDamaged, SourcemarkError
from sourcemark.app.layout import BACKUPS_DIR, DATABASE_FILE, INDEX_DIR
from sourcemark.app.storage import translated_storage_errors

KEEP_DAILY = 7
KEEP_WEEKLY = 4
DAILY = timedelta(days=1)
PARTIAL_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Restored:
    backup: Backup
    kept_aside: Path | None
    """Where the database that was replaced now lives (renamed, never deleted)."""


def create_backup(library_path: Path, *, now: datetime | None = None) -> Backup:
    """Back up the library, verify the copy, then rotate older backups away."""
    taken_at = now or datetime.now(UTC)
    folder = library_path / BACKUPS_DIR
    partial = folder / f".partial-{uuid.uuid4().hex}{SUFFIX}"
    final = folder / f"{PREFIX}{taken_at.strftime(STAMP)}{SUFFIX}"
    try:
        with translated_storage_errors(library_path):
            folder.mkdir(exist_ok=True)
            _remove_abandoned_partials(folder, taken_at)
            _copy_database(library_path / DATABASE_FILE, partial)
            if not is_intact(partial):
                raise LibraryDamaged(
                    "the backup copy failed its integrity check, so no backup was kept: "
                    "run `python main.py check`"
                )
            _fsync(partial)
            os.replace(partial, final)
            _fsync(folder)
    finally:
        partial.unlink(missing_ok=True)
    existing = backups(library_path)
    for old in set(existing) - set(backups_to_keep(existing)):
        old.path.unlink(missing_ok=True)
    return Backup(final, taken_at)


def backup_if_due(
    library_path: Path, *, closing: bool = False, now: datetime | None = None
) -> Path | None:
    """Back up when due: at most once a day while the app runs, and when it closes.

    Nothing is due when the library has not changed since the latest backup.
    """
    now = now or datetime.now(UTC)
    latest = latest_backup(library_path)
    if latest is not None:
        if not closing and now - latest.taken_at < DAILY:
            return None
        if change_mark(library_path / DATABASE_FILE) == change_mark(latest.path):
            return None
    return create_backup(library_path, now=now).path


def backups_to_keep(candidates: Iterable[Backup]) -> list[Backup]:
    """The newest backup of each of the last 7 days, then of each of 4 earlier ISO weeks."""
    newest_first = sorted(candidates, key=lambda b: b.taken_at, reverse=True)
    daily = list(_newest_per(newest_first, lambda b: b.taken_at.date()).values())[:KEEP_DAILY]
    older = [b for b in newest_first if daily and b.taken_at < daily[-1].taken_at]
    weekly = list(_newest_per(older, lambda b: b.taken_at.isocalendar()[:2]).values())
    return daily + weekly[:KEEP_WEEKLY]


def _newest_per(
    newest_first: list[Backup], period: Callable[[Backup], object]
) -> dict[object, Backup]:
    found: dict[object, Backup] = {}
    for backup in newest_first:
        found.setdefault(period(backup), backup)
    return found


def change_mark(database: Path) -> tuple[object, ...]:
    """A value that changes whenever articles, annotations or links change."""
    conn = _read_only(database)
    try:
        mark: tuple[object, ...] = conn.execute(
            "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'index_outbox'),"
            " (SELECT seq FROM sqlite_sequence WHERE name = 'annotation_history'),"
            " (SELECT count(*) FROM links), (SELECT max(created_at) FROM links)"
        ).fetchone()
        return mark
    finally:
        conn.close()


def is_intact(database: Path) -> bool:
    """True when `database` opens and passes `PRAGMA integrity_check`."""
    try:
        conn = _read_only(database)
        try:
            return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def restore(library_path: Path, chosen: Path | None = None) -> Restored:
    """Put a verified backup in place of the library database, keeping the old one aside."""
    writer_lock = lock.acquire(library_path)
    try:
        backup = _pick_backup(library_path, chosen)
        stamp = datetime.now(UTC).strftime(STAMP)
        database = library_path / DATABASE_FILE
        with translated_storage_errors(library_path):
            kept_aside = _move_aside(database, f"{DATABASE_FILE}.before-restore-{stamp}")
            _copy_database(backup.path, database)
            # The index describes the replaced database: drop the cache, the next open rebuilds it.
            shutil.rmtree(library_path / INDEX_DIR, ignore_errors=True)
        return Restored(backup, kept_aside)
    finally:
        writer_lock.release()


def _pick_backup(library_path: Path, chosen: Path | None) -> Backup:
    if chosen is None:
        for backup in backups(library_path):
            if is_intact(backup.path):
                return backup
        raise SourcemarkError(f"no good backup to restore in {library_path / BACKUPS_DIR}")
    path = chosen if chosen.exists() else library_path / BACKUPS_DIR / chosen
    if not path.is_file():
        raise SourcemarkError(f"no backup named {chosen}")
    if not is_intact(path):
        raise LibraryDamaged(f"the backup {path} fails its integrity check: choose another")
    known = {b.path.resolve(): b for b in backups(library_path)}
    taken_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return known.get(path.resolve(), Backup(path, taken_at))


def _remove_abandoned_partials(folder: Path, now: datetime) -> None:
    """Delete unfinished copies left by a backup that crashed; recent ones may be in progress."""
    for partial in folder.glob(f".partial-*{SUFFIX}"):
        started = datetime.fromtimestamp(partial.stat().st_mtime, UTC)
        if now - started > PARTIAL_GRACE:
            partial.unlink(missing_ok=True)


def _move_aside(database: Path, new_name: str) -> Path | None:
    """Rename the database and its WAL files together, so the kept copy still opens whole."""
    if not database.exists():
        return None
    target = database.with_name(new_name)
    for suffix in ("-wal", "-shm"):
        sidecar = database.with_name(database.name + suffix)
        if sidecar.exists():
            sidecar.rename(target.with_name(target.name + suffix))
    database.rename(target)
    return target


def _copy_database(source: Path, target: Path) -> None:
    """Copy with SQLite's backup API into a standalone file (rollback journal, no WAL)."""
    src = _read_only(source)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()


def _read_only(database: Path) -> sqlite3.Connection:
    if not database.is_file():
        raise SourcemarkError(f"no library database at {database}")
    return sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
