"""Verified backups: the backup API, rotation, when one is due, and restoring from the CLI."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sourcemark.app import backup
from sourcemark.app.backup import backup_if_due, backups_to_keep, create_backup
from sourcemark.app.backup_catalog import Backup, backups
from sourcemark.app.errors import LibraryDamaged
from sourcemark.app.health import check_library
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from tests.cli import sourcemark

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def _add_article(library: Library, n: int) -> str:
    text = f"Report {n}. The minister said spending rose by {n} percent last year."
    article = library.import_source(from_pasted_text(text)).value.article
    library.annotate_quote(article.id, "claim", f"spending rose by {n} percent")
    return article.id


def _counts(database: Path) -> tuple[int, int]:
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        counts: tuple[int, int] = conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM annotations)"
        ).fetchone()
        return counts
    finally:
        conn.close()


def test_a_backup_is_a_verified_copy_in_the_backups_folder(bare_library: Library) -> None:
    for n in range(3):
        _add_article(bare_library, n)
    made = create_backup(bare_library.path)
    assert made.path.parent == bare_library.path / "backups"
    assert backup.is_intact(made.path)
    assert _counts(made.path) == (3, 3)
    assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]


def test_a_backup_taken_while_another_thread_writes_is_consistent(bare_library: Library) -> None:
    stop = threading.Event()

    def keep_writing() -> None:
        with open_library(bare_library.path, with_index=False) as writer:
            n = 0
            while not stop.is_set():
                _add_article(writer, n)
                n += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        taken = [create_backup(bare_library.path, now=T0 + timedelta(days=i)) for i in range(5)]
    finally:
        stop.set()
        thread.join()
    for made in taken:
        assert backup.is_intact(made.path)
        articles, annotations = _counts(made.path)
        assert annotations in (articles, articles - 1)  # each annotation follows its article
    assert _counts(taken[-1].path)[0] > 0


def _at(*offsets_in_hours: float) -> list[Backup]:
    return [Backup(Path(f"b{h}"), T0 - timedelta(hours=h)) for h in offsets_in_hours]


def test_rotation_keeps_the_newest_of_the_last_7_days_and_4_weeks() -> None:
    every_12_hours_for_8_weeks = _at(*range(0, 24 * 56, 12))
    kept = backups_to_keep(every_12_hours_for_8_weeks)
    ages_in_days = sorted((T0 - b.taken_at) / timedelta(days=1) for b in kept)
    # The newest of each of 7 days (Monday 09:00, then 21:00 back to Tuesday), then the newest
    # left in each of 4 earlier ISO weeks: that Tuesday's 09:00, then Sundays at 21:00.
    assert ages_in_days == [0, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6, 7.5, 14.5, 21.5]


def test_rotation_deletes_old_backups_only_after_a_new_one_is_verified(
    bare_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_article(bare_library, 1)
    for day in range(40):
        create_backup(bare_library.path, now=T0 + timedelta(days=day))
    before = backups(bare_library.path)
    assert len(before) == 7 + 4  # rotation kept 7 daily and 4 weekly of the 40
    monkeypatch.setattr(backup, "is_intact", lambda path: False)
    with pytest.raises(LibraryDamaged, match="no backup was kept"):
        create_backup(bare_library.path, now=T0 + timedelta(days=41))
    assert backups(bare_library.path) == before
    assert sorted(p.name for p in (bare_library.path / "backups").iterdir()) == sorted(
        b.path.name for b in before
    )


def test_a_backup_is_due_once_a_day_and_on_close_only_after_changes(bare_library: Library) -> None:
    _add_article(bare_library, 1)
    assert backup_if_due(bare_library.path, now=T0) is not None
    assert backup_if_due(bare_library.path, now=T0 + timedelta(hours=3)) is None
    assert backup_if_due(bare_library.path, closing=True, now=T0 + timedelta(hours=3)) is None
    assert backup_if_due(bare_library.path, now=T0 + timedelta(days=2)) is None  # nothing changed
    _add_article(bare_library, 2)
    assert backup_if_due(bare_library.path, closing=True, now=T0 + timedelta(hours=4)) is not None
    first, second = bare_library.annotations()[:2]
    bare_library.link(first.id, second.id, relation="supports")
    assert backup_if_due(bare_library.path, now=T0 + timedelta(hours=5)) is None
    assert backup_if_due(bare_library.path, now=T0 + timedelta(days=1, hours=5)) is not None


def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    library_path = tmp_path / "library"
    with open_library(library_path, with_index=False) as library:
        _add_article(library, 1)
    made = sourcemark("backup", "--library", str(library_path))
    assert made.returncode == 0, made.stderr
    assert "backed up and verified" in made.stdout
    with open_library(library_path, with_index=False) as library:
        _add_article(library, 2)
    restored = sourcemark("restore", "--library", str(library_path))
    assert restored.returncode == 0, restored.stderr
    kept = list(library_path.glob("library.db.before-restore-*Z"))
    assert len(kept) == 1 and f"kept as {kept[0]}" in restored.stdout
    assert _counts(kept[0]) == (2, 2)
    assert _counts(library_path / "library.db") == (1, 1)
    with open_library(library_path) as library:
        assert len(library.annotations()) == 1


def test_restore_a_named_backup_and_refuse_a_bad_one(tmp_path: Path) -> None:
    library_path = tmp_path / "library"
    with open_library(library_path, with_index=False) as library:
        _add_article(library, 1)
        first = create_backup(library_path, now=T0)
        _add_article(library, 2)
        create_backup(library_path, now=T0 + timedelta(days=1))
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    refused = sourcemark("restore", "--library", str(library_path), str(bad))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"sourcemark: the backup {bad} fails its integrity check: choose another"
    )
    chosen = sourcemark("restore", "--library", str(library_path), first.path.name)
    assert chosen.returncode == 0, chosen.stderr
    assert _counts(library_path / "library.db") == (1, 1)


def test_restore_with_no_backup_says_so(tmp_path: Path) -> None:
    open_library(tmp_path, with_index=False).close()
    result = sourcemark("restore", "--library", str(tmp_path))
    assert result.returncode == 1
    expected = f"sourcemark: no good backup to restore in {tmp_path / 'backups'}"
    assert result.stderr.strip() == expected


def test_restore_waits_for_the_library_to_be_closed(bare_library: Library) -> None:
    _add_article(bare_library, 1)
    create_backup(bare_library.path)
    result = sourcemark("restore", "--library", str(bare_library.path))
    assert result.returncode == 1
    assert result.stderr.startswith("sourcemark: This library is being changed by a Sourcemark")
    assert f"PID {os.getpid()}" in result.stderr
    assert not list(bare_library.path.glob("library.db.before-restore-*"))


def test_check_flags_a_backup_older_than_a_week(bare_library: Library) -> None:
    _add_article(bare_library, 1)
    create_backup(bare_library.path, now=T0)
    stale = check_library(bare_library.path, now=T0 + timedelta(days=8))
    assert stale.advice == ["the latest backup is over 7 days old (run `sourcemark backup`)"]
    recent = check_library(bare_library.path, now=T0 + timedelta(days=6))
    assert recent.advice == []
    assert stale.problems == recent.problems  # advice, not a problem: it does not fail `check`


def test_a_copy_left_by_a_crashed_backup_is_cleaned_up(bare_library: Library) -> None:
    folder = bare_library.path / "backups"
    abandoned, in_progress = folder / ".partial-old.db", folder / ".partial-new.db"
    for partial in (abandoned, in_progress):
        partial.write_bytes(b"half a copy")
    hours_ago = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    os.utime(abandoned, (hours_ago, hours_ago))
    create_backup(bare_library.path)
    assert not abandoned.exists() and in_progress.exists()
