"""The sync protocol on the server's side: push a batch of changes, pull the changes after a
cursor, and tell whether the server still holds what a laptop knows it had.

Push: one PostgreSQL transaction for the whole batch. Each change is logged once, by its change
id (a push repeated after a crash logs and applies nothing twice); a record identical to the
server's current one is not logged again; the server's current record follows the merge rule
(`records.incoming_wins`), so the server holds what every laptop converges to.

Pull: changes in commit order, (txid, seq), after the laptop's cursor and before the oldest
transaction still running. Every change a later commit brings has a transaction id at or above
that horizon, so a reader never passes a change that commits late (the classic gap of reading
by a sequence number alone).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from sourcemark.app.newsroom.connection import NewsroomError
from sourcemark.app.newsroom.records import incoming_wins, same_content

Connection = psycopg.Connection[tuple[Any, ...]]
PULL_BATCH = 500


@dataclass(frozen=True, slots=True)
class Change:
    """One record's new state, as a laptop pushes it."""

    change_id: str
    desk_id: int
    kind: str
    record_id: str
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Pulled:
    """A change as the server logged it: who pushed it, and where it sits in commit order."""

    txid: int
    seq: int
    change_id: str
    desk_id: int
    kind: str
    record_id: str
    body: dict[str, Any]
    author: str


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a laptop's pulls have reached: the last change read (none at first)."""

    txid: int = 0
    seq: int = 0
    change_id: str | None = None

    def after(self, change: Pulled) -> Cursor:
        return Cursor(change.txid, change.seq, change.change_id)

    def to_json(self) -> str:
        return json.dumps({"txid": self.txid, "seq": self.seq, "change_id": self.change_id})

    @classmethod
    def from_json(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(int(data["txid"]), int(data["seq"]), data["change_id"])


@dataclass(slots=True)
class PushReport:
    logged: int = 0
    """Changes new to the server."""
    repeated: int = 0
    """Changes it already had (same change id, or the same record already current)."""
    superseded: int = 0
    """Changes older than the server's current record (kept in the log, not current)."""
    last: tuple[int, str] | None = None
    """The (seq, change id) of the last change logged: a witness of what the server holds."""


def server_id(conn: Connection) -> str:
    row = conn.execute("SELECT value FROM sourcemark.meta WHERE key = 'server_id'").fetchone()
    if row is None:
        raise NewsroomError("this database holds no newsroom (its administrator runs server init)")
    return str(row[0])


def my_desks(conn: Connection) -> dict[str, int]:
    """The desks the connected reporter belongs to, by name."""
    rows = conn.execute("SELECT name, id FROM sourcemark.desks ORDER BY name").fetchall()
    return {str(name): int(desk_id) for name, desk_id in rows}


def push(conn: Connection, changes: Sequence[Change]) -> PushReport:
    """Apply a batch of changes in one transaction (all or nothing)."""
    report = PushReport()
    with conn.transaction():
        for change in changes:
            _push_one(conn, change, report)
    return report


def _push_one(conn: Connection, change: Change, report: PushReport) -> None:
    current = _locked_record(conn, change)
    if current is not None and same_content(current, change.body):
        report.repeated += 1
        return
    logged = conn.execute(
        "INSERT INTO sourcemark.changes (change_id, desk_id, kind, record_id, body) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (change_id) DO NOTHING RETURNING seq",
        (change.change_id, change.desk_id, change.kind, change.record_id, Jsonb(change.body)),
    ).fetchone()
    if logged is None:
        report.repeated += 1
        return
    report.logged += 1
    report.last = (int(logged[0]), change.change_id)
    if current is None:
        added = conn.execute(
            "INSERT INTO sourcemark.records (desk_id, kind, id, body, updated_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (
                change.desk_id,
                change.kind,
                change.record_id,
                Jsonb(change.body),
                change.body["updated_at"],
            ),
        )
        if added.rowcount:
            return
        current = _locked_record(conn, change)  # another push added it meanwhile
        assert current is not None
    if incoming_wins(current, change.body):
        conn.execute(
            "UPDATE sourcemark.records SET body = %s, updated_at = %s "
            "WHERE desk_id = %s AND kind = %s AND id = %s",
            (
                Jsonb(change.body),
                change.body["updated_at"],
                change.desk_id,
                change.kind,
                change.record_id,
            ),
        )
    else:
        report.superseded += 1


def _locked_record(conn: Connection, change: Change) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT body FROM sourcemark.records WHERE desk_id = %s AND kind = %s AND id = %s "
        "FOR UPDATE",
        (change.desk_id, change.kind, change.record_id),
    ).fetchone()
    return None if row is None else dict(row[0])


def pull(conn: Connection, cursor: Cursor, *, limit: int = PULL_BATCH) -> list[Pulled]:
    """The next changes after `cursor`, in commit order, all from finished transactions.

    The horizon is read first, by a statement of its own: every transaction below it had
    finished then, so the later statement that reads the rows sees all of their changes.
    """
    below = horizon(conn)
    rows = conn.execute(
        """
        SELECT c.txid::text AS commit_txid, c.seq, c.change_id::text, c.desk_id, c.kind,
               c.record_id, c.body, c.author
        FROM sourcemark.changes c
        WHERE (c.txid, c.seq) > (%s::text::xid8, %s) AND c.txid < %s::text::xid8
        ORDER BY c.txid, c.seq
        LIMIT %s
        """,
        (str(cursor.txid), cursor.seq, str(below), limit),
    ).fetchall()
    return [
        Pulled(int(txid), seq, change_id, desk_id, kind, record_id, dict(body), str(author))
        for txid, seq, change_id, desk_id, kind, record_id, body, author in rows
    ]


def horizon(conn: Connection) -> int:
    """The oldest transaction still running: every change of an older one can be pulled (a
    maintenance transaction such as autovacuum's ANALYZE may hold it back a moment)."""
    row = conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()
    assert row is not None
    return int(row[0])


def holds(conn: Connection, seq: int, change_id: str) -> bool:
    """Whether the server still logs change `change_id` as number `seq`. False after a restore
    from a backup taken before it (the number gone, or given to another change)."""
    row = conn.execute(
        "SELECT change_id::text FROM sourcemark.changes WHERE seq = %s", (seq,)
    ).fetchone()
    return row is not None and row[0] == change_id
