"""Is the library whole? Database integrity, index agreement, backup age and lock state.

Everything here reads through read-only connections and takes no lock, so `check` runs while
the desk is open, and a damaged database is examined without ever being written to.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from sourcemark.app import lock
from sourcemark.app.backup import is_intact
from sourcemark.app.backup_catalog import Backup, damaged_message, latest_backup
from sourcemark.app.errors import LibraryDamaged, SourcemarkError
from sourcemark.app.layout import DATABASE_FILE, INDEX_DIR
from sourcemark.app.search.index import IndexStatus, index_status
from sourcemark.db import queries
from sourcemark.db.connection import connect
from sourcemark.db.migrations import SCHEMA_VERSION, schema_version

MAX_BACKUP_AGE = timedelta(days=7)


def ensure_intact(library_path: Path) -> None:
    """Raise `LibraryDamaged` (naming the latest backup) if the database fails integrity_check."""
    database = library_path / DATABASE_FILE
    if database.exists() and not is_intact(database):
        raise LibraryDamaged(damaged_message(library_path))


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    schema_version: int
    integrity: list[str]
    """`PRAGMA integrity_check` messages; ['ok'] when whole."""
    foreign_key_violations: int
    misanchored_annotations: int
    """Annotations whose quote is not `text[start:end]` of their article."""
    half_imported_articles: int
    """Articles without their original file, or originals without their article."""

    @property
    def ok(self) -> bool:
        return (
            self.integrity == ["ok"]
            and self.schema_version == SCHEMA_VERSION
            and not (
                self.foreign_key_violations
                or self.misanchored_annotations
                or self.half_imported_articles
            )
        )


@dataclass(frozen=True, slots=True)
class HealthReport:
    database: DatabaseHealth | None
    """None when the database cannot even be read."""
    index: IndexStatus | None
    latest_backup: Backup | None
    lock: lock.LockState
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        backup, owner = self.latest_backup, self.lock.owner
        return {
            "ok": self.ok,
            "problems": self.problems,
            "database": None if self.database is None else _database_json(self.database),
            "index": None if self.index is None else asdict(self.index),
            "latest_backup": None
            if backup is None
            else {"path": str(backup.path), "taken_at": backup.taken_at.isoformat()},
            "lock": {
                "state": self.lock.state,
                "pid": owner.pid if owner else None,
                "host": owner.host if owner else None,
            },
        }

    def summary_lines(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """(label, text) rows for the one-screen report."""
        return [
            ("database", _describe_database(self.database)),
            ("index", _describe_index(self.index)),
            ("backup", backup_age(self.latest_backup, now)),
            ("lock", self.lock.describe()),
        ]


_MISANCHORED = """
SELECT count(*) FROM annotations n JOIN articles a ON a.id = n.article_id
WHERE n."end" > length(a.text) OR substr(a.text, n.start + 1, n."end" - n.start) IS NOT n.quote
"""
_HALF_IMPORTED = """
SELECT (SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM originals))
     + (SELECT count(*) FROM originals WHERE article_id NOT IN (SELECT id FROM articles))
"""


def database_health(database: Path) -> DatabaseHealth:
    """Check the database through a read-only connection; raises sqlite3 errors if unreadable."""
    db = connect(database, read_only=True)
    try:
        return DatabaseHealth(
            schema_version=schema_version(db),
            integrity=[row[0] for row in db.execute("PRAGMA integrity_check").fetchall()],
            foreign_key_violations=len(db.execute("PRAGMA foreign_key_check").fetchall()),
            misanchored_annotations=_count(db, _MISANCHORED),
            half_imported_articles=_count(db, _HALF_IMPORTED),
        )
    finally:
        db.close()


def _count(db: sqlite_utils.Database, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


def _database_json(health: DatabaseHealth) -> dict[str, Any]:
    return {
        "ok": health.ok,
        "schema_version": health.schema_version,
        "integrity": health.integrity,
        "foreign_key_violations": health.foreign_key_violations,
        "misanchored_annotations": health.misanchored_annotations,
        "half_imported_articles": health.half_imported_articles,
    }


def backup_age(backup: Backup | None, now: datetime | None = None) -> str:
    if backup is None:
        return "no backup yet"
    minutes = ((now or datetime.now(UTC)) - backup.taken_at).total_seconds() / 60
    if minutes < 90:
        age = f"{minutes:.0f} minutes ago"
    elif minutes < 48 * 60:
        age = f"{minutes / 60:.0f} hours ago"
    else:
        age = f"{minutes / (24 * 60):.0f} days ago"
    return f"{backup.describe()}, {age}"


def _describe_database(health: DatabaseHealth | None) -> str:
    if health is None:
        return "cannot be read"
    verdict = "ok" if health.ok else "PROBLEMS"
    integrity = "integrity ok" if health.integrity == ["ok"] else "; ".join(health.integrity[:3])
    return (
        f"{verdict}: schema {health.schema_version} (current {SCHEMA_VERSION}), {integrity}, "
        f"{health.foreign_key_violations} foreign-key violations, "
        f"{health.misanchored_annotations} misanchored annotations, "
        f"{health.half_imported_articles} half-imported articles"
    )


def _describe_index(status: IndexStatus | None) -> str:
    if status is None:
        return "not checked (the database cannot be read)"
    if not status.exists:
        return "missing (rebuilt from the database at next open)"
    if not status.opens:
        return "unreadable (rebuilt from the database at next open)"
    if not status.identity_matches:
        return "belongs to another library (rebuilt at next open)"
    counts = f"{status.documents} of {status.expected_documents} documents, "
    counts += f"{status.pending_outbox} changes waiting"
    return f"{'agrees' if status.agrees else 'DISAGREES'}: {counts}"


def index_health(library_path: Path) -> IndexStatus:
    """The index as it is on disk, compared with the database, repairing nothing."""
    db = connect(library_path / DATABASE_FILE, read_only=True)
    try:
        identity = queries.meta_value(db, "library_id") or ""
        return index_status(library_path / INDEX_DIR, db, identity)
    finally:
        db.close()


def check_library(library_path: Path, now: datetime | None = None) -> HealthReport:
    """Everything `python main.py check` reports, with the list of problems found."""
    database = library_path / DATABASE_FILE
    if not database.is_file():
        raise SourcemarkError(f"no library at {library_path}")
    problems: list[str] = []
    health: DatabaseHealth | None = None
    index: IndexStatus | None = None
    try:
        health = database_health(database)
        index = index_health(library_path)
    except sqlite3.DatabaseError as error:
        problems.append(f"the database cannot be read ({error})")
    if health is not None and not health.ok:
        problems.append("the database fails its checks")
    if index is not None and not index.agrees:
        problems.append("the search index does not agree with the database")
    backup = latest_backup(library_path)
    if backup is None:
        problems.append("the library has never been backed up (run `python main.py backup`)")
    elif (now or datetime.now(UTC)) - backup.taken_at > MAX_BACKUP_AGE:
        problems.append(f"the latest backup is over {MAX_BACKUP_AGE.days} days old")
    state = lock.state(library_path)
    if state.state == "stale":
        problems.append("the last session did not close cleanly: the next open checks the database")
    return HealthReport(health, index, backup, state, problems)
