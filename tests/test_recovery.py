"""After an unclean exit the library is checked; a damaged one is kept, never written, and
can be restored from the latest good backup."""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from sourcemark.app import lock, opening
from sourcemark.app.backup import create_backup
from sourcemark.app.errors import LibraryDamaged
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.layout import DATABASE_FILE, LOCK_FILE
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from tests.cli import sourcemark

REPO = Path(__file__).resolve().parent.parent

_ANNOTATE_THEN_DIE = """
import os, signal, sys
from pathlib import Path
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.opening import open_library
library = open_library(Path(sys.argv[1]))
source = from_pasted_text("The harbour closed at dawn, officials said.")
article = library.import_source(source).value.article
library.annotate_quote(article.id, "claim", "The harbour closed at dawn")
os.kill(os.getpid(), signal.SIGKILL)
"""


def _fill(library: Library, articles: int) -> None:
    for n in range(articles):
        text = f"Dispatch {n}. " + "The port authority reported record cargo volumes. " * 200
        article = library.import_source(from_pasted_text(text)).value.article
        library.annotate_quote(article.id, "quote", "record cargo volumes", occurrence=1)


def _fake_crash(library_path: Path) -> None:
    """Leave the lock file a dead writer would leave (PID and host, no flock held)."""
    owner = {"pid": 2**22 + 3, "host": socket.gethostname(), "since": "2026-01-01T00:00:00Z"}
    (library_path / LOCK_FILE).write_text(json.dumps(owner))


def _damage(database: Path) -> None:
    """Overwrite the pages holding the sources' table with garbage, keeping the header intact
    (the middle of the file held whatever table the schema's size put there)."""
    with closing(sqlite3.connect(database)) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            row[0] for row in conn.execute("SELECT pageno FROM dbstat WHERE name = 'articles'")
        ]
    data = bytearray(database.read_bytes())
    for page in pages:
        if page > 1:
            data[(page - 1) * size : page * size] = b"\xa5" * size
    database.write_bytes(bytes(data))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_after_a_kill_the_next_open_checks_the_database_and_keeps_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed = subprocess.run([sys.executable, "-c", _ANNOTATE_THEN_DIE, str(tmp_path)], cwd=REPO)
    assert killed.returncode < 0
    assert lock.state(tmp_path).state == "stale"
    checked: list[Path] = []
    monkeypatch.setattr(opening, "ensure_intact", lambda path: checked.append(path))
    with open_library(tmp_path) as library:
        assert [a.quote for a in library.annotations()] == ["The harbour closed at dawn"]
        assert library.index is not None and library.index.status(library.db).agrees
        assert library.index.search("harbour").total == 2
    assert checked == [tmp_path]
    with open_library(tmp_path, with_index=False):  # a clean close: no check next time
        pass
    assert checked == [tmp_path]


def test_a_damaged_database_is_kept_untouched_and_the_backup_is_named(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False) as library:
        _fill(library, 12)
        good = create_backup(tmp_path)
    database = tmp_path / DATABASE_FILE
    _damage(database)
    _fake_crash(tmp_path)
    before = _digest(database)
    with pytest.raises(LibraryDamaged) as raised:
        open_library(tmp_path)
    assert str(raised.value) == (
        f"the library database {database} is damaged and was left untouched; the latest good "
        f"backup is {good.describe()}: run `sourcemark restore` to use it"
    )
    assert _digest(database) == before
    assert not (tmp_path / "index").exists()  # nothing was built from the damaged file
    assert lock.state(tmp_path).state == "stale"  # still flagged for the next attempt


def test_a_damaged_database_is_reported_by_commands_and_restored(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False) as library:
        _fill(library, 12)
        create_backup(tmp_path)
    database = tmp_path / DATABASE_FILE
    _damage(database)
    _fake_crash(tmp_path)
    damaged = _digest(database)
    listing = sourcemark("articles", "--library", str(tmp_path))
    assert listing.returncode == 1
    assert listing.stderr.startswith(f"sourcemark: the library database {database} is damaged")
    assert "Traceback" not in listing.stderr
    restored = sourcemark("restore", "--library", str(tmp_path))
    assert restored.returncode == 0, restored.stderr
    kept = next(tmp_path.glob("library.db.before-restore-*Z"))
    assert _digest(kept) == damaged
    with open_library(tmp_path) as library:
        assert len(library.annotations()) == 12
        assert library.index is not None and library.index.search("cargo").total == 24


def test_a_file_that_is_not_a_database_is_reported_as_damaged(tmp_path: Path) -> None:
    open_library(tmp_path, with_index=False).close()
    database = tmp_path / DATABASE_FILE
    database.write_bytes(b"this is not an SQLite database at all" * 200)
    before = _digest(database)
    with pytest.raises(LibraryDamaged, match="there is no backup to restore"):
        open_library(tmp_path)
    assert _digest(database) == before
    assert lock.state(tmp_path).state == "stale"  # the next open checks it first


def test_check_reports_a_healthy_library_on_one_screen(tmp_path: Path) -> None:
    with open_library(tmp_path) as library:
        _fill(library, 2)
    create_backup(tmp_path)
    result = sourcemark("check", "--library", str(tmp_path))
    assert result.returncode == 0, result.stdout
    labels = [line.split()[0] for line in result.stdout.splitlines()]
    assert labels == ["library", "database", "index", "backup", "lock"]
    assert "database  ok: schema" in result.stdout
    assert "index     agrees: 4 of 4 documents, 0 changes waiting" in result.stdout
    assert "lock      free" in result.stdout
    report = json.loads(sourcemark("check", "--json", "--library", str(tmp_path)).stdout)
    assert report["ok"] and report["problems"] == []
    assert report["database"]["integrity"] == ["ok"] and report["index"]["agrees"]


def test_check_reports_a_damaged_database_and_exits_1(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False) as library:
        _fill(library, 12)
    _damage(tmp_path / DATABASE_FILE)
    result = sourcemark("check", "--json", "--library", str(tmp_path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert not report["ok"]
    assert report["database"] is None  # it cannot even be read
    assert any(problem.startswith("the database cannot be read") for problem in report["problems"])
    assert report["advice"] == ["the library has never been backed up (run `sourcemark backup`)"]
