"""Joining and leaving from the command line: where the password goes (the keyring, else
~/.pgpass with mode 0600, never the library), a password in the DSN or PGPASSWORD honoured."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from psycopg.conninfo import make_conninfo

from sourcemark.app.newsroom import credentials, team
from sourcemark.app.opening import open_library
from tests.cli import sourcemark
from tests.newsroom.conftest import Newsroom, Reporter


class MemoryKeyring(KeyringBackend):
    """A keyring in memory, standing for the system's."""

    priority = 10

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


def test_join_keeps_the_password_in_pgpass_when_there_is_no_keyring(
    tmp_path: Path, desk: tuple[Reporter, Reporter]
) -> None:
    alice = desk[0]
    library = tmp_path / "alice"
    joined = sourcemark(
        "team",
        "join",
        alice.dsn,
        "--as",
        "alice",
        "--password-stdin",
        library=library,
        stdin=alice.password + "\n",
        env=dict(os.environ),
    )
    assert joined.returncode == 0, joined.stderr
    assert "desks: Metro" in joined.stdout
    pgpass = Path(os.environ["HOME"]) / ".pgpass"
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
    assert pgpass.read_text().endswith(f":alice:{alice.password}\n")
    assert alice.password.encode() not in (library / "library.db").read_bytes()
    synced = sourcemark("sync", library=library, env=dict(os.environ))
    assert synced.returncode == 0, synced.stderr  # libpq read the password from ~/.pgpass
    status = sourcemark("sync", "--status", "--json", library=library, env=dict(os.environ))
    assert '"reporter": "alice"' in status.stdout
    left = sourcemark("team", "leave", library=library, env=dict(os.environ))
    assert left.returncode == 0, left.stderr
    assert "alice" not in pgpass.read_text()


def test_a_password_in_the_dsn_or_pgpassword_is_used_and_not_stored(
    tmp_path: Path, desk: tuple[Reporter, Reporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = desk
    with open_library(tmp_path / "a") as library:
        team.join(library, make_conninfo(alice.dsn, password=alice.password), "alice", None)
    monkeypatch.setenv("PGPASSWORD", bob.password)
    joined = sourcemark(
        "team", "join", bob.dsn, "--as", "bob", library=tmp_path / "b", env=dict(os.environ)
    )
    assert joined.returncode == 0, joined.stderr
    assert not (Path(os.environ["HOME"]) / ".pgpass").exists()


def test_join_prefers_the_system_keyring(
    tmp_path: Path, desk: tuple[Reporter, Reporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: memory)
    with open_library(tmp_path / "a") as library:
        joined = team.join(library, desk[0].dsn, "alice", desk[0].password).value
        assert joined.password_kept_in == "the system keyring"
        assert list(memory.secrets.values()) == [desk[0].password]
        assert team.team_of(library).password() == desk[0].password
        assert not (Path(os.environ["HOME"]) / ".pgpass").exists()
        team.leave(library)
    assert memory.secrets == {}


def test_join_refusals_are_one_line(tmp_path: Path, newsroom: Newsroom) -> None:
    newsroom.desk("Metro")
    alice = newsroom.reporter("alice", "Metro")
    wrong = sourcemark(
        "team",
        "join",
        alice.dsn,
        "--as",
        "alice",
        "--password-stdin",
        library=tmp_path / "l",
        stdin="wrong\n",
        env=dict(os.environ),
    )
    assert wrong.returncode == 1
    assert wrong.stderr.startswith("sourcemark: cannot connect to alice@127.0.0.1:")
    assert "password authentication failed" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    unjoined = sourcemark("sync", library=tmp_path / "l", env=dict(os.environ))
    assert unjoined.returncode == 1
    assert "has not joined a newsroom" in unjoined.stderr
    assert credentials.pgpass_path() == Path(os.environ["HOME"]) / ".pgpass"
