"""Importing files through the desk: progress, cancel, the summary, and what the database holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from sourcemark.app.changes import Changes
from sourcemark.app.errors import LibraryBusy
from sourcemark.app.importers import ExtractedSource
from sourcemark.app.importers import files as files_module
from sourcemark.app.importing import ImportedFile, ImportReport
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.ui import operations as operations_module
from sourcemark.ui.import_dialog import IMPORTING, ImportController, ImportSummaryDialog
from sourcemark.ui.operations import Operations


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


@pytest.fixture
def desk_library(tmp_path: Path) -> Iterator[Library]:
    """The library the desk has open (on the GUI thread), without its index."""
    with open_library(tmp_path / "library", with_index=False) as library:
        yield library


@pytest.fixture
def operations(desk_library: Library, window: QWidget) -> Operations:
    return Operations(desk_library, window)


def write_sources(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"source-{n}.txt"
        path.write_text(f"Source number {n}\n\nThe council met on day {n} and voted.\n")
        paths.append(path)
    return paths


def titles(library: Library) -> list[str]:
    return sorted(summary.title for summary in library.articles())


def run_import(qtbot: QtBot, controller: ImportController, files: list[Path]) -> None:
    controller.start(files)
    qtbot.waitUntil(lambda: not controller.is_running, timeout=10_000)


def test_import_with_progress_and_a_bad_file(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    operations: Operations,
    summaries: list[ImportReport],
) -> None:
    good = write_sources(tmp_path / "in", 3)
    bad = tmp_path / "in" / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    controller = ImportController(operations, window)
    seen: list[tuple[str, int, int]] = []
    changed: list[Changes] = []
    operations.progressed.connect(lambda label, done, total: seen.append((label, done, total)))
    operations.changed.connect(changed.append)

    run_import(qtbot, controller, [good[0], bad, good[1], good[2]])

    assert seen == [(IMPORTING, 0, 0)] + [(IMPORTING, n, 4) for n in range(1, 5)]
    assert titles(operations.library) == ["Source number 0", "Source number 1", "Source number 2"]
    (report,) = summaries
    assert [f.name for f in report.imported] == [str(good[0]), str(good[1]), str(good[2])]
    assert [name for name, _ in report.failed] == [str(bad)]
    assert "unsupported file type '.png'" in report.failed[0][1]
    assert report.headline == "3 imported, 1 failed."
    (change,) = changed
    assert change.listing and change.articles == set(report.article_ids)
    assert controller.progress_dialog is None


def test_files_already_in_the_library_are_reported_not_duplicated(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    operations: Operations,
    summaries: list[ImportReport],
) -> None:
    files = write_sources(tmp_path / "in", 2)
    controller = ImportController(operations, window)
    run_import(qtbot, controller, files[:1])
    copy = tmp_path / "in" / "copy-of-0.txt"
    copy.write_bytes(files[0].read_bytes())

    run_import(qtbot, controller, [copy, files[1]])

    report = summaries[-1]
    assert [f.name for f in report.already_present] == [str(copy)]
    assert report.already_present[0].article_id == summaries[0].imported[0].article_id
    assert report.headline == "1 imported, 1 already in the library."
    assert titles(operations.library) == ["Source number 0", "Source number 1"]


def test_cancel_stops_before_the_next_file(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    operations: Operations,
    summaries: list[ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = write_sources(tmp_path / "in", 4)
    reading_second, cancel_clicked = threading.Event(), threading.Event()
    read_file = files_module.read_file

    def read_second_file_after_the_cancel(path: Path, **options: Any) -> ExtractedSource:
        if path == files[1]:  # holds the worker inside file 2 until Cancel was clicked
            reading_second.set()
            assert cancel_clicked.wait(5)
        return read_file(path, **options)

    monkeypatch.setattr(files_module, "read_file", read_second_file_after_the_cancel)
    controller = ImportController(operations, window)

    def click_cancel(label: str, done: int, total: int) -> None:
        if done == 1:
            assert reading_second.wait(5)  # Cancel comes while file 2 is being read
            assert controller.progress_dialog is not None
            cancel = controller.progress_dialog.findChild(QPushButton)
            assert cancel is not None
            cancel.click()
            cancel_clicked.set()

    operations.progressed.connect(click_cancel)
    run_import(qtbot, controller, files)

    # Files are extracted several at once: the cancel stops the import between two files,
    # each one either imported whole or left alone, in order.
    (report,) = summaries
    imported = [f.name for f in report.imported]
    assert imported + report.not_imported == [str(f) for f in files]
    assert imported[:1] == [str(files[0])] and report.not_imported[-1:] == [str(files[-1])]
    assert report.headline == (
        f"{len(imported)} imported, {len(report.not_imported)} not imported (cancelled)."
    )
    assert titles(operations.library) == [f"Source number {n}" for n in range(len(imported))]


def test_files_given_during_an_import_wait_for_it(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    operations: Operations,
    summaries: list[ImportReport],
) -> None:
    files = write_sources(tmp_path / "in", 3)
    controller = ImportController(operations, window)

    controller.start(files[:2])
    controller.start(files[2:])
    qtbot.waitUntil(lambda: len(summaries) == 2 and not controller.is_running, timeout=10_000)

    assert [len(report.imported) for report in summaries] == [2, 1]
    assert len(titles(operations.library)) == 3


def test_a_library_that_cannot_be_opened_is_explained_and_changes_nothing(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    operations: Operations,
    summaries: list[ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def busy(path: Path) -> Library:
        raise LibraryBusy("the library is in use by PID 4242 on host desk")

    monkeypatch.setattr(operations_module, "open_library", busy)
    problems: list[str] = []
    operations.failed.connect(problems.append)
    controller = ImportController(operations, window)

    run_import(qtbot, controller, write_sources(tmp_path / "in", 2))

    assert problems == ["the library is in use by PID 4242 on host desk"]
    assert summaries == [] and titles(operations.library) == []
    assert controller.progress_dialog is None


def test_summary_dialog_lists_failures_first(qtbot: QtBot, tmp_path: Path) -> None:
    report = ImportReport(
        imported=[ImportedFile(str(tmp_path / "a.txt"), "id-a", "Council votes")],
        failed=[(str(tmp_path / "b.pdf"), "the PDF is encrypted")],
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


def test_stopping_cancels_and_waits_without_a_summary(
    qtbot: QtBot,
    tmp_path: Path,
    window: QWidget,
    operations: Operations,
    summaries: list[ImportReport],
) -> None:
    files = write_sources(tmp_path / "in", 20)
    controller = ImportController(operations, window)
    changed: list[Changes] = []
    operations.changed.connect(changed.append)

    controller.start(files)
    operations.stop_all(10_000)

    assert not operations.is_running(IMPORTING)
    qtbot.wait(50)  # let any queued signal arrive: none must reach the desk
    assert changed == [] and summaries == []
    assert len(titles(operations.library)) < len(files)


def test_the_window_library_finds_what_the_worker_imported(
    qtbot: QtBot, tmp_path: Path, window: QWidget, summaries: list[ImportReport], library: Library
) -> None:
    files = write_sources(tmp_path / "in", 2)
    controller = ImportController(Operations(library, window), window)

    run_import(qtbot, controller, files)

    ids = summaries[0].article_ids
    assert library.index is not None
    found = library.index.search("council voted")
    assert sorted(hit.article_id for hit in found.hits if hit.doc_type == "article") == sorted(ids)
    assert sorted(summary.id for summary in library.articles()) == sorted(ids)
