"""One sync round between a library and its newsroom: check the server, pull, push.

- Check: the server must still hold the last change this library knows it had (its witness).
  A server restored from a backup older than that has lost changes: the library then pulls
  everything again and re-sends every shared record (the server keeps what it lacks, and the
  merge rule makes the rest a no-op).
- Pull first: a change pulled while a local change to the same record waits is a conflict met
  here, merged by the rule (the newer is current) and reported; then the local one is pushed.
- Push: the outbox, oldest first, in batches; each batch one PostgreSQL transaction; the rows go
  from the outbox only after the server committed (a crash in between re-sends the same change
  ids, which the server ignores).
- Pull: batches after the cursor, each applied in one SQLite transaction that also moves the
  cursor, so a crash never applies a change twice nor skips one.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sourcemark.app.changes import Changes, Outcome
from sourcemark.app.library import Library, now
from sourcemark.app.merging import instant
from sourcemark.app.newsroom import protocol, replica
from sourcemark.app.newsroom.connection import NewsroomError, connected, describe
from sourcemark.app.newsroom.protocol import Change, Connection, Cursor
from sourcemark.app.newsroom.replica import Applier, Conflict, NotYet
from sourcemark.app.newsroom.team import (
    CURSOR_KEY,
    LAST_ERROR_KEY,
    LAST_SYNC_KEY,
    SERVER_KEY,
    WITNESS_KEY,
    team_of,
)
from sourcemark.app.wording import ago, count, one_line
from sourcemark.db import queries, sync

PUSH_BATCH = 200

Step = Callable[[str], None]
"""Told what the round does next ("push", "pull"): the fault tests stop a round there."""


@dataclass(slots=True)
class SyncReport:
    pushed: int = 0
    """Changes the server took."""
    pulled: int = 0
    """Changes read from the server (this library's own included)."""
    conflicts: list[Conflict] = field(default_factory=list)
    pending: int = 0
    """Records waiting for another that has not arrived."""
    server_restored: bool = False
    """The server had lost changes (restored from a backup): everything was sent again."""

    def headline(self) -> str:
        line = f"Synced: {count(self.pushed, 'change')} pushed, {self.pulled:,} pulled"
        if self.conflicts:
            line += f", {count(len(self.conflicts), 'conflict')} (the newer version is current)"
        if self.server_restored:
            line += "; the server had lost changes (restored from a backup): sent them again"
        return line + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": [c.describe() for c in self.conflicts],
            "pending": self.pending,
            "server_restored": self.server_restored,
        }


@dataclass(frozen=True, slots=True)
class SyncStatus:
    reporter: str
    server: str
    waiting: int
    """Local changes not yet pushed."""
    last_sync: str | None
    last_error: str | None
    conflicts: list[dict[str, Any]]
    shares: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "reporter": self.reporter,
            "server": self.server,
            "waiting": self.waiting,
            "last_sync": self.last_sync,
            "last_error": self.last_error,
            "conflicts": self.conflicts,
            "shares": self.shares,
        }

    def lines(self, at: datetime | None = None) -> list[tuple[str, str]]:
        """The state in words, (heading, text) a line: `sync --status` and the desk's window."""
        said = [("reporter", f"{self.reporter} on {self.server}")]
        said.append(
            ("waiting", f"{count(self.waiting, 'local change')} to send")
            if self.waiting
            else ("waiting", "nothing: every local change is on the server")
        )
        if self.last_sync is None:
            said.append(("last sync", "never"))
        else:
            last = instant(self.last_sync)
            when = f"{last.astimezone():%Y-%m-%d %H:%M}"
            said.append(("last sync", f"{ago((at or datetime.now(UTC)) - last)} ({when})"))
        if self.last_error:
            said.append(("offline", self.last_error))
        said += [("shared", f"“{s['story']}” with desk {s['desk']}") for s in self.shares]
        said += [
            (
                "conflict",
                f"{c['kind']} {c['id'][:8]} “{one_line(c['label'], 60)}”: edited on two "
                "laptops; the newer version is current, the other is in its history",
            )
            for c in self.conflicts
            if not c["seen"]
        ]
        return said


def status(library: Library) -> SyncStatus:
    """The library's sync state, without the network."""
    team = team_of(library)
    return SyncStatus(
        team.reporter,
        describe(team.dsn),
        waiting(library),
        queries.meta_value(library.db, LAST_SYNC_KEY),
        queries.meta_value(library.db, LAST_ERROR_KEY),
        [
            {
                "kind": row["kind"],
                "id": row["record_id"],
                "label": row["label"],
                "found_at": row["found_at"],
                "seen": bool(row["seen"]),
            }
            for row in sync.conflicts(library.db)
        ],
        [{"story": row["name"], "desk": row["desk"]} for row in sync.shares(library.db)],
    )


def sync_once(
    library: Library, *, password: str | None = None, step: Step | None = None
) -> Outcome[SyncReport]:
    """One round: check the server, pull what is new, push what waits. Offline, it raises
    `NewsroomUnreachable` and changes nothing; the next round picks up where this one stopped."""
    team = team_of(library)
    report = SyncReport()
    changes = Changes()
    try:
        with connected(team.dsn, password=password or team.password(), autocommit=True) as conn:
            desks = protocol.my_desks(conn)
            report.server_restored = _check_server(conn, library)
            if step:
                step("pull")
            names = {desk_id: name for name, desk_id in desks.items()}
            changes = _pull(conn, library, names, report)
            if step:
                step("push")
            report.pushed = _push(conn, library, desks)
    except NewsroomError as error:
        _remember(library, LAST_ERROR_KEY, str(error))
        raise
    _remember(library, LAST_SYNC_KEY, now())
    _remember(library, LAST_ERROR_KEY, None)
    return Outcome(report, changes)


def _remember(library: Library, key: str, value: str | None) -> None:
    with library.operation():
        sync.set_meta(library.db, key, value)


def _check_server(conn: Connection, library: Library) -> bool:
    """Whether the server lost changes this library knew it had; if so, start over."""
    server = protocol.server_id(conn)
    witness = queries.meta_value(library.db, WITNESS_KEY)
    same_server = queries.meta_value(library.db, SERVER_KEY) == server
    if same_server and witness is not None:
        seen = json.loads(witness)
        if protocol.holds(conn, int(seen["seq"]), seen["change_id"]):
            return False
    elif same_server:
        return False
    with library.operation():
        sync.set_meta(library.db, SERVER_KEY, server)
        sync.set_meta(library.db, CURSOR_KEY, None)
        sync.set_meta(library.db, WITNESS_KEY, None)
        for story_id in sync.shared_story_ids(library.db):
            replica.queue_closure(library.db, story_id)
    return True


def _push(conn: Connection, library: Library, desks: dict[str, int]) -> int:
    pushed = 0
    while rows := sync.outbox(library.db, PUSH_BATCH):
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:  # one change per record: its state now
            latest.pop((row["kind"], row["record_id"]), None)
            latest[(row["kind"], row["record_id"])] = row
        batch = [change for row in latest.values() for change in _changes(library, row, desks)]
        report = protocol.push(conn, batch) if batch else protocol.PushReport()
        pushed += report.logged
        with library.operation():
            sync.drop_outbox(library.db, rows[-1]["seq"])
            if report.last is not None:
                seq, change_id = report.last
                witness = json.dumps({"seq": seq, "change_id": change_id})
                sync.set_meta(library.db, WITNESS_KEY, witness)
    return pushed


def _changes(library: Library, row: dict[str, Any], desks: dict[str, int]) -> list[Change]:
    kind, record_id = row["kind"], row["record_id"]
    body = replica.read(library.db, kind, record_id)
    if body is None:
        if kind not in replica.PRESENCE:
            return []  # removed for good (the trash emptied): its tombstone travels
        body = replica.removal(kind, record_id, row["made_at"])
    base = uuid.UUID(hex=row["change_id"].replace("-", ""))
    return [
        Change(str(uuid.uuid5(base, desk)), desks[desk], kind, record_id, body)
        for desk in replica.desks_of(library.db, kind, body)
        if desk in desks
    ]


def _pull(
    conn: Connection, library: Library, desk_names: dict[int, str], report: SyncReport
) -> Changes:
    changes = Changes()
    cursor = Cursor.from_json(queries.meta_value(library.db, CURSOR_KEY))
    while batch := protocol.pull(conn, cursor):
        with library.operation() as log:
            sync.set_applying(library.db, True)
            applier = Applier(library, log)
            for pulled in batch:
                _apply(library, applier, pulled.kind, pulled.body, desk_names[pulled.desk_id])
            cursor = cursor.after(batch[-1])
            sync.set_meta(library.db, CURSOR_KEY, cursor.to_json())
            sync.set_meta(
                library.db,
                WITNESS_KEY,
                json.dumps({"seq": cursor.seq, "change_id": cursor.change_id}),
            )
            _retry_pending(library, applier)
            sync.set_applying(library.db, False)
        report.pulled += len(batch)
        report.conflicts += applier.conflicts
        changes = changes | log.changes()
    report.pending = len(sync.pending(library.db))
    return changes


def _apply(library: Library, applier: Applier, kind: str, body: dict[str, Any], desk: str) -> None:
    """Apply one record, or keep it pending (all of its effects undone) when what it needs has
    not arrived: its source, its text version, the other end of a link."""
    sync.savepoint(library.db)
    try:
        applier.apply(kind, body, desk)
    except (NotYet, sqlite3.IntegrityError):
        sync.roll_back_to_savepoint(library.db)
        sync.keep_pending(
            library.db,
            {
                "kind": kind,
                "record_id": body["id"],
                "desk": desk,
                "body": json.dumps(body, ensure_ascii=False),
                "author": "",
            },
        )
    else:
        sync.release(library.db)
        sync.drop_pending(library.db, kind, str(body["id"]))


def _retry_pending(library: Library, applier: Applier) -> None:
    progress = True
    while progress:
        progress = False
        for row in sync.pending(library.db):
            sync.savepoint(library.db)
            try:
                applier.apply(row["kind"], json.loads(row["body"]), row["desk"])
            except (NotYet, sqlite3.IntegrityError):
                sync.roll_back_to_savepoint(library.db)
                continue
            sync.release(library.db)
            sync.drop_pending(library.db, row["kind"], row["record_id"])
            progress = True


def waiting(library: Library) -> int:
    """Local changes not pushed yet."""
    return sync.outbox_size(library.db)


def unseen_conflicts(library: Library) -> int:
    """Conflicts the merge met that the reporter has not looked at yet."""
    return len(sync.conflicts(library.db, unseen_only=True))


def mark_conflicts_seen(library: Library) -> Outcome[int]:
    """The reporter has read the conflicts (the desk's sync status)."""
    with library.operation():
        seen = sync.mark_conflicts_seen(library.db)
    return Outcome(seen)
