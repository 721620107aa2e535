"""A private PostgreSQL for the newsroom tests: one cluster for the session, a fresh database
with the newsroom schema for each test, and its reporters' roles dropped afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from sourcemark.app.library import Library
from sourcemark.app.newsroom import server, team
from sourcemark.app.stories import add_to_story, create_story
from tests.newsroom.laptops import article, laptop, sync_once
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


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the user's keyring or ~/.pgpass: a keyring that fails, a private HOME."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGPASSFILE", raising=False)


@pytest.fixture
def desk(newsroom: Newsroom) -> tuple[Reporter, Reporter]:
    """alice and bob, reporters of the Metro desk."""
    newsroom.desk("Metro")
    return newsroom.reporter("alice", "Metro"), newsroom.reporter("bob", "Metro")


@pytest.fixture
def shared(
    tmp_path: Path, desk: tuple[Reporter, Reporter]
) -> Iterator[tuple[Library, Library, dict[str, str]]]:
    """alice's story "Crime figures" (two sources, a claim and a quote) shared with Metro and
    synced to bob's laptop."""
    alice = laptop(tmp_path, "alice", desk[0])
    bob = laptop(tmp_path, "bob", desk[1])
    first = article(alice, "Mayor")
    second = article(alice, "Council", "The council said the figures were cooked. " * 3)
    story = create_story(alice, "Crime figures").value
    add_to_story(alice, story.name, [first, second])
    ids = {
        "first": first,
        "second": second,
        "claim": alice.annotate_quote(first, "claim", "the safest big city in America").value.id,
        "quote": alice.annotate_quote(first, "quote", "Police data show").value.id,
    }
    team.share(alice, story.name, "Metro")
    sync_once(alice)
    sync_once(bob)
    yield alice, bob, ids
    alice.close()
    bob.close()
