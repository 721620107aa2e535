"""Opening a library for the desk without freezing it.

The slow steps of an open (the check after an unclean exit, migrations, a search index that
must be rebuilt, seeding the demo on first use) run on a worker thread, with a progress dialog
when they take a while; the library is then opened again on the GUI thread, which is quick
once it is ready (a SQLite connection belongs to the thread that opened it).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from sourcemark.app.demo import open_default_library
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.ui.tasks import BackgroundTask, Cancelled, Progress

PROGRESS_DELAY_MS = 500


def prepare(path: Path | None, progress: Progress, _cancelled: Cancelled) -> Path:
    """Do the slow part of opening `path` (None: the default library); returns its folder."""
    library = open_library(path, progress=progress) if path else open_default_library(progress)
    with library:
        return library.path


class LibraryOpener(QObject):
    """Opens one library at a time.

    Signals: `opened(Library)` with the library open on the GUI thread, or
    `failed(message, details)` with the reason it could not be opened (details: what support
    would ask for, such as the process holding the library; may be empty).
    """

    opened = Signal(Library)
    failed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._task: BackgroundTask | None = None
        self.progress_dialog: QProgressDialog | None = None

    @property
    def is_running(self) -> bool:
        return self._task is not None

    def open(self, path: Path | None) -> None:
        if self._task is not None:
            self.failed.emit("A library is already being opened; wait for it.", "")
            return
        task = BackgroundTask(lambda progress, cancelled: prepare(path, progress, cancelled), self)
        dialog = QProgressDialog("Opening the library…", "", 0, 0, self._parent)
        dialog.setWindowTitle("Sourcemark")
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setMinimumWidth(360)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        task.progressed.connect(self._show_progress)
        task.succeeded.connect(self._prepared)
        task.failed.connect(self._refused)
        task.finished.connect(self._finished)
        self._task, self.progress_dialog = task, dialog
        task.start()

    def wait(self, timeout_ms: int) -> bool:
        return self._task.wait(timeout_ms) if self._task is not None else True

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None and total:
            self.progress_dialog.setLabelText(
                f"Rebuilding the search index: {done:,} of {total:,} records…"
            )
            self.progress_dialog.setRange(0, total)
            self.progress_dialog.setValue(done)

    @Slot(str)
    def _refused(self, message: str) -> None:
        details = self._task.refusal_details if self._task is not None else ""
        self._close_dialog()  # before the refusal shows: it may be a modal box
        self.failed.emit(message, details)

    def _prepared(self, path: Path) -> None:
        self._close_dialog()
        try:
            library = open_library(path)
        except SourcemarkError as error:
            self.failed.emit(str(error), error.details)
            return
        self.opened.emit(library)

    @Slot()
    def _finished(self) -> None:
        self._close_dialog()
        if self._task is not None:
            self._task.deleteLater()
            self._task = None

    def _close_dialog(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
