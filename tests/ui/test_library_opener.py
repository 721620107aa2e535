"""Opening a library off the GUI thread: the window never waits on a rebuild of the index."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from sourcemark.app.importers import from_pasted_text
from sourcemark.app.layout import INDEX_DIR
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.ui.library_opener import LibraryOpener, prepare


def library_without_its_index(path: Path, articles: int) -> Path:
    with open_library(path) as library:
        library.import_many(
            from_pasted_text(f"Dispatch {n} on the harbour.") for n in range(articles)
        )
    shutil.rmtree(path / INDEX_DIR)
    return path


def test_preparing_rebuilds_the_index_and_reports_its_progress(tmp_path: Path) -> None:
    path = library_without_its_index(tmp_path / "library", 300)
    seen: list[tuple[int, int]] = []
    assert prepare(path, lambda done, total: seen.append((done, total)), lambda: False) == path
    assert seen[-1] == (300, 300) and seen == sorted(seen)


def test_the_library_opens_in_the_background_and_arrives_open_on_the_gui_thread(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = library_without_its_index(tmp_path / "library", 50)
    opener = LibraryOpener()
    with qtbot.waitSignal(opener.opened, timeout=60_000) as opened:
        opener.open(path)
        assert opener.is_running  # the GUI thread is free meanwhile
    library: Library = opened.args[0]
    try:
        assert library.search("harbour").total == 50  # its connection works on this thread
    finally:
        library.close()
    qtbot.waitUntil(lambda: not opener.is_running)
    assert opener.progress_dialog is None


def test_a_library_that_cannot_be_opened_is_explained(qtbot: QtBot, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("not a library")
    opener = LibraryOpener()
    with qtbot.waitSignal(opener.failed, timeout=30_000) as failed:
        opener.open(not_a_folder)
    assert failed.args[0] == f"{not_a_folder} is a file, not a library folder"
    qtbot.waitUntil(lambda: not opener.is_running)


def test_the_progress_dialog_is_gone_before_the_refusal_shows(qtbot: QtBot, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("not a library")
    opener = LibraryOpener()
    dialogs_at_refusal: list[object] = []
    opener.failed.connect(
        lambda message, details: dialogs_at_refusal.append(opener.progress_dialog)
    )
    with qtbot.waitSignal(opener.failed, timeout=30_000):
        opener.open(not_a_folder)
    assert dialogs_at_refusal == [None]  # a modal refusal would open over "Opening the library…"
    qtbot.waitUntil(lambda: not opener.is_running)
