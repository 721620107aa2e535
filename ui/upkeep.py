"""Upkeep while the desk runs: the daily backup and merging the search index's small segments.

Both run off the GUI thread, so the window never waits on a backup or an index merge.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from sourcemark.app.backup import backup_if_due
from sourcemark.app.library import Library
from sourcemark.ui.tasks import BackgroundTask, Cancelled, Progress

UPKEEP_INTERVAL_MS = 10 * 60 * 1000


def keep_up(library_path: Path, progress: Progress, cancelled: Cancelled) -> Path | None:
    """Back up when due, then merge the small segments quick index updates leave behind."""
    made = backup_if_due(library_path)
    if not cancelled():
        with Library.open(library_path) as library:
            assert library.index is not None
            library.index.merge_segments()
    return made


class Upkeep(QObject):
    """Runs `keep_up` now and then; one run at a time."""

    backedUp = Signal(str)
    failed = Signal(str)

    def __init__(
        self, library_path: Path, parent: QObject, interval_ms: int = UPKEEP_INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        self.library_path = library_path
        self.task: BackgroundTask | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)
        self.timer.start()

    def run(self) -> None:
        if self.task is not None:
            return
        task = BackgroundTask(partial(keep_up, self.library_path), self)
        task.succeeded.connect(self._report)
        task.failed.connect(self.failed)
        task.finished.connect(self._finished)
        self.task = task
        task.start()

    def stop(self, timeout_ms: int) -> None:
        """No more runs; wait for one in progress to end."""
        self.timer.stop()
        if self.task is not None:
            self.task.cancel()
            self.task.wait(timeout_ms)

    def _report(self, made: Path | None) -> None:
        if made is not None:
            self.backedUp.emit(str(made))

    def _finished(self) -> None:
        if self.task is not None:
            self.task.deleteLater()
            self.task = None
