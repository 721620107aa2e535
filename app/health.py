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

from sourcemark.app import lock
from sourcemark.app.backup import is_intact
from sourcemark.app.backup_catalog import Backup, damaged_message, latest_backup
from sourcemark.app.errors import LibraryDamaged, SourcemarkError
from sourcemark.app.layout import DATABASE_FILE, INDEX_DIR
from sourcemark.app.search.index import IndexStatus, index_status
from sourcemark.app.sources import duplicate_urls
from sourcemark.app.wording import ago, count
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
    misfitting_links: list[tuple[str, str]]
    """(from, to) of each 'rebuts' link that does not join a rebuttal to a claim (possible
    before schema 4)."""

    @property
    def ok(self) -> bool:
        return (
            self.integrity == ["ok"]
            and self.schema_version == SCHEMA_VERSION
            and not (
                self.foreign_key_violations
                or self.misanchored_annotations
                or self.half_imported_articles
                or self.misfitting_links
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
    """What is wrong with the library: `check` fails (exit 1) when there is any."""
    advice: list[str] = field(default_factory=list)
    """What the user would do well to do (back up, say); nothing is wrong."""
    duplicate_urls: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    """Sources sharing a URL with different texts, as (url, [(id, title), ...]): the reporter
    decides whether to keep both."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        backup, owner = self.latest_backup, self.lock.owner
        return {
            "ok": self.ok,
            "problems": self.problems,
            "advice": self.advice,
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
            "duplicate_urls": [
                {"url": url, "sources": [{"id": i, "title": t} for i, t in sources]}
                for url, sources in self.duplicate_urls
            ],
        }

    def summary_lines(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """(label, text) rows for the one-screen report."""
        return [
            ("database", _describe_database(self.database)),
            ("index", _describe_index(self.index)),
            ("backup", backup_age(self.latest_backup, now)),
            ("lock", self.lock.describe()),
        ]


def database_health(database: Path) -> DatabaseHealth:
    """Check the database through a read-only connection; raises sqlite3 errors if unreadable."""
    db = connect(database, read_only=True)
    try:
        return DatabaseHealth(
            schema_version=schema_version(db),
            integrity=queries.integrity_messages(db),
            foreign_key_violations=queries.foreign_key_violations(db),
            misanchored_annotations=queries.misanchored_annotations(db),
            half_imported_articles=queries.half_imported_articles(db),
            misfitting_links=[(r["from_id"], r["to_id"]) for r in queries.misfitting_links(db)],
        )
    finally:
        db.close()


def _database_json(health: DatabaseHealth) -> dict[str, Any]:
    return {
        "ok": health.ok,
        "schema_version": health.schema_version,
        "integrity": health.integrity,
        "foreign_key_violations": health.foreign_key_violations,
        "misanchored_annotations": health.misanchored_annotations,
        "half_imported_articles": health.half_imported_articles,
        "misfitting_links": [list(pair) for pair in health.misfitting_links],
    }


def backup_age(backup: Backup | None, now: datetime | None = None) -> str:
    if backup is None:
        return "no backup yet"
    return f"{backup.describe()}, {ago((now or datetime.now(UTC)) - backup.taken_at)}"


def _describe_database(health: DatabaseHealth | None) -> str:
    if health is None:
        return "cannot be read"
    verdict = "ok" if health.ok else "PROBLEMS"
    integrity = "integrity ok" if health.integrity == ["ok"] else "; ".join(health.integrity[:3])
    return (
        f"{verdict}: schema {health.schema_version} (current {SCHEMA_VERSION}), {integrity}, "
        f"{health.foreign_key_violations} foreign-key violations, "
        f"{health.misanchored_annotations} misanchored annotations, "
        f"{health.half_imported_articles} half-imported articles, "
        f"{len(health.misfitting_links)} links between the wrong kinds"
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
    counts += f"{count(status.pending_outbox, 'change')} waiting"
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
    duplicates: list[tuple[str, list[tuple[str, str]]]] = []
    try:
        health = database_health(database)
        index = index_health(library_path)
        duplicates = _duplicates(database)
    except sqlite3.DatabaseError as error:
        problems.append(f"the database cannot be read ({error})")
    if health is not None and not health.ok:
        problems.append("the database fails its checks")
    for from_id, to_id in health.misfitting_links if health is not None else []:
        problems.append(
            f"the 'rebuts' link from {from_id[:8]} to {to_id[:8]} does not join a rebuttal to a "
            f"claim: remove it with `sourcemark unlink {from_id[:8]} {to_id[:8]}`"
        )
    if index is not None and not index.agrees:
        problems.append("the search index does not agree with the database")
    advice: list[str] = []
    backup = latest_backup(library_path)
    if backup is None:
        advice.append("the library has never been backed up (run `sourcemark backup`)")
    elif (now or datetime.now(UTC)) - backup.taken_at > MAX_BACKUP_AGE:
        advice.append(
            f"the latest backup is over {MAX_BACKUP_AGE.days} days old (run `sourcemark backup`)"
        )
    state = lock.state(library_path)
    if state.state == "stale":
        advice.append("the last session did not close cleanly: the next open checks the database")
    for url, sources in duplicates:
        named = ", ".join(f"{i[:8]} {t[:40]!r}" for i, t in sources)
        advice.append(
            f"{len(sources)} sources share the URL {url} with different texts ({named}): keep "
            "both, or move one to the trash with `sourcemark delete-source ID`"
        )
    return HealthReport(health, index, backup, state, problems, advice, duplicates)


def _duplicates(database: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    db = connect(database, read_only=True)
    try:
        return duplicate_urls(db)
    finally:
        db.close()
