"""A private PostgreSQL for the newsroom tests: one cluster for the session, a fresh database
with the newsroom schema for each test, and its reporters' roles dropped afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from psycopg import sql

from sourcemark.app.newsroom import server
from tests.postgres import PostgresServer, running_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    with running_server() as cluster:
        yield cluster


@dataclass(frozen=True, slots=True)
class Reporter:
    name: str
    password: str
    dsn: str
    """A passwordless URL, as a reporter is told the server's address."""
    login: str
    """A connection string with the password, for plain psycopg connections."""


@dataclass
class Newsroom:
    cluster: PostgresServer
    dbname: str
    reporters: dict[str, Reporter] = field(default_factory=dict)

    @property
    def admin_dsn(self) -> str:
        return self.cluster.dsn(self.dbname)

    @property
    def url(self) -> str:
        return self.cluster.url(self.dbname)

    def desk(self, name: str) -> str:
        return server.add_desk(self.admin_dsn, name)

    def reporter(self, name: str, desk: str) -> Reporter:
        added = server.add_reporter(self.admin_dsn, name, desk)
        if added.password is None:
            return self.reporters[name]
        self.reporters[name] = Reporter(
            name,
            added.password,
            self.url,
            self.cluster.dsn(self.dbname, user=name, password=added.password),
        )
        return self.reporters[name]

    def admin(self) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(self.admin_dsn, autocommit=True)


@pytest.fixture
def newsroom(postgres: PostgresServer) -> Iterator[Newsroom]:
    """A database holding a fresh newsroom schema; dropped with its reporters afterwards."""
    if not postgres.running():
        postgres.start()
    room = Newsroom(postgres, postgres.create_database())
    server.init(room.admin_dsn)
    yield room
    if not postgres.running():
        postgres.start()
    with psycopg.connect(postgres.dsn(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(room.dbname)))
        for name in room.reporters:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
