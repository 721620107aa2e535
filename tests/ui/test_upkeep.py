"""Upkeep while the desk runs: backups and index merges happen off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot
from whoosh import index as whoosh_index

from sourcemark.app.backup_catalog import backups
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.layout import INDEX_DIR
from sourcemark.app.opening import open_library
from sourcemark.ui.operations import Operations
from sourcemark.ui.upkeep import UPKEEP, Upkeep, keep_up


def _segment_count(library_path: Path) -> int:
    return len(whoosh_index.open_dir(str(library_path / INDEX_DIR))._segments())


def _library_with_small_segments(path: Path) -> None:
    with open_library(path) as library:
        for n in range(5):  # every import syncs the index with one small, unmerged segment
            library.import_source(from_pasted_text(f"Source number {n} about the budget."))


def test_keep_up_backs_up_and_merges_small_segments(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    _library_with_small_segments(path)
    assert _segment_count(path) > 1
    with open_library(path) as library:
        made = keep_up(library, lambda done, total: None, lambda: False).value
        assert made is not None and [b.path for b in backups(path)] == [made]
        assert _segment_count(path) == 1
        assert library.search("budget").total == 5
        assert keep_up(library, lambda done, total: None, lambda: False).value is None  # not due


def test_upkeep_runs_in_the_background_and_reports_the_backup(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "lib"
    _library_with_small_segments(path)
    with open_library(path) as library:  # the desk holds the library meanwhile
        owner = QObject()  # the window, in the desk
        operations = Operations(library, owner)
        upkeep = Upkeep(operations, owner, interval_ms=60_000)
        with qtbot.waitSignal(upkeep.backedUp, timeout=30_000) as reported:
            upkeep.run()
        assert Path(reported.args[0]).exists()
        qtbot.waitUntil(lambda: not operations.is_running(UPKEEP), timeout=10_000)
        upkeep.stop()
    assert _segment_count(path) == 1
