"""The newsroom server: schema, desks, reporters, and what a reporter's role may do with plain
SQL (row-level security, least privilege, no DDL)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from sourcemark.app.newsroom import schema, server
from sourcemark.app.newsroom.connection import NewsroomError, NewsroomUnreachable
from tests.cli import sourcemark
from tests.newsroom.conftest import Newsroom, Reporter

Conn = psycopg.Connection[tuple[Any, ...]]


def _desk_id(room: Newsroom, name: str) -> int:
    with room.admin() as conn:
        row = conn.execute("SELECT id FROM sourcemark.desks WHERE name = %s", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def _push(conn: Conn, desk_id: int, record_id: str, body: dict[str, Any]) -> None:
    with conn.transaction():
        conn.execute(
            "INSERT INTO sourcemark.changes (change_id, desk_id, kind, record_id, body) "
            "VALUES (%s, %s, 'annotation', %s, %s)",
            (uuid.uuid4(), desk_id, record_id, Jsonb(body)),
        )
        conn.execute(
            "INSERT INTO sourcemark.records (desk_id, kind, id, body, updated_at) "
            "VALUES (%s, 'annotation', %s, %s, '2024-01-01T00:00:00Z')",
            (desk_id, record_id, Jsonb(body)),
        )


@pytest.fixture
def two_desks(newsroom: Newsroom) -> tuple[Reporter, Reporter]:
    """alice on Metro with one shared annotation; bob on Politics."""
    newsroom.desk("Metro")
    newsroom.desk("Politics")
    alice = newsroom.reporter("alice", "Metro")
    bob = newsroom.reporter("bob", "Politics")
    with psycopg.connect(alice.login) as conn:
        _push(conn, _desk_id(newsroom, "Metro"), "a1", {"quote": "secret", "creator": "x"})
    return alice, bob


def test_init_creates_the_schema_once_and_records_its_version(newsroom: Newsroom) -> None:
    again = server.init(newsroom.admin_dsn)
    assert (again.version_before, again.version) == (schema.SCHEMA_VERSION,) * 2
    report = server.status(newsroom.admin_dsn)
    assert report["schema_version"] == schema.SCHEMA_VERSION
    assert report["server_id"] == again.server_id
    assert report["desks"] == []


def test_a_reporter_gets_a_login_with_a_password_stored_only_as_a_scram_verifier(
    newsroom: Newsroom,
) -> None:
    newsroom.desk("Metro")
    alice = newsroom.reporter("alice", "Metro")
    with psycopg.connect(alice.login) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    assert row == ("alice",)
    with newsroom.admin() as conn:
        stored = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'"
        ).fetchone()
    assert stored is not None
    assert stored[0].startswith("SCRAM-SHA-256$4096:") and alice.password not in stored[0]
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(newsroom.cluster.dsn(newsroom.dbname, user="alice", password="wrong"))


def test_an_existing_reporter_joins_another_desk_without_a_new_password(
    newsroom: Newsroom,
) -> None:
    newsroom.desk("Metro")
    newsroom.desk("Politics")
    newsroom.reporter("alice", "Metro")
    again = server.add_reporter(newsroom.admin_dsn, "alice", "Politics")
    assert again.password is None
    report = server.status(newsroom.admin_dsn)
    assert [d["reporters"] for d in report["desks"]] == [["alice"], ["alice"]]


@pytest.mark.parametrize(
    ("name", "message"),
    [("Alice", "lower-case"), ("pg_alice", "pg_"), ("a; DROP TABLE x", "lower-case")],
)
def test_reporter_names_are_checked(newsroom: Newsroom, name: str, message: str) -> None:
    newsroom.desk("Metro")
    with pytest.raises(NewsroomError, match=message):
        server.add_reporter(newsroom.admin_dsn, name, "Metro")


def test_desk_mistakes_are_one_line(newsroom: Newsroom) -> None:
    newsroom.desk("Metro")
    with pytest.raises(NewsroomError, match="already exists"):
        server.add_desk(newsroom.admin_dsn, "Metro")
    with pytest.raises(NewsroomError, match="no desk named 'Sports'"):
        server.add_reporter(newsroom.admin_dsn, "carol", "Sports")


def test_a_reporter_can_neither_migrate_nor_administer(
    newsroom: Newsroom, two_desks: tuple[Reporter, Reporter]
) -> None:
    alice, _ = two_desks
    with pytest.raises(NewsroomError, match="administrator"):
        server.init(alice.login)
    with pytest.raises(NewsroomError, match="administrator"):
        server.add_reporter(alice.login, "mallory", "Metro")
    with pytest.raises(NewsroomError, match="administrator"):
        server.add_desk(alice.login, "Mine")


def test_another_desks_rows_are_invisible_to_a_reporter(
    newsroom: Newsroom, two_desks: tuple[Reporter, Reporter]
) -> None:
    alice, bob = two_desks
    with psycopg.connect(alice.login) as conn:
        assert conn.execute("SELECT count(*) FROM sourcemark.records").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM sourcemark.changes").fetchone() == (1,)
    with psycopg.connect(bob.login) as conn:
        for table in ("records", "changes"):
            row = conn.execute(f"SELECT count(*) FROM sourcemark.{table}").fetchone()
            assert row == (0,), table
        desks = conn.execute("SELECT name FROM sourcemark.desks").fetchall()
        assert desks == [("Politics",)]
        members = conn.execute("SELECT role FROM sourcemark.memberships").fetchall()
        assert members == [("bob",)]
        reporters = conn.execute("SELECT role FROM sourcemark.reporters").fetchall()
        assert reporters == [("bob",)]
        hits = conn.execute(
            "SELECT count(*) FROM sourcemark.records WHERE search @@ to_tsquery('secret')"
        ).fetchone()
        assert hits == (0,)


def test_a_reporter_cannot_write_another_desks_rows(
    newsroom: Newsroom, two_desks: tuple[Reporter, Reporter]
) -> None:
    _, bob = two_desks
    metro = _desk_id(newsroom, "Metro")
    with psycopg.connect(bob.login) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            _push(conn, metro, "b1", {"quote": "planted"})
        with conn.transaction():
            updated = conn.execute(
                "UPDATE sourcemark.records SET body = '{}' WHERE desk_id = %s", (metro,)
            )
            assert updated.rowcount == 0
        for statement in (
            "DELETE FROM sourcemark.records",
            "DELETE FROM sourcemark.changes",
            "UPDATE sourcemark.changes SET body = '{}'",
            "TRUNCATE sourcemark.records",
            "INSERT INTO sourcemark.memberships (desk_id, role) VALUES (1, 'bob')",
            "INSERT INTO sourcemark.desks (name) VALUES ('Mine')",
            "UPDATE sourcemark.meta SET value = '0'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement.encode())
    with newsroom.admin() as conn:
        rows = conn.execute("SELECT desk_id, body FROM sourcemark.records").fetchall()
    assert rows == [(metro, {"quote": "secret", "creator": "alice"})]


def test_the_server_stamps_who_made_a_change(
    newsroom: Newsroom, two_desks: tuple[Reporter, Reporter]
) -> None:
    with newsroom.admin() as conn:
        row = conn.execute("SELECT author, body->>'creator' FROM sourcemark.changes").fetchone()
    assert row == ("alice", "alice")


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE sourcemark.mine (a int)",
        "CREATE TABLE public.mine (a int)",
        "CREATE TEMPORARY TABLE mine (a int)",
        "DROP TABLE sourcemark.records",
        "ALTER TABLE sourcemark.records DISABLE ROW LEVEL SECURITY",
        "DROP POLICY member_reads ON sourcemark.records",
        "CREATE FUNCTION sourcemark.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE SCHEMA mine",
        "CREATE ROLE mallory LOGIN",
        "GRANT sourcemark_reporter TO bob",
        "ALTER ROLE bob BYPASSRLS",
    ],
)
def test_a_reporter_role_has_no_ddl(
    newsroom: Newsroom, two_desks: tuple[Reporter, Reporter], statement: str
) -> None:
    _, bob = two_desks
    with psycopg.connect(bob.login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement.encode())


def test_an_unreachable_server_is_one_line() -> None:
    with pytest.raises(NewsroomUnreachable, match="cannot connect to .*127.0.0.1:1/"):
        server.status("host=127.0.0.1 port=1 dbname=x user=y connect_timeout=2")
    with pytest.raises(NewsroomError, match="not a PostgreSQL connection string"):
        server.status("this is = not = a dsn")


def test_the_server_commands(newsroom: Newsroom) -> None:
    dsn = newsroom.admin_dsn
    assert "up to date" in sourcemark("server", "init", dsn).stdout
    assert sourcemark("server", "add-desk", dsn, "Metro").returncode == 0
    added = sourcemark("server", "add-reporter", dsn, "carol", "--desk", "Metro", "--json")
    assert added.returncode == 0, added.stderr
    newsroom.reporters["carol"] = Reporter("carol", "", "", "")  # dropped after the test
    created = json.loads(added.stdout)
    assert created["name"] == "carol" and len(created["password"]) >= 32
    conn_dsn = newsroom.cluster.dsn(newsroom.dbname, user="carol", password=created["password"])
    psycopg.connect(conn_dsn).close()
    status = sourcemark("server", "status", dsn, "--json")
    assert json.loads(status.stdout)["desks"][0]["reporters"] == ["carol"]
    refused = sourcemark("server", "add-desk", dsn, "Metro")
    assert refused.returncode == 1
    assert refused.stderr.strip() == "sourcemark: a desk named 'Metro' already exists"
    text = sourcemark("server", "status", dsn).stdout
    assert "desk      Metro: 1 reporter (carol)" in text
