"""Faults with a real server: PostgreSQL crashing mid-push, a server restored from a backup
older than what the laptops know. Nothing lost, nothing twice, every replica converges."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from sourcemark.app.library import Library
from sourcemark.app.newsroom import protocol
from sourcemark.app.newsroom.connection import NewsroomUnreachable
from sourcemark.app.opening import open_library
from tests.conftest import REPO
from tests.newsroom.conftest import Newsroom
from tests.newsroom.laptops import converged, sync_once


def change_count(room: Newsroom) -> int:
    with room.admin() as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT change_id) FROM sourcemark.changes"
        ).fetchone()
    assert row is not None and row[0] == row[1]
    return int(row[0])


def test_postgres_stopped_mid_push_then_restarted(
    newsroom: Newsroom,
    shared: tuple[Library, Library, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob, ids = shared
    for quote in ("The mayor", "the council", "violent crime", "last year", "the figures"):
        alice.annotate_quote(ids["first"], "quote", quote)
    before = change_count(newsroom)
    real_push_one = protocol._push_one
    calls: list[int] = []

    def crash_after_two(conn: Any, change: Any, report: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            newsroom.cluster.stop("immediate")
        real_push_one(conn, change, report)

    monkeypatch.setattr(protocol, "_push_one", crash_after_two)
    with pytest.raises(NewsroomUnreachable):
        sync_once(alice)
    monkeypatch.setattr(protocol, "_push_one", real_push_one)
    newsroom.cluster.start()
    assert change_count(newsroom) == before  # the crashed batch left nothing behind
    sync_once(alice)
    sync_once(bob)
    assert len(bob.annotations(ids["first"])) == 7
    sync_once(alice)
    assert converged(newsroom, "Metro", alice, bob)


def test_a_server_restored_from_an_older_backup_gets_back_what_it_lost(
    newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]], tmp_path: Path
) -> None:
    alice, bob, ids = shared
    backup = tmp_path / "newsroom.dump"
    cluster = newsroom.cluster
    dump = [str(cluster.bin / "pg_dump"), "-Fc", "-f", str(backup), cluster.dsn(newsroom.dbname)]
    subprocess.run(dump, check=True, capture_output=True)
    # After the backup: both laptops push more, and pull each other's.
    added = alice.annotate_quote(ids["first"], "quote", "the council disputes the figures").value
    bob.edit_annotation(ids["claim"], verdict="false")
    for library in (alice, bob, alice):
        sync_once(library)
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(newsroom.dbname))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(newsroom.dbname)))
    restore = [str(cluster.bin / "pg_restore"), "-d", cluster.dsn(newsroom.dbname), str(backup)]
    subprocess.run(restore, check=True, capture_output=True)
    # Each laptop sees the server has lost what it knew, and sends its shared records again.
    assert sync_once(alice).value.server_restored
    assert sync_once(bob).value.server_restored
    sync_once(alice)
    for library in (alice, bob):
        assert library.annotation(added.id).quote == "the council disputes the figures"
        verdict = library.annotation(ids["claim"]).verdict
        assert verdict is not None and verdict.value == "false"
    assert converged(newsroom, "Metro", alice, bob)
    change_count(newsroom)


def killed_round(library: Library, moment: str) -> None:
    """Close the library, run a round in a child that SIGKILLs itself at `moment`, reopen."""
    path = library.path
    library.close()
    child = subprocess.run(
        [sys.executable, "-m", "tests.newsroom.sync_child", str(path), moment],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr


def test_a_laptop_killed_mid_push_sends_nothing_twice(
    newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, bob, ids = shared
    for quote in ("The mayor", "the council", "violent crime"):
        alice.annotate_quote(ids["first"], "quote", quote)
    before = change_count(newsroom)
    killed_round(alice, "push")
    assert change_count(newsroom) == before + 3  # the server committed the push
    alice = open_library(alice.path)
    report = sync_once(alice).value  # the same change ids again: nothing new
    assert report.pushed == 0 and change_count(newsroom) == before + 3
    sync_once(bob)
    assert len(bob.annotations(ids["first"])) == 5
    assert converged(newsroom, "Metro", alice, bob)
    alice.close()


def test_a_laptop_killed_mid_pull_applies_each_change_once(
    newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, bob, ids = shared
    for quote in ("The mayor", "the council", "violent crime", "last year", "the figures"):
        alice.annotate_quote(ids["first"], "quote", quote)
    alice.edit_annotation(ids["claim"], note="edited before the crash")
    sync_once(alice)
    killed_round(bob, "pull")
    bob = open_library(bob.path)
    assert len(bob.annotations(ids["first"])) == 2  # the killed batch left nothing behind
    sync_once(bob)
    assert len(bob.annotations(ids["first"])) == 7
    assert bob.annotation(ids["claim"]).note == "edited before the crash"
    assert [entry["reason"] for entry in bob.history(ids["claim"])] == ["edited"]
    assert converged(newsroom, "Metro", alice, bob)
    bob.close()
