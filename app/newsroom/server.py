"""The newsroom administrator's operations: create or migrate the server schema, add desks and
reporters, and report the server's state (`server ...` on the command line).

Only the role that created the schema (or a superuser) migrates it. Values always travel as
bind parameters; the few statements PostgreSQL cannot parameterise (CREATE ROLE, GRANT) are
composed with psycopg's `sql.Identifier` and `sql.Literal`, which quote safely.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from sourcemark.app.newsroom import schema
from sourcemark.app.newsroom.connection import NewsroomError, connected, first_line
from sourcemark.app.newsroom.scram import verifier

_MIGRATION_LOCK = 0x50_75_72_6B  # one administrator migrates at a time
_ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_RESERVED = ("pg_", "sourcemark_", "public", "postgres")

Connection = psycopg.Connection[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class InitReport:
    server_id: str
    version_before: int
    version: int


@dataclass(frozen=True, slots=True)
class NewReporter:
    name: str
    desk: str
    password: str | None
    """Generated for a new role and shown once; None when the reporter already existed."""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "desk": self.desk, "password": self.password}


def checked_reporter_name(name: str) -> str:
    """A reporter's name, which is their PostgreSQL login role: lower-case letters, digits
    and underscores, starting with a letter, at most 40 characters."""
    value = name.strip()
    if not _ROLE_NAME.fullmatch(value) or value.startswith(_RESERVED):
        raise NewsroomError(
            f"reporter name {name!r} must be lower-case letters, digits and _ (a letter first, "
            "at most 40), and not start with pg_ or sourcemark_"
        )
    return value


def checked_desk_name(name: str) -> str:
    value = " ".join(name.split())
    if not 1 <= len(value) <= 100:
        raise NewsroomError("a desk name is 1 to 100 characters")
    return value


def generate_password() -> str:
    """A random password: 192 bits, URL-safe characters."""
    return secrets.token_urlsafe(24)


def init(dsn: str) -> InitReport:
    """Create the newsroom schema in the database `dsn` names, or migrate it to this version."""
    with connected(dsn) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        before = _schema_version(conn)
        if before > schema.SCHEMA_VERSION:
            raise NewsroomError(
                f"the newsroom schema is version {before}, newer than this Sourcemark "
                f"({schema.SCHEMA_VERSION}): upgrade Sourcemark first"
            )
        if before:
            require_administrator(conn)
        else:
            _create_schema(conn)
        for version in range(before + 1, schema.SCHEMA_VERSION + 1):
            conn.execute(schema.MIGRATIONS[version - 1].encode())
            conn.execute(
                "INSERT INTO sourcemark.meta (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (str(version),),
            )
        if not before:
            conn.execute(
                "INSERT INTO sourcemark.meta (key, value) VALUES ('server_id', %s), "
                "('administrator', current_user)",
                (str(uuid.uuid4()),),
            )
        server_id = _meta(conn, "server_id")
    return InitReport(server_id or "", before, schema.SCHEMA_VERSION)


def _create_schema(conn: Connection) -> None:
    try:
        with conn.transaction():
            row = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (schema.REPORTER_GROUP,)
            ).fetchone()
            if row is None:
                conn.execute(
                    sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(schema.REPORTER_GROUP))
                )
            conn.execute("CREATE SCHEMA sourcemark")
            # Reporters get nothing outside the schema: no temporary tables, no public objects.
            conn.execute(
                sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(
                    sql.Identifier(_database(conn))
                )
            )
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    except psycopg.errors.InsufficientPrivilege as error:
        raise NewsroomError(
            "the administrator's role must own the newsroom's database and may create roles "
            f"(CREATEROLE): {first_line(error)}"
        ) from None


def _database(conn: Connection) -> str:
    row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    return str(row[0])


def _schema_version(conn: Connection) -> int:
    row = conn.execute("SELECT to_regclass('sourcemark.meta') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    value = _meta(conn, "schema_version")
    return int(value) if value else 0


def _meta(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sourcemark.meta WHERE key = %s", (key,)).fetchone()
    return None if row is None else str(row[0])


def require_administrator(conn: Connection) -> None:
    """Refuse unless the connected role administers the newsroom (or is a superuser)."""
    if not _schema_version(conn):
        raise NewsroomError("this database has no newsroom yet: run `server init DSN` first")
    row = conn.execute(
        "SELECT current_user = (SELECT value FROM sourcemark.meta WHERE key = 'administrator') "
        "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
    ).fetchone()
    if row is None or not row[0]:
        raise NewsroomError(
            "only the newsroom's administrator role may do this (the role that ran server init)"
        )


def add_desk(dsn: str, name: str) -> str:
    """Create a desk (a team that stories are shared with); its name."""
    name = checked_desk_name(name)
    with connected(dsn) as conn, conn.transaction():
        require_administrator(conn)
        added = conn.execute(
            "INSERT INTO sourcemark.desks (name) VALUES (%s) ON CONFLICT (name) DO NOTHING "
            "RETURNING id",
            (name,),
        ).fetchone()
    if added is None:
        raise NewsroomError(f"a desk named {name!r} already exists")
    return name


def add_reporter(dsn: str, name: str, desk: str) -> NewReporter:
    """Make `name` a reporter of `desk`: a new login role with a generated password (returned
    once, never stored), or an existing reporter joining one more desk."""
    name = checked_reporter_name(name)
    desk = checked_desk_name(desk)
    with connected(dsn) as conn, conn.transaction():
        require_administrator(conn)
        desk_row = conn.execute("SELECT id FROM sourcemark.desks WHERE name = %s", (desk,))
        found = desk_row.fetchone()
        if found is None:
            raise NewsroomError(f"no desk named {desk!r} (server add-desk {desk!r} first)")
        role_exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        is_reporter = conn.execute("SELECT 1 FROM sourcemark.reporters WHERE role = %s", (name,))
        password = None
        if is_reporter.fetchone() is None:
            if role_exists.fetchone() is not None:
                raise NewsroomError(
                    f"a PostgreSQL role named {name!r} exists and is not a reporter: "
                    "choose another name"
                )
            password = generate_password()
            _create_login_role(conn, name, password)
            conn.execute("INSERT INTO sourcemark.reporters (role) VALUES (%s)", (name,))
        conn.execute(
            "INSERT INTO sourcemark.memberships (desk_id, role) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING",
            (found[0], name),
        )
    return NewReporter(name, desk, password)


def _create_login_role(conn: Connection, name: str, password: str) -> None:
    try:
        conn.execute(
            sql.SQL(
                "CREATE ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                "NOBYPASSRLS CONNECTION LIMIT 20 PASSWORD {} IN ROLE {}"
            ).format(
                sql.Identifier(name),
                sql.Literal(verifier(password)),
                sql.Identifier(schema.REPORTER_GROUP),
            )
        )
    except psycopg.errors.InsufficientPrivilege as error:
        raise NewsroomError(
            f"the administrator's role may not create roles: {first_line(error)}"
        ) from None


def status(dsn: str) -> dict[str, Any]:
    """The server's state: schema version, desks with their reporters and shared records."""
    with connected(dsn) as conn, conn.transaction():
        require_administrator(conn)
        desks = conn.execute(
            """
            SELECT d.name,
                   coalesce((SELECT array_agg(m.role::text ORDER BY m.role)
                             FROM sourcemark.memberships m WHERE m.desk_id = d.id), '{}'),
                   (SELECT count(*) FROM sourcemark.records r
                    WHERE r.desk_id = d.id AND r.kind = 'story'),
                   (SELECT count(*) FROM sourcemark.records r WHERE r.desk_id = d.id),
                   (SELECT count(*) FROM sourcemark.changes c WHERE c.desk_id = d.id)
            FROM sourcemark.desks d ORDER BY d.name
            """
        ).fetchall()
        totals = conn.execute(
            "SELECT (SELECT count(*) FROM sourcemark.changes), "
            "(SELECT max(pushed_at) FROM sourcemark.changes), "
            "pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
        assert totals is not None
        return {
            "schema_version": _schema_version(conn),
            "server_id": _meta(conn, "server_id"),
            "administrator": _meta(conn, "administrator"),
            "database_size": totals[2],
            "changes": totals[0],
            "last_change": totals[1].isoformat() if totals[1] else None,
            "desks": [
                {
                    "name": name,
                    "reporters": list(reporters),
                    "stories": stories,
                    "records": records,
                    "changes": changes,
                }
                for name, reporters, stories, records, changes in desks
            ],
        }
