"""The sync protocol against a real server: idempotent pushes, the merge rule on the server,
and pulls that never pass a change committing late, however many writers race."""

from __future__ import annotations

import random
import threading
import time
import uuid
from typing import Any

import psycopg
import pytest

from sourcemark.app.newsroom import protocol
from sourcemark.app.newsroom.protocol import Change, Cursor
from tests.newsroom.conftest import Newsroom, Reporter

Conn = psycopg.Connection[tuple[Any, ...]]


@pytest.fixture
def alice(newsroom: Newsroom) -> Reporter:
    newsroom.desk("Metro")
    return newsroom.reporter("alice", "Metro")


def connect(reporter: Reporter) -> Conn:
    return psycopg.connect(reporter.login, autocommit=True)


def change(conn: Conn, record_id: str, updated_at: str, note: str) -> Change:
    body = {"id": record_id, "updated_at": updated_at, "note": note, "creator": "laptop"}
    return Change(
        str(uuid.uuid4()), protocol.my_desks(conn)["Metro"], "annotation", record_id, body
    )


def current(newsroom: Newsroom, record_id: str) -> dict[str, Any]:
    with newsroom.admin() as conn:
        row = conn.execute(
            "SELECT body FROM sourcemark.records WHERE id = %s", (record_id,)
        ).fetchone()
    assert row is not None
    return dict(row[0])


def last_transaction(conn: Conn) -> int:
    row = conn.execute("SELECT pg_current_xact_id()::text").fetchone()
    assert row is not None
    return int(row[0])


def pull_all(conn: Conn) -> tuple[list[protocol.Pulled], Cursor]:
    """Everything committed so far: pulls until the horizon has passed the transactions this
    test made (a maintenance transaction may hold the horizon back a moment)."""
    newest = last_transaction(conn)  # an xid of our own, newer than every earlier commit
    cursor = Cursor()
    pulled: list[protocol.Pulled] = []
    while (batch := protocol.pull(conn, cursor, limit=7)) or protocol.horizon(conn) <= newest:
        pulled += batch
        if batch:
            cursor = cursor.after(batch[-1])
    return pulled, cursor


def test_a_repeated_push_applies_nothing_twice(newsroom: Newsroom, alice: Reporter) -> None:
    with connect(alice) as conn:
        first = change(conn, "a1", "2024-05-01T10:00:00Z", "first")
        report = protocol.push(conn, [first])
        assert (report.logged, report.repeated) == (1, 0)
        again = protocol.push(conn, [first, first])
        assert (again.logged, again.repeated) == (0, 2)
        pulled, _ = pull_all(conn)
    assert [p.change_id for p in pulled] == [first.change_id]
    assert pulled[0].author == "alice" and pulled[0].body["creator"] == "alice"


def test_a_batch_is_all_or_nothing(newsroom: Newsroom, alice: Reporter) -> None:
    with connect(alice) as conn:
        good = change(conn, "a1", "2024-05-01T10:00:00Z", "good")
        foreign = Change(str(uuid.uuid4()), 999, "annotation", "a2", good.body)
        with pytest.raises(psycopg.Error):
            protocol.push(conn, [good, foreign])
        assert pull_all(conn)[0] == []


def test_the_server_keeps_the_newest_version_current(newsroom: Newsroom, alice: Reporter) -> None:
    with connect(alice) as conn:
        newer = change(conn, "a1", "2024-05-01T10:00:00+02:00", "newer")
        older = change(conn, "a1", "2024-05-01T07:59:59Z", "older")
        protocol.push(conn, [newer])
        report = protocol.push(conn, [older])
        assert (report.logged, report.superseded) == (1, 1)
        assert current(newsroom, "a1")["note"] == "newer"
        # At the same instant the canonical form decides, the same way on every replica.
        tie_low = change(conn, "a2", "2024-05-01T10:00:00Z", "aaa")
        tie_high = change(conn, "a2", "2024-05-01T10:00:00Z", "zzz")
        protocol.push(conn, [tie_high])
        protocol.push(conn, [tie_low])
        assert current(newsroom, "a2")["note"] == "zzz"
        pulled, _ = pull_all(conn)
    assert [p.body["note"] for p in pulled] == ["newer", "older", "zzz", "aaa"]


def test_a_change_that_commits_late_is_never_passed(newsroom: Newsroom, alice: Reporter) -> None:
    """The classic gap: a change numbered first but committed last. A reader going by the
    number alone passes it for ever; the pull waits for it and then reads both, in order."""
    with connect(alice) as slow, connect(alice) as fast, connect(alice) as reader:
        slow_change = change(slow, "a1", "2024-05-01T10:00:00Z", "slow")
        fast_change = change(fast, "a2", "2024-05-01T10:00:00Z", "fast")
        with slow.transaction():
            protocol.push(slow, [slow_change])  # numbered first, not yet committed
            protocol.push(fast, [fast_change])  # numbered second, committed
            naive = reader.execute(
                "SELECT seq, change_id::text FROM sourcemark.changes WHERE seq > 0 ORDER BY seq"
            ).fetchall()
            assert [row[1] for row in naive] == [fast_change.change_id]
            assert protocol.pull(reader, Cursor()) == []  # the horizon holds at the slow one
        missed_by_naive = reader.execute(
            "SELECT change_id::text FROM sourcemark.changes WHERE seq > %s", (naive[-1][0],)
        ).fetchall()
        assert missed_by_naive == []  # the naive cursor has passed the slow change for good
        pulled, _ = pull_all(reader)
    assert [p.change_id for p in pulled] == [slow_change.change_id, fast_change.change_id]


def test_many_concurrent_writers_and_no_reader_misses_a_change(
    newsroom: Newsroom, alice: Reporter
) -> None:
    writers, batches_each, readers = 8, 25, 3
    pushed: list[str] = []
    pushed_lock = threading.Lock()
    done = threading.Event()
    seen: list[list[str]] = [[] for _ in range(readers)]
    errors: list[BaseException] = []
    newest: list[int] = []  # each writer's last transaction id

    def write(number: int) -> None:
        rng = random.Random(number)
        try:
            with connect(alice) as conn:
                for batch_number in range(batches_each):
                    batch = [
                        change(conn, f"w{number}-{batch_number}-{i}", "2024-05-01T10:00:00Z", "x")
                        for i in range(rng.randint(1, 3))
                    ]
                    with conn.transaction():  # hold the numbered changes open a while
                        protocol.push(conn, batch)
                        time.sleep(rng.random() * 0.01)
                        txid = last_transaction(conn)
                    with pushed_lock:
                        pushed.extend(c.change_id for c in batch)
                    newest.append(txid)
        except BaseException as error:
            errors.append(error)

    def read(number: int) -> None:
        cursor = Cursor()
        try:
            with connect(alice) as conn:
                while True:
                    # Done once every write has finished and is behind the horizon.
                    finished = done.is_set() and protocol.horizon(conn) > max(newest)
                    batch = protocol.pull(conn, cursor, limit=5)
                    seen[number].extend(p.change_id for p in batch)
                    if batch:
                        cursor = cursor.after(batch[-1])
                    elif finished:
                        return
        except BaseException as error:
            errors.append(error)

    write_threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    read_threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in read_threads + write_threads:
        thread.start()
    for thread in write_threads:
        thread.join()
    done.set()
    for thread in read_threads:
        thread.join()
    assert errors == []
    assert len(pushed) >= writers * batches_each
    for reader_seen in seen:
        assert len(reader_seen) == len(set(reader_seen))  # no duplicates
        assert set(reader_seen) == set(pushed)  # none missed


def test_holds_tells_whether_the_server_still_has_a_change(
    newsroom: Newsroom, alice: Reporter
) -> None:
    with connect(alice) as conn:
        report = protocol.push(conn, [change(conn, "a1", "2024-05-01T10:00:00Z", "x")])
        assert report.last is not None
        seq, change_id = report.last
        assert protocol.holds(conn, seq, change_id)
        assert not protocol.holds(conn, seq, str(uuid.uuid4()))
        assert not protocol.holds(conn, seq + 1, change_id)
