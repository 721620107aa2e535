"""Importing files through the desk: progress, cancel, the summary, and what the database holds."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from sourcemark.app.errors import LibraryBusy
from sourcemark.app.importers import ExtractedSource, read_file
from sourcemark.app.library import Library
from sourcemark.ui import import_dialog
from sourcemark.ui.import_dialog import ImportController, ImportReport, ImportSummaryDialog


@pytest.fixture
def summaries(monkeypatch: pytest.MonkeyPatch) -> list[ImportReport]:
    """The reports the summary dialog would have shown (the seam keeps tests from blocking)."""
    shown: list[ImportReport] = []
    monkeypatch.setattr(
        ImportSummaryDialog, "ask", classmethod(lambda cls, parent, report: shown.append(report))
    )
    return shown


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def write_sources(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"source-{n}.txt"
        path.write_text(f"Source number {n}\n\nThe council met on day {n} and voted.\n")
        paths.append(path)
    return paths


def titles(library_path: Path) -> list[str]:
    with Library.open(library_path, with_index=False) as library:
        return sorted(summary.title for summary in library.articles())


def run_import(qtbot: QtBot, controller: ImportController, files: list[Path]) -> list[str]:
    with qtbot.waitSignal(controller.importFinished, timeout=10_000) as finished:
        controller.start(files)
    qtbot.waitUntil(lambda: not controller.is_running, timeout=5000)
    assert finished.args is not None
    ids: list[str] = finished.args[0]
    return ids


def test_import_with_progress_and_a_bad_file(
    qtbot: QtBot, tmp_path: Path, window: QWidget, summaries: list[ImportReport]
) -> None:
    library_path = tmp_path / "library"
    good = write_sources(tmp_path / "in", 3)
    bad = tmp_path / "in" / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    controller = ImportController(library_path, window)
    seen: list[tuple[int, int]] = []
    controller.progressed.connect(lambda done, total: seen.append((done, total)))

    ids = run_import(qtbot, controller, [good[0], bad, good[1], good[2]])

    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert titles(library_path) == ["Source number 0", "Source number 1", "Source number 2"]
    (report,) = summaries
    assert [f.path for f in report.imported] == [good[0], good[1], good[2]]
    assert sorted(ids) == sorted(f.article_id for f in report.imported)
    assert [path for path, _ in report.failed] == [bad]
    assert "unsupported file type '.png'" in report.failed[0][1]
    assert report.headline == "3 imported, 1 failed."
    assert controller.progress_dialog is None


def test_files_already_in_the_library_are_reported_not_duplicated(
    qtbot: QtBot, tmp_path: Path, window: QWidget, summaries: list[ImportReport]
) -> None:
    library_path = tmp_path / "library"
    files = write_sources(tmp_path / "in", 2)
    controller = ImportController(library_path, window)
    run_import(qtbot, controller, files[:1])
    copy = tmp_path / "in" / "copy-of-0.txt"
    copy.write_bytes(files[0].read_bytes())

    ids = run_import(qtbot, controller, [copy, files[1]])

    report = summaries[-1]
    assert [f.path for f in report.already_present] == [copy]
    assert report.already_present[0].article_id == summaries[0].imported[0].article_id
    assert len(ids) == 2
    assert titles(library_path) == ["Source number 0", "Source number 1"]


def test_cancel_stops_before_the_next_file(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    summaries: list[ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library_path = tmp_path / "library"
    files = write_sources(tmp_path / "in", 4)
    cancel_clicked = threading.Event()

    def read_second_file_after_the_cancel(path: Path) -> ExtractedSource:  # holds file 2
        if path == files[1]:
            assert cancel_clicked.wait(5)
        return read_file(path)

    monkeypatch.setattr(import_dialog, "read_file", read_second_file_after_the_cancel)
    controller = ImportController(library_path, window)

    def click_cancel(done: int, total: int) -> None:
        if done == 1:
            assert controller.progress_dialog is not None
            cancel = controller.progress_dialog.findChild(QPushButton)
            assert cancel is not None
            cancel.click()
            cancel_clicked.set()

    controller.progressed.connect(click_cancel)
    run_import(qtbot, controller, files)

    (report,) = summaries
    assert [f.path for f in report.imported] == files[:2]
    assert report.not_imported == files[2:]
    assert report.headline == "2 imported, 2 not imported (cancelled)."
    assert titles(library_path) == ["Source number 0", "Source number 1"]


def test_files_given_during_an_import_wait_for_it(
    qtbot: QtBot, tmp_path: Path, window: QWidget, summaries: list[ImportReport]
) -> None:
    library_path = tmp_path / "library"
    files = write_sources(tmp_path / "in", 3)
    controller = ImportController(library_path, window)
    finished: list[list[str]] = []
    controller.importFinished.connect(finished.append)

    controller.start(files[:2])
    controller.start(files[2:])
    qtbot.waitUntil(lambda: len(finished) == 2 and not controller.is_running, timeout=10_000)

    assert [len(ids) for ids in finished] == [2, 1]
    assert len(titles(library_path)) == 3


def test_a_library_that_cannot_be_opened_changes_nothing(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    summaries: list[ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def busy(path: Path) -> Library:
        raise LibraryBusy("the library is in use by PID 4242 on host desk")

    monkeypatch.setattr(Library, "open", staticmethod(busy))
    files = write_sources(tmp_path / "in", 2)
    controller = ImportController(tmp_path / "library", window)

    assert run_import(qtbot, controller, files) == []

    (report,) = summaries
    assert report.headline == "Nothing was imported: the library is in use by PID 4242 on host desk"
    assert report.not_imported == files
    assert not (tmp_path / "library").exists()


def test_summary_dialog_lists_failures_first(qtbot: QtBot, tmp_path: Path) -> None:
    report = ImportReport(
        imported=[import_dialog.ImportedFile(tmp_path / "a.txt", "id-a", "Council votes")],
        failed=[(tmp_path / "b.pdf", "the PDF is encrypted")],
    )
    dialog = ImportSummaryDialog(report)
    qtbot.addWidget(dialog)
    items = [dialog.files.topLevelItem(n) for n in range(dialog.files.topLevelItemCount())]
    rows = [(item.text(0), item.text(1)) for item in items if item is not None]
    assert rows == [
        ("b.pdf", "Failed: the PDF is encrypted"),
        ("a.txt", "Imported as “Council votes”"),
    ]
    assert dialog.headline.text() == "1 imported, 1 failed."
    assert dialog.windowTitle() == "Import finished"


def test_stop_cancels_and_waits_without_a_summary(
    qtbot: QtBot, tmp_path: Path, window: QWidget, summaries: list[ImportReport]
) -> None:
    library_path = tmp_path / "library"
    files = write_sources(tmp_path / "in", 20)
    controller = ImportController(library_path, window)
    finished: list[list[str]] = []
    controller.importFinished.connect(finished.append)

    controller.start(files)
    assert controller.stop()

    assert not controller.is_running
    QApplication.processEvents()  # deliver any signal the worker queued: none must arrive
    assert finished == [] and summaries == []
    assert len(titles(library_path)) < len(files)


def test_the_window_library_finds_what_the_worker_imported(
    qtbot: QtBot, tmp_path: Path, window: QWidget, summaries: list[ImportReport], library: Library
) -> None:
    files = write_sources(tmp_path / "in", 2)
    controller = ImportController(library.path, window)

    ids = run_import(qtbot, controller, files)

    assert library.index is not None
    found = library.index.search("council voted")
    assert sorted(hit.article_id for hit in found.hits if hit.doc_type == "article") == sorted(ids)
    assert sorted(summary.id for summary in library.articles()) == sorted(ids)
